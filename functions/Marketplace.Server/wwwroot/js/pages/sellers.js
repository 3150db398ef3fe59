// Operations: register a seller. The keys are shown once, here, and never again.
import { h, mount } from '../dom.js';
import { post } from '../api.js';
import { actionForm, facts, pageTitle, panel, say } from '../ui.js';

export async function sellersPage() {
  const result = h('div', { 'aria-live': 'polite' });
  const form = actionForm({
    name: 'registerSeller',
    description: "The seller's production interface receives the marketplace's calls (docs/seller-integration.md).",
    fields: [
      { label: 'Name', name: 'name', required: true, autocomplete: 'organization' },
      { label: 'Production interface URL', name: 'productionUrl', type: 'url', required: true, placeholder: 'https://www.isvwebsite.com/saasproduce', hint: 'https with a domain name (Development also accepts http and loopback).' },
      { label: 'Kit URL (optional)', name: 'kitUrl', type: 'url', hint: 'Federated products only.' },
    ],
    submit: 'Register the seller',
    onSubmit: async (v, f) => {
      const s = await post('/api/sellers', { name: v.name, productionUrl: v.productionUrl, kitUrl: v.kitUrl || undefined });
      mount(result, h('div', { class: 'notice warn', 'data-testid': 'seller-keys' },
        h('h3', {}, `Seller ${s.sellerId} registered`),
        h('p', {}, h('strong', {}, 'Copy the keys now: they are shown only once.'), ' Give them to the seller over a safe channel.'),
        facts([
          ['Seller id', h('code', { 'data-testid': 'seller-id' }, s.sellerId)],
          ['Access key (base)', h('code', {}, s.accessKey)],
          ['Kit key', h('code', {}, s.kitKey)],
        ]),
        h('p', { class: 'hint' }, 'The seller signs in with the seller id as subject.')));
      f.reset();
      say(`Seller ${s.sellerId} registered. Copy the keys now.`);
    },
  });
  return h('div', {}, pageTitle('Sellers'), panel('Register a seller', form, result));
}
