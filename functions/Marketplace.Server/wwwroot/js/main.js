// The console's shell: the signed-in person's navigation by role, and a small hash router (#/cases/SC…), so the
// server serves one static page and every route is a plain link.
import { h, mount } from './dom.js';
import { session, signOut, chooseRole, completeOidcSignIn } from './auth.js';
import { clearMessages, fail, say } from './ui.js';
import { signInPage } from './pages/signin.js';
import { casesPage } from './pages/cases.js';
import { casePage } from './pages/case.js';
import { appealsPage } from './pages/appeals.js';
import { sellersPage } from './pages/sellers.js';
import { productsPage, productPage } from './pages/products.js';
import { callsPage, callPage } from './pages/calls.js';
import { billsPage } from './pages/bills.js';

const NAV = {
  buyer: [['#/cases', 'My cases']],
  seller: [['#/cases', 'My cases'], ['#/products', 'Products'], ['#/calls', 'Interface messages'], ['#/bills', 'Bills']],
  ops: [['#/appeals', 'Appeal queue'], ['#/cases', 'Cases'], ['#/sellers', 'Sellers'], ['#/calls', 'Parked calls'], ['#/products', 'Products']],
  reviewer: [['#/cases', 'Review queue']],
};

const ROUTES = [
  [/^\/cases$/, casesPage, ['buyer', 'seller', 'ops', 'reviewer']],
  [/^\/cases\/([^/]+)$/, casePage, ['buyer', 'seller', 'ops', 'reviewer']],
  [/^\/appeals$/, appealsPage, ['ops']],
  [/^\/sellers$/, sellersPage, ['ops']],
  [/^\/products$/, productsPage, ['seller', 'ops']],
  [/^\/products\/([^/]+)$/, productPage, ['seller', 'ops']],
  [/^\/calls$/, callsPage, ['seller', 'ops']],
  [/^\/calls\/([^/]+)$/, callPage, ['seller', 'ops']],
  [/^\/bills$/, billsPage, ['seller', 'ops']],
];

export const home = role => (role === 'ops' ? '#/appeals' : '#/cases');

export function go(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function renderShell(s) {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  if (!s) { nav.replaceChildren(); nav.hidden = true; who.replaceChildren(); return; }
  nav.hidden = false;
  const current = `#${currentPath()}`;
  mount(nav, h('ul', {}, NAV[s.role].map(([href, label]) =>
    h('li', {}, h('a', { href, 'aria-current': current === href || current.startsWith(`${href}/`) ? 'page' : undefined }, label)))));
  const out = h('button', { type: 'button', class: 'secondary small' }, 'Sign out');
  out.addEventListener('click', () => { signOut(); say('You are signed out.'); go('#/signin'); });
  let roleControl = h('span', { class: 'badge role' }, s.role);
  if (s.roles.length > 1) {
    roleControl = h('select', { 'aria-label': 'View as role' }, s.roles.map(r => h('option', { value: r, selected: r === s.role }, r)));
    roleControl.addEventListener('change', () => { chooseRole(roleControl.value); go(home(roleControl.value)); });
  }
  mount(who, h('span', { class: 'subject', title: 'Signed in as' }, s.subject), roleControl, out);
}

const currentPath = () => decodeURIComponent(location.hash.replace(/^#/, '')) || '/';

let renderCount = 0;

async function render() {
  const mine = ++renderCount;
  const main = document.getElementById('main');
  const s = session();
  const path = currentPath();
  if (!s && path !== '/signin') { location.replace('#/signin'); return; }
  if (s && (path === '/' || path === '/signin')) { location.replace(home(s.role)); return; }
  renderShell(s);
  let page;
  let params = [];
  if (path === '/signin') page = signInPage;
  else {
    for (const [pattern, fn, roles] of ROUTES) {
      const m = pattern.exec(path);
      if (m && roles.includes(s.role)) { page = fn; params = m.slice(1); break; }
    }
  }
  const ctx = { session: s, params, go, stale: () => mine !== renderCount, refresh: render };
  try {
    const content = page ? await page(ctx) : h('div', {}, h('h1', { tabindex: '-1' }, 'Page not found'),
      h('p', {}, 'This page does not exist for your role. '), h('a', { href: home(s.role) }, 'Go to your start page'));
    if (ctx.stale()) return;
    mount(main, content);
    document.title = `${main.querySelector('h1')?.textContent ?? 'Console'} · Marketplace console`;
    if (!ctx.keepFocus) main.querySelector('h1')?.focus();
  } catch (err) {
    if (ctx.stale()) return;
    mount(main, h('h1', { tabindex: '-1' }, 'This page could not be loaded'));
    fail(err);
  }
}

window.addEventListener('hashchange', () => { clearMessages(); render(); });
window.addEventListener('session-expired', () => {
  go('#/signin');
  setTimeout(() => fail(new Error('Your session has expired. Sign in again.')), 0);
});
document.getElementById('skip').addEventListener('click', e => {
  e.preventDefault();
  document.getElementById('main').focus();
});

(async () => {
  try {
    const s = await completeOidcSignIn();
    if (s) location.replace(home(s.role));
  } catch (err) {
    fail(err);
  }
  render();
})();
