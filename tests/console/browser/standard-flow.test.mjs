// The standard case from order to Completed, by clicking: ops registers the seller, the seller creates the product,
// the buyer orders it and follows the case, the seller confirms, uploads (drag and drop) and delivers, the buyer
// downloads the report and accepts. Then a federated order through the platform review.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  dropFile, launchBrowser, newPerson, noAlert, onPage, pickFile, shots, signIn, startServer, status, waitForState,
} from '../harness.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

const REPORT = '%PDF-1.7 acceptance report: 3 databases migrated';

test('standard case from order to Completed, by clicking as ops, seller and buyer', async () => {
  // The sign-in page offers the development role picker.
  const ops = await newPerson(browser, server.baseUrl);
  await ops.goto(`${server.baseUrl}/`);
  await onPage(ops, 'Sign in');
  await shots(ops, 'signin');

  // Ops registers the seller; the keys are shown once.
  await signIn(ops, 'ops', 'ops-1');
  await onPage(ops, 'Appeal queue');
  await ops.getByRole('link', { name: 'Sellers' }).click();
  await onPage(ops, 'Sellers');
  await ops.getByLabel('Name').fill('Acme Services');
  await ops.getByLabel('Production interface URL').fill('http://127.0.0.1:9/saasproduce');
  await ops.getByRole('button', { name: 'Register the seller' }).click();
  const sellerId = (await ops.getByTestId('seller-id').textContent()).trim();
  assert.match(sellerId, /^SL/);
  await shots(ops, 'ops-seller-registered');

  // The seller creates a manual-service product.
  const seller = await newPerson(browser, server.baseUrl);
  await signIn(seller, 'seller', sellerId);
  await onPage(seller, 'My cases');
  await seller.getByRole('link', { name: 'Products' }).click();
  await onPage(seller, 'Products');
  await seller.getByLabel('Name').first().fill('Database migration service');
  await seller.getByLabel('Delivery type').selectOption('manualService');
  await seller.getByRole('button', { name: 'Create the product' }).click();
  const productId = (await seller.getByTestId('product-id').textContent()).trim();
  assert.match(productId, /^PD/);
  await shots(seller, 'seller-products');

  // The buyer orders it by id and lands on the new case.
  const buyer = await newPerson(browser, server.baseUrl);
  await signIn(buyer, 'buyer', 'buyer-1');
  await onPage(buyer, 'My cases');
  // An error shows the problem's detail in plain words, next to the form.
  await buyer.getByLabel('Product id').fill('PDNOSUCHPRODUCT');
  await buyer.getByRole('button', { name: 'Place the order' }).click();
  const orderError = buyer.locator('form[data-action=order] .form-error');
  await orderError.waitFor();
  assert.match(await orderError.textContent(), /Product PDNOSUCHPRODUCT does not exist/);
  await shots(buyer, 'buyer-order-error');

  await buyer.getByLabel('Product id').fill(productId);
  await buyer.getByRole('button', { name: 'Place the order' }).click();
  await onPage(buyer, 'Case SC');
  const caseUrl = buyer.url();
  const caseId = (await buyer.locator('main h1').textContent()).replace('Case ', '').trim();
  await waitForState(buyer, 'Waiting for the requirement');
  // Not allowed now: nothing of the seller's, no acceptance.
  assert.equal(await buyer.getByRole('button', { name: 'Accept the delivery' }).count(), 0);
  await shots(buyer, 'buyer-case-new');

  await buyer.getByRole('textbox', { name: 'Requirement' }).fill('Migrate 3 databases to the cloud by Friday.');
  await buyer.getByRole('button', { name: 'Submit the requirement' }).click();
  await status(buyer, 'Requirement submitted.');
  await waitForState(buyer, 'Requirement to confirm');
  assert.equal(await buyer.locator('form[data-action=submitRequirement]').count(), 0, 'the requirement form is gone once submitted');
  // The buyer waits on the seller: a live countdown to when the buyer may appeal (5-day stall window).
  await buyer.getByTestId('appeal-status').getByRole('timer').waitFor();
  assert.match(await buyer.getByTestId('appeal-status').textContent(), /You may appeal in \d d \d\d:\d\d:\d\d/);
  await shots(buyer, 'buyer-case-countdown');

  // The seller sees the case first, under "Waiting on you".
  await seller.getByRole('link', { name: 'My cases' }).click();
  await onPage(seller, 'My cases');
  const waiting = seller.locator('table.rows').first();
  await waiting.getByRole('link', { name: caseId }).waitFor();
  await shots(seller, 'seller-cases');
  await waiting.getByRole('link', { name: caseId }).click();
  await waitForState(seller, 'Requirement to confirm');
  await seller.locator('form, .action').filter({ hasText: 'Confirm the requirement' }).getByText('Migrate 3 databases to the cloud by Friday.').waitFor();
  await seller.getByRole('button', { name: 'Confirm the requirement' }).click();
  await status(seller, 'Requirement confirmed.');
  await waitForState(seller, 'Seller implementing');

  // A large upload on a slow line shows its progress.
  const cdp = await seller.context().newCDPSession(seller);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
  await pickFile(seller, 'report', 'draft-scan.pdf', `%PDF-1.7 ${'x'.repeat(768 * 1024)}`);
  const progress = seller.locator('[data-dropzone=report] progress');
  await progress.waitFor();
  const seen = await seller.evaluate(() => new Promise(resolve => {
    const values = new Set();
    const timer = setInterval(() => {
      const p = document.querySelector('[data-dropzone=report] progress');
      if (p && !p.hidden) values.add(p.value);
      if (values.size > 2 && [...values].some(v => v > 0 && v < 100)) { clearInterval(timer); resolve([...values]); }
    }, 50);
    setTimeout(() => { clearInterval(timer); resolve([...values]); }, 15_000);
  }));
  assert.ok(seen.some(v => v > 0 && v < 100), `the progress bar moved: ${seen}`);
  await shots(seller, 'seller-case-uploading');
  await status(seller, 'Uploaded draft-scan.pdf.');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

  // Upload by drag and drop, then deliver the uploaded report.
  await dropFile(seller, 'report', 'acceptance.pdf', REPORT);
  await status(seller, 'Uploaded acceptance.pdf.');
  const row = seller.locator('table.rows tr', { hasText: 'acceptance.pdf' });
  await row.waitFor();
  await shots(seller, 'seller-case-upload');
  assert.equal(await seller.getByRole('checkbox', { name: /acceptance\.pdf/ }).isChecked(), true, 'the new report is selected for delivery');
  await seller.getByRole('checkbox', { name: /draft-scan\.pdf/ }).uncheck();
  await seller.getByRole('button', { name: 'Deliver', exact: true }).click();
  await status(seller, 'Delivered');
  await waitForState(seller, 'Waiting for acceptance');
  assert.match(await row.textContent(), /Delivered \(locked\)/);
  assert.equal(await seller.locator('[data-dropzone=report]').count(), 0, 'no upload while the buyer decides');

  // The buyer downloads the report (with the bearer token) and accepts.
  await buyer.goto(caseUrl);
  await buyer.reload();
  await waitForState(buyer, 'Waiting for acceptance');
  const [download] = await Promise.all([
    buyer.waitForEvent('download'),
    buyer.getByRole('button', { name: 'Download acceptance.pdf' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'acceptance.pdf');
  assert.equal(await readFile(await download.path(), 'utf8'), REPORT);
  await shots(buyer, 'buyer-case-acceptance');
  await buyer.getByRole('button', { name: 'Accept the delivery' }).click();
  await status(buyer, 'Delivery accepted.');
  await waitForState(buyer, 'Completed');
  await buyer.getByTestId('no-actions').filter({ hasText: 'completed' }).waitFor();
  const timeline = await buyer.getByTestId('timeline').textContent();
  for (const step of ['Case opened', 'Requirement submitted', 'Requirement confirmed', 'Report uploaded', 'Delivered', 'Accepted', 'Completed']) {
    assert.ok(timeline.includes(step), `the timeline shows "${step}"`);
  }
  assert.match(await buyer.getByTestId('timeline-verified').textContent(), /verified/);
  await shots(buyer, 'buyer-case-completed');

  // The buyer's list shows it completed.
  await buyer.getByRole('link', { name: 'My cases' }).click();
  await onPage(buyer, 'My cases');
  await buyer.locator('table.rows tr', { hasText: caseId }).locator('.badge', { hasText: 'Completed' }).waitFor();
  await shots(buyer, 'buyer-cases');

  for (const p of [ops, seller, buyer]) { await noAlert(p); assert.deepEqual(p.errors, []); }
});

test('a federated order goes through the platform review: the reviewer approves, the buyer rejects with a reason', async () => {
  const ops = await newPerson(browser, server.baseUrl);
  await signIn(ops, 'ops', 'ops-1');
  await ops.getByRole('link', { name: 'Sellers' }).click();
  await ops.getByLabel('Name').fill('Federated Seller');
  await ops.getByLabel('Production interface URL').fill('http://127.0.0.1:9/saasproduce');
  await ops.getByRole('button', { name: 'Register the seller' }).click();
  const sellerId = (await ops.getByTestId('seller-id').textContent()).trim();

  const seller = await newPerson(browser, server.baseUrl);
  await signIn(seller, 'seller', sellerId);
  await seller.getByRole('link', { name: 'Products' }).click();
  await seller.getByLabel('Name').first().fill('Offline license');
  await seller.getByLabel('Delivery type').selectOption('license');
  await seller.getByRole('button', { name: 'Create the product' }).click();
  const productId = (await seller.getByTestId('product-id').textContent()).trim();

  const buyer = await newPerson(browser, server.baseUrl);
  await signIn(buyer, 'buyer', 'buyer-fed');
  await buyer.getByLabel('Product id').fill(productId);
  await buyer.getByLabel('Scenario').selectOption('enablementCloud');
  await buyer.getByRole('button', { name: 'Place the order' }).click();
  await onPage(buyer, 'Case SC');
  const caseId = (await buyer.locator('main h1').textContent()).replace('Case ', '').trim();
  await waitForState(buyer, 'Seller implementing'); // offline license: no requirement step

  await seller.getByRole('link', { name: 'My cases' }).click();
  await seller.getByRole('link', { name: caseId }).click();
  await pickFile(seller, 'report', 'license-report.pdf', '%PDF-1.7 license installed');
  await status(seller, 'Uploaded license-report.pdf.');
  await seller.getByRole('button', { name: 'Deliver', exact: true }).click();
  await waitForState(seller, 'Platform review');

  // The reviewer's queue holds the case; approve it.
  const reviewer = await newPerson(browser, server.baseUrl);
  await signIn(reviewer, 'reviewer', 'reviewer-1');
  await onPage(reviewer, 'Review queue');
  await reviewer.getByRole('link', { name: caseId }).click();
  await waitForState(reviewer, 'Platform review');
  await shots(reviewer, 'reviewer-case');
  await reviewer.getByRole('button', { name: 'Approve' }).click();
  await status(reviewer, 'Review approved.');
  await waitForState(reviewer, 'Waiting for acceptance');
  await reviewer.getByTestId('no-actions').waitFor();

  // The buyer rejects: a reason is required, and the case goes back to the seller with one rejection counted.
  await buyer.reload();
  await waitForState(buyer, 'Waiting for acceptance');
  const reject = buyer.locator('form[data-action=reject]');
  await reject.getByRole('button', { name: 'Reject the delivery' }).click();
  assert.equal(await buyer.locator('#status').textContent(), '', 'an empty reason is not sent');
  await reject.getByLabel('Reason for rejecting').fill('The license does not cover the test environment.');
  await reject.getByRole('button', { name: 'Reject the delivery' }).click();
  await status(buyer, 'Delivery rejected');
  await waitForState(buyer, 'Seller implementing');
  assert.match(await buyer.locator('.facts').first().textContent(), /Buyer rejections1/);

  for (const p of [ops, seller, buyer, reviewer]) { await noAlert(p); assert.deepEqual(p.errors, []); }
});
