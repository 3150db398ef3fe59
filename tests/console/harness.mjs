// Browser-test harness: the real server (the built Marketplace.Server.dll, Development, its own storage prefix on the
// Azurite that scripts/test.sh started) on a free port, Debian's chromium driven by playwright-core, and helpers
// that act as a person would: sign in through the form, click, type, take screenshots at 360 and 1440 px.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import playwright from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const screenshotDir = path.join(repoRoot, 'artifacts', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// Known to work on this project's machines: no sandbox (root), no GPU, no background traffic to Google's hosts.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function serverDll() {
  if (process.env.CONSOLE_SERVER_DLL) return process.env.CONSOLE_SERVER_DLL;
  const candidates = ['Debug', 'Release']
    .map(c => path.join(repoRoot, 'functions', 'Marketplace.Server', 'bin', c, 'net10.0', 'Marketplace.Server.dll'))
    .filter(existsSync)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!candidates.length) throw new Error('Marketplace.Server.dll is not built: run scripts/test.sh (or dotnet build Marketplace.Local.slnf) first.');
  return candidates[0];
}

/** Starts the server; settings are extra environment variables (e.g. Supervision__StallWindow). */
export async function startServer(settings = {}) {
  if (!process.env.Storage__ConnectionString) throw new Error('Storage__ConnectionString is not set: run the browser tests through scripts/test.sh, which starts Azurite.');
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const output = [];
  const dll = serverDll();
  const child = spawn('dotnet', [dll], {
    cwd: path.dirname(dll),
    env: {
      ...process.env, ASPNETCORE_ENVIRONMENT: 'Development', ASPNETCORE_URLS: baseUrl,
      Storage__Prefix: `ui${randomBytes(5).toString('hex')}`, Logging__LogLevel__Default: 'Warning', ...settings,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', d => output.push(String(d)));
  child.stderr.on('data', d => output.push(String(d)));
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server exited with ${child.exitCode}:\n${output.join('')}`);
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > until) { child.kill('SIGKILL'); throw new Error(`The server did not become healthy within 60 s:\n${output.join('')}`); }
    await new Promise(r => setTimeout(r, 200));
  }
  return {
    baseUrl,
    output: () => output.join(''),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise(r => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function launchBrowser() {
  return playwright.chromium.launch({ executablePath: CHROMIUM, headless: true, chromiumSandbox: false, args: CHROMIUM_ARGS });
}

/** The API as a frontend calls it, for setup the tests do not need to click through. */
export async function apiAs(baseUrl, subject, role) {
  const r = await fetch(`${baseUrl}/api/dev/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ subject, roles: [role] }) });
  const { token } = await r.json();
  const call = async (method, url, body) => {
    const res = await fetch(`${baseUrl}${url}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const put = async (url, bytes, contentType = 'application/pdf') => {
    const res = await fetch(`${baseUrl}${url}`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, body: bytes });
    return { status: res.status, body: await res.json() };
  };
  return { token, get: url => call('GET', url), post: (url, body = {}) => call('POST', url, body), put };
}

/** A small marketplace through the API: ops, one registered seller, and helpers to open cases. */
export async function market(baseUrl, productionUrl = 'http://127.0.0.1:9/saasproduce') {
  const ops = await apiAs(baseUrl, 'ops-1', 'ops');
  const registered = await ops.post('/api/sellers', { name: 'Setup Seller', productionUrl });
  assert.equal(registered.status, 201, JSON.stringify(registered.body));
  const sellerId = registered.body.sellerId;
  const seller = await apiAs(baseUrl, sellerId, 'seller');
  const ok = (r, status = 200) => { assert.equal(r.status, status, JSON.stringify(r.body)); return r.body; };
  const m = {
    ops, seller, sellerId, ok,
    async product(deliveryType = 'manualService', chargingMode = 'oneTime') {
      return ok(await seller.post('/api/products', { name: `${deliveryType} product`, deliveryType, chargingMode }), 201).productId;
    },
    /** Orders a product as the buyer; returns { buyer, caseId, orderId }. */
    async order(buyerId, productId, scenario = 'standard') {
      const buyer = await apiAs(baseUrl, buyerId, 'buyer');
      const o = ok(await buyer.post('/api/orders', { productId, scenario, periodMonths: 1 }), 201);
      return { buyer, caseId: o.caseId, orderId: o.orderId };
    },
    /** A manual-service case at SellerImplementing (requirement submitted and confirmed). */
    async caseAtSellerImplementing(buyerId) {
      const c = await m.order(buyerId, await m.product());
      ok(await c.buyer.post(`/api/cases/${c.caseId}/requirement`, { text: 'Clean the customer table.' }));
      ok(await seller.post(`/api/cases/${c.caseId}/requirement/decision`, { decision: 'confirm' }));
      return c;
    },
    async deliver(caseId, name = `report-${Date.now()}-${Math.random().toString(16).slice(2)}.pdf`) {
      const r = ok(await seller.put(`/api/cases/${caseId}/reports/${name}`, Buffer.from('%PDF-1.7 report')), 201);
      return ok(await seller.post(`/api/cases/${caseId}/delivery`, { reportIds: [r.reportId] }));
    },
    async reject(c, reason = 'Not what was asked.') {
      return ok(await c.buyer.post(`/api/cases/${c.caseId}/acceptance`, { decision: 'reject', reason }));
    },
  };
  return m;
}

/** True when the server offers the route (anything but 404 route.not-found). */
export async function routeExists(baseUrl, url) {
  const api = await apiAs(baseUrl, 'probe-ops', 'ops');
  const r = await api.get(url);
  return !(r.status === 404 && r.body?.code === 'route.not-found');
}

/** A new tab in its own context (sessionStorage is per tab: each person has their own). */
export async function newPerson(browser, baseUrl) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(e));
  page.errors = errors;
  page.baseUrl = baseUrl;
  return page;
}

/** Signs in through the sign-in form, as a person does. */
export async function signIn(page, role, subject) {
  await page.goto(`${page.baseUrl}/#/signin`);
  await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
  const label = { buyer: 'Buyer', seller: 'Seller', ops: 'Operations', reviewer: 'Platform reviewer' }[role];
  await page.getByRole('radio', { name: label }).check();
  await page.getByLabel('Subject id').fill(subject);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#who .subject', { hasText: subject }).waitFor();
}

export const h1 = page => page.locator('main h1');

/** Waits until the page's main heading has this text. */
export async function onPage(page, title) {
  await page.locator('main h1', { hasText: title }).waitFor();
}

/** Waits for the polite status message (the result of an action) and returns its text. */
export async function status(page, text) {
  const el = page.locator('#status', { hasText: text });
  await el.waitFor();
  return el.textContent();
}

/** No error message is shown (the alert region is hidden or empty). */
export async function noAlert(page) {
  const alert = page.locator('#alert');
  if (await alert.isVisible()) assert.fail(`The page shows an error: ${await alert.textContent()}`);
}

export async function caseState(page) {
  return (await page.locator('main .summary .badge').first().textContent()).trim();
}

export async function waitForState(page, label) {
  await page.locator('main .summary .badge', { hasText: label }).first().waitFor();
}

/**
 * Screenshots of the whole page at 360 and 1440 px into artifacts/screenshots/{name}-{width}.png, and a check that
 * nothing overflows sideways at either width.
 */
export async function shots(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  const before = page.viewportSize();
  for (const width of [360, 1440]) {
    await page.setViewportSize({ width, height: width === 360 ? 780 : 900 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(50);
    await page.screenshot({ path: path.join(screenshotDir, `${name}-${width}.png`), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${name} overflows sideways by ${overflow}px at ${width}px`);
  }
  await page.setViewportSize(before);
}

/** Drops a file on a drop zone, as a drag and drop from the desktop does. */
export async function dropFile(page, zone, name, content, type = 'application/pdf') {
  await page.evaluate(({ zone, name, content, type }) => {
    const dt = new DataTransfer();
    dt.items.add(new File([content], name, { type }));
    const el = document.querySelector(`[data-dropzone="${zone}"]`);
    el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, { zone, name, content, type });
}

/** Picks a file with the file picker of a drop zone. */
export async function pickFile(page, zone, name, content, mimeType = 'application/pdf') {
  await page.locator(`[data-dropzone="${zone}"] input[type=file]`).setInputFiles({ name, mimeType, buffer: Buffer.from(content) });
}

export async function eventually(probe, { timeout = 20_000, interval = 200, what = 'the condition' } = {}) {
  const until = Date.now() + timeout;
  let last;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() > until) assert.fail(`Timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, interval));
  }
}
