// Bills (docs/usage-and-billing.md §6.4): sealed hourly and daily bills per instance, with their records.
import { h, mount } from '../dom.js';
import { ApiError, get, isNotAvailable } from '../api.js';
import { fmtTime } from '../format.js';
import { actionForm, busy, fail, loading, notAvailable, pageTitle, panel, table } from '../ui.js';

export async function billsPage() {
  const area = h('div');
  const records = h('div');

  async function load(filter = {}) {
    const q = new URLSearchParams(Object.entries(filter).filter(([, v]) => v));
    mount(area, loading('Loading bills'));
    try {
      const result = await get(`/api/bills${q.toString() ? `?${q}` : ''}`);
      const items = Array.isArray(result) ? result : result?.items ?? [];
      mount(area, table([
        { label: 'Bill', cell: b => h('code', {}, b.billId) },
        { label: 'Instance', cell: b => b.instanceId },
        { label: 'Period', cell: b => `${b.granularity === 'hour' ? 'Hour' : 'Day'} from ${fmtTime(b.periodStart)}` },
        { label: 'Usage', cell: b => String(b.usageTotal) },
        { label: 'Records', cell: b => `${b.recordCount}${b.lateRecordCount ? ` (${b.lateRecordCount} late)` : ''}` },
        { label: 'Sealed', cell: b => fmtTime(b.sealedAt) },
        { label: 'Seal', cell: b => h('code', { title: b.sha256 }, `${String(b.sha256 ?? '').slice(0, 12)}…`) },
        { label: 'Records', cell: b => {
          const btn = h('button', { type: 'button', class: 'link' }, 'Show records');
          btn.addEventListener('click', () => busy(btn, () => showRecords(b)));
          return btn;
        } },
      ], items, { caption: 'Bills', empty: 'No bills for this filter.' }));
    } catch (err) {
      if (isNotAvailable(err)) { filterPanel.hidden = true; mount(area, notAvailable('Bills', 'GET /api/bills')); }
      // A filter the server needs (e.g. an instance id): say what to enter, next to the list.
      else if (err instanceof ApiError && (err.status === 400 || err.status === 422)) mount(area, h('p', { class: 'notice', 'data-testid': 'bills-filter-needed' }, err.detail));
      else { mount(area, h('p', { class: 'empty' }, 'Bills could not be loaded.')); fail(err); }
    }
  }

  async function showRecords(b) {
    const r = await get(`/api/bills/${encodeURIComponent(b.billId)}/records`);
    const items = Array.isArray(r) ? r : r?.items ?? r?.records ?? [];
    mount(records, h('h3', { tabindex: '-1' }, `Records of ${b.billId}`), table([
      { label: 'Begin', cell: x => x.begin_time ?? x.beginTime },
      { label: 'End', cell: x => x.end_time ?? x.endTime },
      { label: 'Value', cell: x => String(x.usage_value ?? x.usageValue) },
      { label: 'Metering SN', cell: x => x.metering_sn ?? x.meteringSn },
      { label: 'Late', cell: x => (x.late ? 'Yes' : 'No') },
    ], items, { caption: 'Bill records', empty: 'No records.' }));
    records.querySelector('h3')?.focus();
  }

  const filterPanel = panel('Filter', actionForm({
      name: 'billsFilter',
      fields: [
        { label: 'Instance id', name: 'instanceId' },
        { label: 'From', name: 'from', type: 'date' },
        { label: 'To', name: 'to', type: 'date' },
      ],
      submit: 'Show bills', kind: 'secondary',
      onSubmit: v => load(v),
    }));
  await load();
  return h('div', {}, pageTitle('Bills'), filterPanel, panel('Sealed bills', area, records));
}
