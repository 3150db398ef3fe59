// Operations: open appeals, oldest first. Each opens its case, where the timeline, the evidence and the resolution are.
import { h } from '../dom.js';
import { get } from '../api.js';
import { fmtTime, stateLabel } from '../format.js';
import { pageTitle, panel, table } from '../ui.js';

export async function appealsPage() {
  const appeals = await get('/api/appeals?status=open');
  return h('div', {},
    pageTitle('Appeal queue'),
    panel(`Open appeals (${appeals.length})`,
      h('p', { class: 'hint' }, 'Oldest first. An open appeal freezes its case until you resolve it.'),
      table([
        { label: 'Opened', cell: a => fmtTime(a.openedAt) },
        { label: 'Case', cell: a => h('a', { href: `#/cases/${encodeURIComponent(a.caseId)}`, 'data-appeal': a.appealId }, a.caseId) },
        { label: 'By', cell: a => `${a.initiator} ${a.initiatorId}` },
        { label: 'Frozen in', cell: a => stateLabel(a.frozenState) },
        { label: 'Reason', cell: a => h('span', { class: 'pre' }, a.reason) },
        { label: 'Demands', cell: a => a.demands ?? '—' },
        { label: 'Evidence', cell: a => String(a.evidenceIds?.length ?? 0) },
        { label: 'Action', cell: a => h('a', { href: `#/cases/${encodeURIComponent(a.caseId)}`, class: 'button small' }, 'Review and resolve', h('span', { class: 'sr-only' }, ` appeal ${a.appealId}`)) },
      ], appeals, { caption: 'Open appeals, oldest first', empty: 'No open appeals.' })));
}
