// Three rejections, then the seller appeals with evidence; the case freezes; ops resolves it from the appeal queue.
// The parties' setup (seller, product, order, requirement) goes through the API; the rest is clicked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  launchBrowser, market, newPerson, noAlert, onPage, pickFile, shots, signIn, startServer, status, waitForState,
} from '../harness.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('three rejections, a seller appeal with evidence, resolved by ops from the appeal queue', async () => {
  const m = await market(server.baseUrl);
  const { caseId } = await m.caseAtSellerImplementing('buyer-appeal');
  const { sellerId } = m;
  const seller = await newPerson(browser, server.baseUrl);
  const buyer = await newPerson(browser, server.baseUrl);
  await signIn(seller, 'seller', sellerId);
  await signIn(buyer, 'buyer', 'buyer-appeal');
  const caseUrl = `${server.baseUrl}/#/cases/${caseId}`;
  await seller.goto(caseUrl);
  await buyer.goto(caseUrl);

  for (let round = 1; round <= 3; round++) {
    await waitForState(seller, 'Seller implementing');
    assert.equal(await seller.locator('form[data-action=appeal]').count(), 0, `no appeal before the third rejection (round ${round})`);
    await pickFile(seller, 'report', `report-${round}.pdf`, `%PDF-1.7 delivery ${round}`);
    await status(seller, `Uploaded report-${round}.pdf.`);
    await seller.getByRole('button', { name: 'Deliver', exact: true }).click();
    await waitForState(seller, 'Waiting for acceptance');

    await buyer.getByRole('button', { name: 'Refresh' }).click();
    await waitForState(buyer, 'Waiting for acceptance');
    const reject = buyer.locator('form[data-action=reject]');
    await reject.getByLabel('Reason for rejecting').fill(`Still wrong, round ${round}.`);
    await reject.getByRole('button', { name: 'Reject the delivery' }).click();
    await status(buyer, 'Delivery rejected');
    await waitForState(buyer, 'Seller implementing');
    await seller.getByRole('button', { name: 'Refresh' }).click();
  }

  // After the third rejection the seller may appeal at once.
  await waitForState(seller, 'Seller implementing');
  await seller.getByTestId('appeal-status').filter({ hasText: 'You may appeal now' }).waitFor();
  const appeal = seller.locator('form[data-action=appeal]');
  await appeal.getByRole('textbox', { name: 'Reason' }).fill('The buyer rejects every delivery without saying what is missing.');
  await pickFile(seller, 'evidence', 'commitment-letter.pdf', '%PDF-1.7 appeal-intervention commitment letter');
  await appeal.getByText('commitment-letter.pdf').waitFor();
  await shots(seller, 'seller-case-appeal');
  await appeal.getByRole('button', { name: 'Submit the appeal' }).click();
  await status(seller, 'submitted; the case is frozen');
  await seller.getByTestId('frozen').waitFor();
  await seller.getByTestId('no-actions').filter({ hasText: 'frozen' }).waitFor();

  // The buyer sees the freeze and has nothing to do.
  await buyer.getByRole('button', { name: 'Refresh' }).click();
  await buyer.getByTestId('frozen').waitFor();
  assert.equal(await buyer.locator('main form').count(), 0, 'no actions offered to the buyer on a frozen case');

  // Ops: the appeal queue, oldest first, then the case with its timeline and evidence.
  const ops = await newPerson(browser, server.baseUrl);
  await signIn(ops, 'ops', 'ops-1');
  await onPage(ops, 'Appeal queue');
  const row = ops.locator('table.rows tr', { hasText: caseId });
  await row.waitFor();
  assert.match(await row.textContent(), /seller/);
  await shots(ops, 'ops-appeal-queue');
  await row.getByRole('link', { name: /Review and resolve/ }).click();
  await onPage(ops, `Case ${caseId}`);
  const timeline = await ops.getByTestId('timeline').textContent();
  assert.equal((timeline.match(/Rejected/g) ?? []).length, 3, 'the timeline shows the three rejections');
  assert.ok(timeline.includes('Appeal opened'));
  const [download] = await Promise.all([ops.waitForEvent('download'), ops.getByRole('button', { name: 'Download evidence 1' }).click()]);
  assert.ok(download.suggestedFilename());
  await shots(ops, 'ops-case-resolve');

  const resolve = ops.locator('form[data-action=resolveAppeal]');
  await resolve.getByRole('radio', { name: 'Resume' }).check();
  await resolve.getByRole('textbox', { name: 'Note' }).fill('The buyer must list what is missing; the seller delivers once more.');
  await resolve.getByRole('button', { name: 'Resolve the appeal' }).click();
  await status(ops, 'resolved: resume');
  await waitForState(ops, 'Seller implementing');
  assert.equal(await ops.getByTestId('frozen').count(), 0);

  await ops.getByRole('link', { name: 'Appeal queue' }).click();
  await onPage(ops, 'Appeal queue');
  assert.equal(await ops.locator('table.rows tr', { hasText: caseId }).count(), 0, 'the resolved appeal left the queue');

  // The seller can deliver again.
  await seller.getByRole('button', { name: 'Refresh' }).click();
  await seller.locator('[data-dropzone=report]').waitFor();
  assert.match(await seller.getByTestId('timeline').textContent(), /Appeal resolved/);

  for (const p of [ops, seller, buyer]) { await noAlert(p); assert.deepEqual(p.errors, []); }
});
