// Production interface messages, conformance runs and bills. These routes come with the seller-calls and usage work:
// each test runs when the server has its route and is skipped, saying so, when it answers 404 route.not-found.
// A small fake seller server stands in for the seller's production interface: down first (the call parks), then up.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import {
  apiAs, eventually, launchBrowser, market, newPerson, noAlert, onPage, routeExists, shots, signIn, startServer, status,
} from '../harness.mjs';

let server;
let browser;
let fakeSeller;
let sellerUp = false;
let fakeUrl;

before(async () => {
  fakeSeller = createServer((req, res) => {
    let body = '';
    req.on('data', d => { body += d; });
    req.on('end', () => {
      if (!sellerUp) { res.writeHead(503).end('down for maintenance'); return; }
      let activity = '';
      try { activity = JSON.parse(body).activity ?? ''; } catch { /* Kit calls */ }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(activity === 'newInstance'
        ? { resultCode: '000000', resultMsg: 'success', instanceId: 'inst-console-1' }
        : { resultCode: '000000', resultMsg: 'success' }));
    });
  });
  await new Promise(r => fakeSeller.listen(0, '127.0.0.1', r));
  fakeUrl = `http://127.0.0.1:${fakeSeller.address().port}/saasproduce`;
  server = await startServer({ SellerCalls__RetryWindow: '00:00:03', SellerCalls__Backoff: '00:00:01', SellerCalls__Timeout: '00:00:02' });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await server?.stop(); await new Promise(r => fakeSeller?.close(r)); });

test('pages whose route this server lacks say so plainly', async t => {
  const missing = [];
  for (const [route, page] of [['/api/seller/calls', '#/calls'], ['/api/bills', '#/bills']]) {
    if (!(await routeExists(server.baseUrl, route))) missing.push([route, page]);
  }
  if (!missing.length) { t.skip('every route exists on this server: nothing degrades'); return; }
  const m = await market(server.baseUrl);
  const seller = await newPerson(browser, server.baseUrl);
  await signIn(seller, 'seller', m.sellerId);
  for (const [route, page] of missing) {
    await seller.goto(`${server.baseUrl}/${page}`);
    const notice = seller.locator(`[data-not-available="GET ${route}"]`);
    await notice.waitFor();
    assert.match(await notice.textContent(), /not available on this server yet/);
    await noAlert(seller);
    await shots(seller, `seller-${page.slice(2)}-not-available`);
  }
  assert.deepEqual(seller.errors, []);
});

test('a seller retries a parked call from the production interface messages', async t => {
  if (!(await routeExists(server.baseUrl, '/api/seller/calls'))) {
    t.skip('seller calls are not on this server yet (GET /api/seller/calls answers 404 route.not-found)');
    return;
  }
  sellerUp = false;
  const m = await market(server.baseUrl, fakeUrl);
  const productId = await m.product('saas', 'period');
  const { orderId } = await m.order('buyer-saas', productId);

  // The seller's server is down: the newInstance call fails until its (short) retry window ends, then parks.
  const parked = await eventually(async () => {
    const r = await m.seller.get('/api/seller/calls?status=Parked');
    return (r.body?.items ?? r.body ?? []).find(c => c.orderId === orderId);
  }, { timeout: 40_000, what: 'the newInstance call to park' });

  // Ops sees it among the parked calls across sellers.
  const ops = await newPerson(browser, server.baseUrl);
  await signIn(ops, 'ops', 'ops-1');
  await ops.getByRole('link', { name: 'Parked calls' }).click();
  await onPage(ops, 'Parked calls');
  await ops.locator('table.rows tr', { hasText: parked.callId }).waitFor();
  await shots(ops, 'ops-parked-calls');

  const seller = await newPerson(browser, server.baseUrl);
  await signIn(seller, 'seller', m.sellerId);
  await seller.getByRole('link', { name: 'Interface messages' }).click();
  await onPage(seller, 'Production interface messages');
  await seller.locator('table.rows tr', { hasText: parked.callId }).waitFor();
  await shots(seller, 'seller-calls');
  await seller.getByRole('link', { name: parked.callId }).click();
  await onPage(seller, `Call ${parked.callId}`);
  assert.match(await seller.getByTestId('call-status').textContent(), /Parked/i);
  const attempts = await seller.locator('table.rows tbody tr').count();
  assert.ok(attempts >= 1, 'the attempts are listed');
  assert.match(await seller.locator('table.rows').textContent(), /503/);
  assert.equal(await seller.locator('form[data-action=manualDelivery]').count(), 1, 'a parked newInstance may be delivered by hand');
  await shots(seller, 'seller-call-parked');

  // Fixed: the seller's server is up again; retry.
  sellerUp = true;
  await seller.getByRole('button', { name: 'Retry the call' }).click();
  await status(seller, 'Call restarted');
  await eventually(async () => {
    await seller.getByRole('button', { name: 'Refresh' }).click({ timeout: 5000 });
    const text = await seller.getByTestId('call-status').textContent();
    return /Succeeded/i.test(text);
  }, { timeout: 30_000, interval: 1000, what: 'the retried call to succeed' });
  assert.equal(await seller.getByRole('button', { name: 'Retry the call' }).count(), 0, 'a succeeded call offers no retry');
  await shots(seller, 'seller-call-succeeded');
  for (const p of [ops, seller]) { await noAlert(p); assert.deepEqual(p.errors, []); }
});

