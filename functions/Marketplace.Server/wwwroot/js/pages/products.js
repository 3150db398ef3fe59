// Products: sellers create them and follow their conformance runs and dial tests; ops look a product up for its
// dial-test status. Conformance and dial-test routes may not exist on this server yet: then the page says so.
import { h, mount } from '../dom.js';
import { get, isNotAvailable, post } from '../api.js';
import { fmtTime } from '../format.js';
import { actionButton, actionForm, facts, loading, pageTitle, panel, say, table, notAvailable, fail } from '../ui.js';

const DELIVERY_TYPES = [
  ['manualService', 'Manual service (supervised)'], ['dataFile', 'Data file (supervised)'], ['saasOffline', 'SaaS implemented by hand (supervised)'],
  ['license', 'License delivered offline (supervised)'], ['appOrchestration', 'App orchestration (supervised)'],
  ['licenseCode', 'License 2.0 code (supervised)'], ['licensePackage', 'Software package deployment (supervised)'],
  ['hardware', 'Hardware (supervised)'], ['saas', 'SaaS activated instantly (production interface)'],
];

// Enum fields as words (older servers sent their numbers).
const CHARGING = ['period', 'oneTime', 'onDemand'];
const BILLING = ['hourly', 'daily'];
const word = (value, words) => (typeof value === 'number' ? words[value] ?? String(value) : value);

const knownKey = subject => `mkp.console.products.${subject}`;
const known = subject => JSON.parse(localStorage.getItem(knownKey(subject)) ?? '[]');
const remember = (subject, p) => localStorage.setItem(knownKey(subject), JSON.stringify([p, ...known(subject).filter(x => x.productId !== p.productId)].slice(0, 50)));

export async function productsPage(ctx) {
  const { role, subject } = ctx.session;
  const content = [pageTitle(role === 'seller' ? 'Products' : 'Products and dial tests')];
  if (role === 'seller') {
    const created = h('div', { 'aria-live': 'polite' });
    content.push(panel('Create a product', actionForm({
      name: 'createProduct',
      fields: [
        { label: 'Name', name: 'name', required: true },
        { label: 'Delivery type', name: 'deliveryType', type: 'select', value: 'manualService', options: DELIVERY_TYPES.map(([value, label]) => ({ value, label })) },
        { label: 'Charging mode', name: 'chargingMode', type: 'select', value: 'oneTime', options: [
          { value: 'oneTime', label: 'One-time' }, { value: 'period', label: 'Yearly / monthly' }, { value: 'onDemand', label: 'On demand (usage)' }] },
        { label: 'Usage billing', name: 'usageBilling', type: 'select', value: '', hint: 'On-demand products only.', options: [
          { value: '', label: 'None' }, { value: 'hourly', label: 'Hourly' }, { value: 'daily', label: 'Daily' }] },
      ],
      submit: 'Create the product',
      onSubmit: async (v, form) => {
        const p = await post('/api/products', { name: v.name, deliveryType: v.deliveryType, chargingMode: v.chargingMode, usageBilling: v.usageBilling || undefined });
        remember(subject, { productId: p.productId, name: v.name, deliveryType: v.deliveryType });
        mount(created, h('div', { class: 'notice ok', 'data-testid': 'product-created' },
          h('p', {}, 'Product created: ', h('code', { 'data-testid': 'product-id' }, p.productId), '. Buyers order it with this id. ',
            h('a', { href: `#/products/${encodeURIComponent(p.productId)}` }, 'Open the product'))));
        form.reset();
        say(`Product ${p.productId} created.`);
        renderKnown();
      },
    }), created));
    const list = h('div');
    const renderKnown = () => mount(list, table([
      { label: 'Product', cell: p => h('a', { href: `#/products/${encodeURIComponent(p.productId)}` }, p.productId) },
      { label: 'Name', cell: p => p.name },
      { label: 'Delivery type', cell: p => p.deliveryType },
    ], known(subject), { caption: 'Products created in this browser', empty: 'No products created in this browser yet.' }));
    renderKnown();
    content.push(panel('Your products', h('p', { class: 'hint' }, 'Products created from this browser. Open one for its conformance runs and dial tests.'), list));
  }
  content.push(panel('Look up a product', actionForm({
    name: 'lookupProduct',
    fields: [{ label: 'Product id', name: 'productId', required: true, placeholder: 'PD…' }],
    submit: 'Open', kind: 'secondary',
    onSubmit: async v => ctx.go(`#/products/${encodeURIComponent(v.productId)}`),
  })));
  return h('div', {}, content);
}

