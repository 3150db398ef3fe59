// Production interface messages (docs/seller-integration.md §9): the seller's calls with every attempt, retry of a
// parked call and manual delivery of a parked newInstance; for ops, parked calls across sellers.
import { h, mount } from '../dom.js';
import { get, isNotAvailable, post } from '../api.js';
import { fmtTime, fmtTimeSeconds } from '../format.js';
import { actionButton, actionForm, facts, fail, loading, notAvailable, pageTitle, panel, say, table } from '../ui.js';

const STATUSES = ['Pending', 'Retrying', 'InProgress', 'Succeeded', 'Parked', 'ManuallyDelivered'];
const isParked = c => String(c.status).toLowerCase() === 'parked';
const statusLabel = s => STATUSES.find(x => x.toLowerCase() === String(s).toLowerCase()) ?? s;

export async function callsPage(ctx) {
  const { role } = ctx.session;
  let status = role === 'ops' ? 'Parked' : '';
  const area = h('div', {}, loading('Loading calls'));
  const title = role === 'ops' ? 'Parked calls' : 'Production interface messages';

  async function load() {
    const q = status ? `?status=${encodeURIComponent(status)}` : '';
    try {
      const result = await get(`/api/seller/calls${q}`);
      const items = Array.isArray(result) ? result : result?.items ?? [];
      mount(area, table([
        { label: 'Call', cell: c => h('a', { href: `#/calls/${encodeURIComponent(c.callId)}`, 'data-call': c.callId }, c.callId) },
        role === 'ops' ? { label: 'Seller', cell: c => c.sellerId } : null,
        { label: 'Activity', cell: c => c.activity },
        { label: 'Order', cell: c => c.orderId ?? c.orderRef ?? '—' },
        { label: 'Status', cell: c => h('span', { class: `badge call-${String(c.status).toLowerCase()}` }, statusLabel(c.status)) },
        { label: 'Attempts', cell: c => String(c.attempts ?? '') },
        { label: 'Last attempt', cell: c => fmtTime(c.lastAttemptAt) },
        { label: 'Next / parked', cell: c => (isParked(c) ? `Parked ${fmtTime(c.parkedAt)}${c.parkedReason ? `: ${c.parkedReason}` : ''}` : c.nextAttemptAt ? `Next ${fmtTime(c.nextAttemptAt)}` : '—') },
        { label: 'Action', cell: c => (isParked(c) ? actionButton('Retry', async () => { await retry(c.callId); await load(); }, { kind: 'small', name: `retry-${c.callId}` }) : '—') },
      ].filter(Boolean), items, { caption: title, empty: status ? `No ${statusLabel(status).toLowerCase()} calls.` : 'No calls yet.' }));
    } catch (err) {
      if (isNotAvailable(err)) { toolbar.hidden = true; mount(area, notAvailable('Production interface messages', 'GET /api/seller/calls')); }
      else throw err;
    }
  }

  const filter = h('select', { id: 'call-status', name: 'status' }, h('option', { value: '' }, 'All'),
    STATUSES.map(s => h('option', { value: s, selected: s === status }, s)));
  filter.addEventListener('change', () => { status = filter.value; load().catch(fail); });
  const toolbar = h('div', { class: 'toolbar' }, h('label', { for: 'call-status' }, 'Status'), filter);
  await load();
  return h('div', {}, pageTitle(title),
    panel(role === 'ops' ? 'Calls that stopped retrying, across sellers' : 'Calls to your production interface',
      h('p', { class: 'hint' }, 'A failed call is retried for 3 hours, then parked. Fix the cause, then retry it: it gets a fresh 3-hour window.'),
      toolbar,
      area));
}

async function retry(callId) {
  await post(`/api/seller/calls/${encodeURIComponent(callId)}/retry`);
  say(`Call ${callId} restarted: the first attempt goes out now.`);
}

export async function callPage(ctx) {
  const callId = ctx.params[0];
  const base = `/api/seller/calls/${encodeURIComponent(callId)}`;
  const root = h('div');
  const show = async message => {
    let c;
    try {
      c = await get(base);
    } catch (err) {
      if (!isNotAvailable(err)) throw err;
      mount(root, pageTitle(`Call ${callId}`), notAvailable('Production interface messages', `GET ${base}`));
      return;
    }
    mount(root, ...renderCall(c, base, show));
    if (message) { say(message); root.querySelector('h1')?.focus(); }
  };
  await show();
  return root;
}