test('a seller starts a conformance run; ops read the dial-test status', async t => {
  const probe = await apiAs(server.baseUrl, 'probe-seller', 'seller');
  const r = await probe.get('/api/products/PDPROBE/conformance-runs');
  if (r.status === 404 && r.body?.code === 'route.not-found') {
    t.skip('conformance runs are not on this server yet (GET /api/products/{id}/conformance-runs answers 404 route.not-found)');
    return;
  }
  sellerUp = true;
  const m = await market(server.baseUrl, fakeUrl);
  const productId = await m.product('saas', 'period');
  const seller = await newPerson(browser, server.baseUrl);
  await signIn(seller, 'seller', m.sellerId);
  await seller.goto(`${server.baseUrl}/#/products/${productId}`);
  await onPage(seller, `Product ${productId}`);
  await seller.getByRole('button', { name: 'Start a conformance run' }).click();
  await status(seller, 'Conformance run');
  await seller.locator('table.rows tr .badge').first().waitFor();
  // The run finishes in the background: refresh until it has a result, with each case's result code.
  await eventually(async () => {
    await seller.getByRole('button', { name: 'Refresh the runs' }).click({ timeout: 5000 });
    await status(seller, 'Conformance runs refreshed.');
    return /passed|failed/.test(await seller.locator('table.rows tr .badge').first().textContent());
  }, { timeout: 30_000, interval: 1000, what: 'the conformance run to finish' });
  await shots(seller, 'seller-product-conformance');

  // Ops look the product up for its dial-test status.
  const ops = await newPerson(browser, server.baseUrl);
  await signIn(ops, 'ops', 'ops-1');
  await ops.getByRole('link', { name: 'Products' }).click();
  await onPage(ops, 'Products and dial tests');
  await ops.getByLabel('Product id').fill(productId);
  await ops.getByRole('button', { name: 'Open' }).click();
  await onPage(ops, `Product ${productId}`);
  await ops.getByText('Failed days in a row').waitFor();
  await shots(ops, 'ops-product-dial-tests');
  for (const p of [seller, ops]) { await noAlert(p); assert.deepEqual(p.errors, []); }
});

test('a seller reads the bills', async t => {
  if (!(await routeExists(server.baseUrl, '/api/bills'))) {
    t.skip('bills are not on this server yet (GET /api/bills answers 404 route.not-found)');
    return;
  }
  const m = await market(server.baseUrl);
  const seller = await newPerson(browser, server.baseUrl);
  await signIn(seller, 'seller', m.sellerId);
  await seller.getByRole('link', { name: 'Bills' }).click();
  await onPage(seller, 'Bills');
  // Either bills, none for the filter, or what filter the server needs: never an error.
  await seller.locator('main table.rows, main .empty, [data-testid=bills-filter-needed]').first().waitFor();
  await shots(seller, 'seller-bills');
  await noAlert(seller);
  assert.deepEqual(seller.errors, []);
});
