// Keyboard only: sign in, order, submit a requirement, and resolve an appeal with Tab, arrows, typing and Enter;
// every control on the main pages is reached with Tab, and the focused control is visibly outlined.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, market, newPerson, noAlert, onPage, startServer, status, waitForState } from '../harness.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

/** Presses Tab until the focused element matches the selector (fails after `max` presses). */
async function tabTo(page, selector, max = 60) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate(sel => document.activeElement?.matches(sel) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${selector}`);
}

/**
 * Tabs through the whole page and checks that every enabled, visible control was focused (for a radio group, one
 * of its radios: arrows move within the group), and that focus is visible on each.
 */
async function assertTabReachesEverything(page, label) {
  const expected = await page.evaluate(() => {
    const controls = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])')]
      .filter(el => !el.disabled && el.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true })
        && !el.closest('details:not([open]) > :not(summary)'));
    let n = 0;
    const keys = new Set();
    for (const el of controls) {
      const key = el.type === 'radio' ? `radio:${el.name}` : `el:${++n}`;
      if (el.type === 'radio') el.dataset.kbGroup = key; else el.dataset.kb = key;
      keys.add(key);
    }
    return [...keys];
  });
  await page.evaluate(() => document.activeElement?.blur());
  await page.evaluate(() => { document.body.tabIndex = -1; document.body.focus(); document.body.removeAttribute('tabindex'); });
  const reached = new Set();
  const unstyled = [];
  for (let i = 0; i < expected.length + 15; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const cs = getComputedStyle(el);
      const visible = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) || cs.boxShadow !== 'none';
      return { key: el.dataset.kb ?? el.dataset.kbGroup ?? null, visible, what: `${el.tagName} ${el.textContent?.trim().slice(0, 30) || el.name || ''}` };
    });
    if (info?.key) {
      reached.add(info.key);
      if (!info.visible && !info.what.startsWith('INPUT') && !info.what.startsWith('SELECT') && !info.what.startsWith('TEXTAREA')) unstyled.push(info.what);
    }
  }
  const missed = expected.filter(k => !reached.has(k));
  const names = await page.evaluate(keys => keys.map(k => {
    const el = document.querySelector(`[data-kb="${k}"], [data-kb-group="${k}"]`);
    return `${el?.tagName} "${el?.textContent?.trim().slice(0, 40) || el?.name || el?.id}"`;
  }), missed);
  assert.deepEqual(names, [], `${label}: Tab did not reach these controls`);
  assert.deepEqual(unstyled, [], `${label}: no visible focus on these controls`);
}

test('keyboard only: sign in, order a product and submit the requirement', async () => {
  const m = await market(server.baseUrl);
  const productId = await m.product();
  const page = await newPerson(browser, server.baseUrl);
  await page.goto(`${server.baseUrl}/#/signin`);
  await onPage(page, 'Sign in');
  await assertTabReachesEverything(page, 'sign-in');

  // The role radios are one Tab stop; arrows choose. Go to Seller and back to Buyer, then type the subject.
  await tabTo(page, 'input[name=role]');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.querySelector('input[name=role]:checked').value), 'seller');
  await page.keyboard.press('ArrowUp');
  await tabTo(page, 'input[name=subject]');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('buyer-kb');
  await page.keyboard.press('Enter');
  await onPage(page, 'My cases');
  await assertTabReachesEverything(page, 'buyer cases');

  await tabTo(page, 'input[name=productId]');
  await page.keyboard.type(productId);
  await page.keyboard.press('Enter'); // submits the order form
  await onPage(page, 'Case SC');
  await waitForState(page, 'Waiting for the requirement');
  await assertTabReachesEverything(page, 'buyer case');

  await tabTo(page, 'textarea[name=text]');
  await page.keyboard.type('Keyboard-only requirement: export the monthly report.');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Submit the requirement');
  await page.keyboard.press('Enter');
  await status(page, 'Requirement submitted.');
  await waitForState(page, 'Requirement to confirm');
  await noAlert(page);
  assert.deepEqual(page.errors, []);
});

test('keyboard only: the seller reaches every action, and ops resolves an appeal', async () => {
  const m = await market(server.baseUrl);
  const c = await m.caseAtSellerImplementing('buyer-kb2');
  for (let i = 0; i < 3; i++) { await m.deliver(c.caseId); await m.reject(c); }
  m.ok(await m.seller.put(`/api/cases/${c.caseId}/reports/open-report.pdf`, Buffer.from('%PDF-1.7 open')), 201);

  // The seller's case page: upload, deliver (with a report to choose) and appeal are all reachable.
  const seller = await newPerson(browser, server.baseUrl);
  await page_signIn(seller, 'seller', m.sellerId);
  await seller.goto(`${server.baseUrl}/#/cases/${c.caseId}`);
  await waitForState(seller, 'Seller implementing');
  await seller.locator('form[data-action=appeal]').waitFor();
  await assertTabReachesEverything(seller, 'seller case');

  // The seller appeals by keyboard.
  await tabTo(seller, 'form[data-action=appeal] textarea[name=reason]');
  await seller.keyboard.type('Three rejections without a reason.');
  await tabTo(seller, 'form[data-action=appeal] button[type=submit]');
  await seller.keyboard.press('Enter');
  await status(seller, 'submitted; the case is frozen');

  // Ops: from the queue to the case and the resolution, keyboard only.
  const ops = await newPerson(browser, server.baseUrl);
  await page_signIn(ops, 'ops', 'ops-kb');
  await onPage(ops, 'Appeal queue');
  await assertTabReachesEverything(ops, 'appeal queue');
  await tabTo(ops, `a.button[href="#/cases/${c.caseId}"]`);
  await ops.keyboard.press('Enter');
  await onPage(ops, `Case ${c.caseId}`);
  await assertTabReachesEverything(ops, 'ops case');
  await tabTo(ops, 'input[name=outcome]');
  await ops.keyboard.press('ArrowDown'); // resume → complete
  assert.equal(await ops.evaluate(() => document.querySelector('input[name=outcome]:checked').value), 'complete');
  await tabTo(ops, 'textarea[name=note]');
  await ops.keyboard.type('Settled by hand after the third rejection.');
  await ops.keyboard.press('Tab');
  await ops.keyboard.press('Enter');
  await status(ops, 'resolved: complete');
  await waitForState(ops, 'Completed');

  for (const p of [seller, ops]) { await noAlert(p); assert.deepEqual(p.errors, []); }
});

/** Signs in with the keyboard only. */
async function page_signIn(page, role, subject) {
  await page.goto(`${server.baseUrl}/#/signin`);
  await onPage(page, 'Sign in');
  await tabTo(page, 'input[name=role]');
  const order = ['buyer', 'seller', 'ops', 'reviewer'];
  for (let i = 0; i < order.indexOf(role); i++) await page.keyboard.press('ArrowDown');
  await tabTo(page, 'input[name=subject]');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(subject);
  await page.keyboard.press('Enter');
  await page.locator('#who .subject', { hasText: subject }).waitFor();
}
