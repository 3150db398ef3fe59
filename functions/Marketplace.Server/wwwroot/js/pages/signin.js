// Sign-in: in Development a role picker and a subject id (POST /api/dev/tokens); in production the OIDC redirect.
import { h, uid } from '../dom.js';
import { ROLES, devSignIn, oidcSignIn, signInOptions } from '../auth.js';
import { busy, pageTitle, say } from '../ui.js';

const ROLE_HELP = {
  buyer: ['Buyer', 'Order products, follow your cases, accept or reject deliveries, appeal.'],
  seller: ['Seller', 'Cases waiting on you, reports and deliveries, products, interface messages, bills.'],
  ops: ['Operations', 'The appeal queue, sellers, parked calls across sellers, dial tests.'],
  reviewer: ['Platform reviewer', 'Cases waiting in platform review: approve or reject.'],
};
const DEFAULT_SUBJECT = { buyer: 'buyer-1', seller: '', ops: 'ops-1', reviewer: 'reviewer-1' };
const remembered = role => localStorage.getItem(`mkp.console.subject.${role}`) ?? DEFAULT_SUBJECT[role];

export async function signInPage(ctx) {
  const { dev, oidc } = await signInOptions();
  const content = [pageTitle('Sign in')];

  if (oidc) {
    const b = h('button', { type: 'button', class: 'primary' }, 'Sign in with your organisation account');
    b.addEventListener('click', () => busy(b, () => oidcSignIn(oidc)));
    content.push(h('section', { class: 'panel' }, h('p', {}, 'Sign in with the account your organisation gave you.'), b));
  }

  if (dev) {
    const subjectId = uid('subject');
    const subject = h('input', { id: subjectId, name: 'subject', required: true, autocomplete: 'username', value: remembered('buyer'), maxlength: 128, 'aria-describedby': `${subjectId}-hint` });
    const hint = h('p', { class: 'hint', id: `${subjectId}-hint` }, 'Any id for buyers, ops and reviewers. Sellers use the seller id that operations registered (SL…).');
    const radios = ROLES.map((role, i) => {
      const id = uid('role');
      const input = h('input', { type: 'radio', name: 'role', value: role, id, checked: i === 0, required: true, 'aria-describedby': `${id}-help` });
      input.addEventListener('change', () => { subject.value = remembered(role); });
      return h('div', { class: 'choice' }, input,
        h('div', {}, h('label', { for: id }, ROLE_HELP[role][0]), h('p', { class: 'hint', id: `${id}-help` }, ROLE_HELP[role][1])));
    });
    const form = h('form', { class: 'panel signin', 'aria-labelledby': 'dev-signin' },
      h('h2', { id: 'dev-signin' }, 'Development sign-in'),
      h('p', { class: 'hint' }, 'This server runs in Development: pick a role and a subject id; the server mints a token for them.'),
      h('fieldset', { class: 'choices' }, h('legend', {}, 'Role'), radios),
      h('div', { class: 'field' }, h('label', { for: subjectId }, 'Subject id'), subject, hint),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Sign in')));
    form.addEventListener('submit', e => {
      e.preventDefault();
      if (!form.reportValidity()) return;
      const role = new FormData(form).get('role');
      const id = subject.value.trim();
      busy(form.querySelector('button[type=submit]'), async () => {
        const s = await devSignIn(id, role);
        localStorage.setItem(`mkp.console.subject.${role}`, id);
        say(`Signed in as ${s.subject} (${s.role}).`);
        ctx.go(s.role === 'ops' ? '#/appeals' : '#/cases');
      });
    });
    content.push(form);
  }

  if (!dev && !oidc) {
    content.push(h('p', { class: 'notice' }, 'Sign-in is not configured on this server. Ask the operators to set the OIDC authority in console-config.json (see docs/console.md).'));
  }
  return h('div', { class: 'narrow' }, content);
}
