// The live countdown to when the buyer may appeal (a stall window of seconds here): it ticks, reaches zero, the
// case refreshes by itself and the appeal is offered; the buyer appeals with demands and ops closes the case.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, market, newPerson, noAlert, onPage, shots, signIn, startServer, status, waitForState } from '../harness.mjs';

let server;
let browser;
before(async () => { server = await startServer({ Supervision__StallWindow: '00:00:08' }); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('the appeal countdown ticks to zero, then the buyer appeals and ops closes the case', async () => {
  const m = await market(server.baseUrl);
  const c = await m.order('buyer-clock', await m.product());
  m.ok(await c.buyer.post(`/api/cases/${c.caseId}/requirement`, { text: 'Please start soon.' }));

  const buyer = await newPerson(browser, server.baseUrl);
  await signIn(buyer, 'buyer', 'buyer-clock');
  await buyer.goto(`${server.baseUrl}/#/cases/${c.caseId}`);
  await waitForState(buyer, 'Requirement to confirm');
  const timer = buyer.getByTestId('appeal-status').getByRole('timer');
  await timer.waitFor();
  const first = await timer.textContent();
  assert.match(first, /^00:00:0\d$/);
  await buyer.waitForTimeout(1500);
  assert.notEqual(await timer.textContent(), first, 'the countdown ticks');
  assert.equal(await buyer.locator('form[data-action=appeal]').count(), 0, 'no appeal before the window has passed');

  // At zero the page refreshes the case, and the appeal is offered.
  await buyer.getByTestId('appeal-status').filter({ hasText: 'You may appeal now' }).waitFor({ timeout: 20_000 });
  const appeal = buyer.locator('form[data-action=appeal]');
  await appeal.waitFor();
  await appeal.getByRole('textbox', { name: 'Reason' }).fill('The seller has not answered for days.');
  await appeal.getByRole('textbox', { name: 'Demands' }).fill('A full refund.');
  await shots(buyer, 'buyer-case-appeal');
  await appeal.getByRole('button', { name: 'Submit the appeal' }).click();
  await status(buyer, 'submitted; the case is frozen');
  await buyer.getByTestId('frozen').waitFor();

  const ops = await newPerson(browser, server.baseUrl);
  await signIn(ops, 'ops', 'ops-1');
  await onPage(ops, 'Appeal queue');
  await ops.locator('table.rows tr', { hasText: c.caseId }).getByRole('link', { name: /Review and resolve/ }).click();
  await onPage(ops, `Case ${c.caseId}`);
  assert.match(await ops.locator('main').textContent(), /A full refund\./);
  const resolve = ops.locator('form[data-action=resolveAppeal]');
  await resolve.getByRole('radio', { name: 'Close' }).check();
  await resolve.getByRole('textbox', { name: 'Note' }).fill('The seller cannot serve this order; closed and refunded.');
  await resolve.getByRole('button', { name: 'Resolve the appeal' }).click();
  await status(ops, 'resolved: close');
  await waitForState(ops, 'Closed');

  await buyer.getByRole('button', { name: 'Refresh' }).click();
  await waitForState(buyer, 'Closed');
  await buyer.getByTestId('no-actions').filter({ hasText: 'closed' }).waitFor();
  await shots(buyer, 'buyer-case-closed');
  for (const p of [buyer, ops]) { await noAlert(p); assert.deepEqual(p.errors, []); }
});