function renderCall(c, base, show) {
  const attempts = c.attempts ?? [];
  const actions = [];
  if (isParked(c)) {
    actions.push(h('div', { class: 'action' }, h('h3', {}, 'Retry'),
      h('p', { class: 'hint' }, 'Fixed the cause? The call starts a fresh 3-hour retry window, signed anew.'),
      h('div', { class: 'buttons' }, actionButton('Retry the call', async () => {
        await post(`${base}/retry`);
        await show('Call restarted: the first attempt goes out now.');
      }, { name: 'retry' }))));
    if (c.activity === 'newInstance') {
      actions.push(actionForm({
        name: 'manualDelivery', title: 'Deliver by hand', kind: 'secondary',
        description: 'You created the instance yourself: enter its id; the order continues with it.',
        fields: [{ label: 'Instance id', name: 'instanceId', required: true, maxlength: 64 }, { label: 'Note', name: 'note', type: 'textarea', maxlength: 1024 }],
        submit: 'Deliver by hand',
        onSubmit: async v => { await post(`${base}/manual-delivery`, { instanceId: v.instanceId, note: v.note || undefined }); await show('Delivered by hand.'); },
      }));
    }
  }
  return [
    h('p', { class: 'crumbs' }, h('a', { href: '#/calls' }, '← Calls')),
    pageTitle(`Call ${c.callId}`),
    h('div', { class: 'summary' }, h('span', { class: `badge call-${String(c.status).toLowerCase()}`, 'data-testid': 'call-status' }, statusLabel(c.status)),
      actionButton('Refresh', () => show('Call refreshed.'), { kind: 'secondary small' })),
    panel('Call', facts([
      ['Activity', c.activity], ['Seller', c.sellerId], ['Product', c.productId], ['Order', c.orderId], ['Order line', c.orderLineId],
      ['Instance', c.instanceId ?? c.result?.instanceId], ['Created', fmtTime(c.createdAt)], ['Retry window', c.windowStartedAt ? `${fmtTime(c.windowStartedAt)} – ${fmtTime(c.deadline)}` : c.deadline ? `until ${fmtTime(c.deadline)}` : null],
      ['Next attempt', c.nextAttemptAt ? fmtTime(c.nextAttemptAt) : null],
      ['Parked', c.parkedAt ? `${fmtTime(c.parkedAt)}${c.parkedReason ? `: ${c.parkedReason}` : ''}` : null],
      ['Instance id mismatch', c.instanceIdMismatch ? `kept ${c.instanceIdMismatch.kept}, your server returned ${c.instanceIdMismatch.returned}` : null],
      ['Delivered by hand', c.manualDelivery ? `${c.manualDelivery.instanceId}${c.manualDelivery.note ? `: ${c.manualDelivery.note}` : ''}` : null],
    ])),
    panel('What you can do now', actions.length ? h('div', { class: 'actions' }, actions) : h('p', { class: 'empty' }, isParked(c) ? '' : 'Only parked calls can be retried or delivered by hand.')),
    panel(`Attempts (${attempts.length})`, table([
      { label: '#', cell: a => String(a.number) },
      { label: 'At', cell: a => fmtTimeSeconds(a.at) },
      { label: 'Activity', cell: a => a.activity },
      { label: 'HTTP', cell: a => (a.httpStatus ? String(a.httpStatus) : '—') },
      { label: 'Result', cell: a => [a.resultCode ?? '—', a.resultMsg ? ` ${a.resultMsg}` : ''] },
      { label: 'Error', cell: a => a.error ?? '—' },
      { label: 'Latency', cell: a => `${a.latencyMs} ms` },
      { label: 'Request', cell: a => h('details', {}, h('summary', {}, 'Body'), h('pre', {}, a.requestBody)) },
    ], attempts, { caption: 'Attempts', empty: 'No attempt yet.' })),
  ];
}