export async function productPage(ctx) {
  const productId = ctx.params[0];
  const { role } = ctx.session;
  const base = `/api/products/${encodeURIComponent(productId)}`;
  const p = await get(base);
  const runsArea = h('div', {}, loading('Loading conformance runs'));
  const dialArea = h('div', {}, loading('Loading dial tests'));

  async function loadRuns() {
    try {
      const runs = await get(`${base}/conformance-runs`);
      const items = Array.isArray(runs) ? runs : runs?.items ?? [];
      mount(runsArea,
        h('div', { class: 'buttons' },
          role === 'seller' ? actionButton('Start a conformance run', async () => {
            const run = await post(`${base}/conformance-runs`);
            say(`Conformance run ${run.runId ?? ''} started.`);
            await loadRuns();
          }, { name: 'startRun' }) : null,
          items.length ? actionButton('Refresh the runs', async () => { await loadRuns(); say('Conformance runs refreshed.'); }, { kind: 'secondary' }) : null),
        table([
          { label: 'Run', cell: r => r.runId },
          { label: 'Started', cell: r => fmtTime(r.createdAt) },
          { label: 'Trigger', cell: r => r.trigger ?? '—' },
          { label: 'Status', cell: r => h('span', { class: `badge run-${r.status}` }, r.status) },
          { label: 'Cases', cell: r => (r.cases?.length ? h('ul', { class: 'plain' }, r.cases.map(c => h('li', {}, `${c.passed ? '✓' : '✗'} ${c.name ?? c.activity}${c.resultCode ? ` (${c.resultCode})` : ''}${c.error ? `: ${c.error}` : ''}`))) : '—') },
        ], items, { caption: 'Conformance runs', empty: 'No conformance runs yet.' }));
    } catch (err) {
      if (isNotAvailable(err)) mount(runsArea, notAvailable('Conformance runs', `GET ${base}/conformance-runs`));
      else { mount(runsArea, h('p', { class: 'empty' }, 'Conformance runs could not be loaded.')); fail(err); }
    }
  }

  async function loadDial() {
    try {
      const d = await get(`${base}/dial-tests`);
      mount(dialArea, facts([
        ['Product frozen', d.frozen ? `Yes${d.frozenReason ? `: ${d.frozenReason}` : ''}` : 'No'],
        ['Failed days in a row', String(d.consecutiveFailedDays ?? 0)],
      ]), table([
        { label: 'Day', cell: x => x.day },
        { label: 'Result', cell: x => (x.passed ? 'Passed' : 'Failed') },
        { label: 'Runs', cell: x => String(x.runs ?? '') },
      ], d.days ?? [], { caption: 'Dial-test days', empty: 'No dial tests recorded yet.' }));
    } catch (err) {
      if (isNotAvailable(err)) mount(dialArea, notAvailable('Dial-test status', `GET ${base}/dial-tests`));
      else { mount(dialArea, h('p', { class: 'empty' }, 'Dial tests could not be loaded.')); fail(err); }
    }
  }

  await Promise.all([loadRuns(), loadDial()]);
  return h('div', {},
    h('p', { class: 'crumbs' }, h('a', { href: '#/products' }, '← Products')),
    pageTitle(`Product ${p.productId}`),
    panel('Product', facts([
      ['Name', p.name], ['Seller', p.sellerId], ['Delivery type', p.deliveryType], ['Charging mode', word(p.chargingMode, CHARGING)],
      ['Usage billing', word(p.usageBilling, BILLING)], ['Created', fmtTime(p.createdAt)], ['Frozen', p.frozen ? `Yes${p.frozenReason ? `: ${p.frozenReason}` : ''}` : 'No'],
    ])),
    panel('Conformance runs', runsArea),
    panel('Dial tests', dialArea));
}
