// Case lists: the buyer's and seller's own cases (what waits on them first), all cases for ops, the review queue.
import { field, h, mount } from '../dom.js';
import { get, post } from '../api.js';
import { STATE_LABELS, fmtTime, sideLabel } from '../format.js';
import { sortForRole, waitsOn } from '../rules.js';
import { actionForm, fail, loading, pageTitle, panel, say, stateBadge, table } from '../ui.js';

const TITLES = { buyer: 'My cases', seller: 'My cases', ops: 'Cases', reviewer: 'Review queue' };

export async function casesPage(ctx) {
  const { role } = ctx.session;
  const query = new URLSearchParams(location.hash.split('?')[1] ?? '');
  let state = query.get('state') ?? (role === 'reviewer' ? 'PlatformReview' : '');
  let page = 1;
  const listArea = h('div', { 'aria-busy': 'false' });

  async function load() {
    listArea.setAttribute('aria-busy', 'true');
    mount(listArea, loading('Loading cases'));
    const q = new URLSearchParams();
    if (state) q.set('state', state);
    if (page > 1) q.set('page', String(page));
    const result = await get(`/api/cases${q.toString() ? `?${q}` : ''}`);
    mount(listArea, ...renderList(result, role, p => { page = p; load().catch(fail); }));
    listArea.setAttribute('aria-busy', 'false');
    return result;
  }

  const filter = h('select', { id: 'state-filter', name: 'state' },
    h('option', { value: '' }, 'All states'),
    Object.entries(STATE_LABELS).map(([value, label]) => h('option', { value, selected: value === state }, label)));
  filter.addEventListener('change', () => {
    state = filter.value;
    page = 1;
    load().then(r => say(`${r.total} case${r.total === 1 ? '' : 's'}${state ? ` in ${filter.selectedOptions[0].textContent}` : ''}.`)).catch(fail);
  });

  const content = [pageTitle(TITLES[role])];
  if (role === 'buyer') content.push(orderPanel(ctx));
  content.push(panel(role === 'reviewer' ? 'Cases waiting for review' : 'Cases',
    h('div', { class: 'toolbar' }, h('label', { for: 'state-filter' }, 'State'), filter),
    listArea));
  await load();
  return h('div', {}, content);
}

function renderList(result, role, goPage) {
  const items = result.items ?? [];
  const sorted = sortForRole(items, role);
  const columns = [
    { label: 'Case', cell: c => h('a', { href: `#/cases/${encodeURIComponent(c.caseId)}`, 'data-case': c.caseId }, c.caseId) },
    { label: 'State', cell: c => [stateBadge(c.state), c.frozen ? h('span', { class: 'badge frozen' }, 'Appeal open') : null] },
    { label: 'Waiting on', cell: c => sideLabel(c.side) },
    { label: 'Since', cell: c => fmtTime(c.stateEnteredAt) },
    { label: 'Product', cell: c => c.productId },
    { label: role === 'seller' ? 'Buyer' : role === 'buyer' ? 'Seller' : 'Buyer / seller', cell: c => (role === 'seller' ? c.buyerId : role === 'buyer' ? c.sellerId : `${c.buyerId} / ${c.sellerId}`) },
    { label: 'Rejections', cell: c => String(c.rejectionCount) },
  ];
  const out = [];
  if (role === 'seller' || role === 'buyer') {
    const mine = sorted.filter(c => waitsOn(c, role));
    const rest = sorted.filter(c => !waitsOn(c, role));
    out.push(h('h3', {}, `Waiting on you (${mine.length})`),
      table(columns, mine, { caption: 'Cases waiting on you', empty: 'Nothing waits on you.', rowClass: () => 'mine' }),
      h('h3', {}, `Other cases (${rest.length})`),
      table(columns, rest, { caption: 'Other cases', empty: 'No other cases.' }));
  } else {
    out.push(table(columns, role === 'ops' ? items : sorted, { caption: 'Cases', empty: 'No cases.' }));
  }
  const pages = Math.ceil((result.total ?? 0) / (result.pageSize || 50));
  if (pages > 1) {
    const nav = h('div', { class: 'pager' }, `Page ${result.page} of ${pages} `);
    if (result.page > 1) nav.append(h('button', { type: 'button', class: 'secondary small', onclick: () => goPage(result.page - 1) }, 'Previous page'));
    if (result.page < pages) nav.append(h('button', { type: 'button', class: 'secondary small', onclick: () => goPage(result.page + 1) }, 'Next page'));
    out.push(nav);
  }
  return out;
}

function orderPanel(ctx) {
  const shipping = h('details', { class: 'shipping' },
    h('summary', {}, 'Shipping (hardware products only)'),
    ...[
      { label: 'Recipient', name: 'recipient', autocomplete: 'name' },
      { label: 'Phone', name: 'phone', type: 'tel', autocomplete: 'tel' },
      { label: 'Address', name: 'address', autocomplete: 'street-address' },
    ].map(field));
  return panel('Order a product',
    actionForm({
      name: 'order',
      description: 'Orders are taken as paid. A supervised product opens a case that you follow here.',
      fields: [
        { label: 'Product id', name: 'productId', required: true, placeholder: 'PD…', hint: 'The seller gives you the product id.' },
        { label: 'Scenario', name: 'scenario', type: 'select', value: 'standard', options: [
          { value: 'standard', label: 'Standard' }, { value: 'enablementCloud', label: 'Enablement cloud (platform review)' },
          { value: 'baseCloud', label: 'Base cloud (platform review)' }] },
        { label: 'Period (months)', name: 'periodMonths', type: 'number', value: '1' },
        shipping,
      ],
      submit: 'Place the order',
      onSubmit: async v => {
        const body = { productId: v.productId, scenario: v.scenario, periodMonths: v.periodMonths ? Number(v.periodMonths) : undefined };
        if (v.phone || v.recipient || v.address) body.shipping = { recipient: v.recipient, phone: v.phone, address: v.address };
        const order = await post('/api/orders', body);
        if (order.caseId) {
          say(`Order ${order.orderId} placed; case ${order.caseId} opened.`);
          ctx.go(`#/cases/${encodeURIComponent(order.caseId)}`);
        } else {
          say(`Order ${order.orderId} placed. This product is not supervised, so no case was opened.`);
        }
      },
    }));
}
