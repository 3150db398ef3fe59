// Sign-in. The console calls the same API with a bearer token whichever way the token was obtained:
//  - Development: POST /api/dev/tokens {subject, roles} (the route exists only in Development), with a role picker;
//  - production:  an OIDC authorization-code + PKCE redirect to the authority named in /console-config.json.
// The token lives in sessionStorage (this tab only, gone when the tab closes). See docs/console.md.

const SESSION = 'mkp.console.session';
const PENDING = 'mkp.console.pkce';
export const ROLES = ['buyer', 'seller', 'ops', 'reviewer'];

/** The JWT's payload (not verified here: the API verifies every call). */
export function claims(token) {
  const part = token.split('.')[1] ?? '';
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, c => c.charCodeAt(0))));
}

const rolesOf = c => (Array.isArray(c.roles) ? c.roles : c.roles ? [c.roles] : []).filter(r => ROLES.includes(r));

/** The signed-in person, or null: { token, subject, role, roles, expiresAt, mode }. */
export function session() {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION) ?? 'null');
    if (!s) return null;
    if (s.expiresAt && Date.parse(s.expiresAt) <= Date.now()) { sessionStorage.removeItem(SESSION); return null; }
    return s;
  } catch { return null; }
}

function store(token, mode, preferredRole) {
  const c = claims(token);
  const roles = rolesOf(c);
  if (roles.length === 0) throw new Error('Your account holds none of the console roles (buyer, seller, ops, reviewer).');
  const s = {
    token, mode, subject: c.sub, roles,
    role: roles.includes(preferredRole) ? preferredRole : roles[0],
    expiresAt: c.exp ? new Date(c.exp * 1000).toISOString() : null,
  };
  sessionStorage.setItem(SESSION, JSON.stringify(s));
  return s;
}

/** With several roles in one token, the view follows the chosen one. */
export function chooseRole(role) {
  const s = session();
  if (s?.roles.includes(role)) sessionStorage.setItem(SESSION, JSON.stringify({ ...s, role }));
}

export function signOut() { sessionStorage.removeItem(SESSION); }

/** The API answered 401: the token expired or was refused. The console shows the sign-in page again. */
export function expireSession() {
  if (!session()) return;
  sessionStorage.removeItem(SESSION);
  window.dispatchEvent(new CustomEvent('session-expired'));
}

/** Which sign-in this server offers: { dev: boolean, oidc: {authority, clientId, scope, redirectUri} | null }. */
export async function signInOptions() {
  let dev = false;
  try {
    // Development only: the route answers a body-less request with 422 validation.failed; elsewhere it is 404.
    const r = await fetch('/api/dev/tokens', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    dev = r.status !== 404;
  } catch { /* unreachable: dev stays false */ }
  let oidc = null;
  try {
    const r = await fetch('/console-config.json', { headers: { Accept: 'application/json' } });
    if (r.ok) oidc = (await r.json()).oidc ?? null;
  } catch { /* no configuration */ }
  return { dev, oidc };
}

/** Development: a token for any subject and role, from the server itself. */
export async function devSignIn(subject, role) {
  const r = await fetch('/api/dev/tokens', {
    method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ subject, roles: [role] }),
  });
  const body = await r.json().catch(() => null);
  if (!r.ok) throw new Error(body?.detail ?? `Sign-in failed (HTTP ${r.status}).`);
  return store(body.token, 'dev', role);
}

// ---- OIDC authorization code + PKCE (production) ----

const b64url = bytes => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const randomText = n => b64url(crypto.getRandomValues(new Uint8Array(n)));

/** RFC 7636 S256: base64url(SHA-256(verifier)). */
export async function pkceChallenge(verifier) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return b64url(new Uint8Array(digest));
}

async function discover(authority) {
  const r = await fetch(`${authority.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!r.ok) throw new Error(`The sign-in service (${authority}) cannot be reached.`);
  return r.json();
}

/** Sends the browser to the authority's sign-in page; it comes back to redirectUri with ?code=&state=. */
export async function oidcSignIn(config) {
  const meta = await discover(config.authority);
  const verifier = randomText(32);
  const state = randomText(16);
  const redirectUri = config.redirectUri ?? `${location.origin}/`;
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, tokenEndpoint: meta.token_endpoint, clientId: config.clientId, redirectUri }));
  const query = new URLSearchParams({
    response_type: 'code', client_id: config.clientId, redirect_uri: redirectUri, scope: config.scope ?? 'openid',
    state, code_challenge: await pkceChallenge(verifier), code_challenge_method: 'S256',
  });
  location.assign(`${meta.authorization_endpoint}?${query}`);
}

/** On the way back from the authority: exchanges the code for tokens. Returns the session, or null if not a callback. */
export async function completeOidcSignIn() {
  const params = new URLSearchParams(location.search);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null');
  if (!params.has('code') && !params.has('error')) return null;
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', location.pathname + location.hash);
  if (params.has('error')) throw new Error(params.get('error_description') ?? params.get('error'));
  if (!pending || pending.state !== params.get('state')) throw new Error('The sign-in answer does not match this tab; sign in again.');
  const r = await fetch(pending.tokenEndpoint, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: params.get('code'), redirect_uri: pending.redirectUri,
      client_id: pending.clientId, code_verifier: pending.verifier,
    }),
  });
  const body = await r.json().catch(() => null);
  if (!r.ok || !body?.access_token) throw new Error(body?.error_description ?? 'The sign-in service refused the code.');
  return store(body.access_token, 'oidc');
}
