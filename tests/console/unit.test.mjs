// The console's pure modules under Node (no browser): which actions a person is offered, the appeal countdown,
// the list order, formatting, the PKCE challenge and token claims, download file names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowedActions, appealCountdown, sortForRole, waitsOn } from '../../functions/Marketplace.Server/wwwroot/js/rules.js';
import { actionLabel, fmtDuration, fmtDurationWords, stateLabel } from '../../functions/Marketplace.Server/wwwroot/js/format.js';
import { claims, pkceChallenge } from '../../functions/Marketplace.Server/wwwroot/js/auth.js';
import { fileNameOf } from '../../functions/Marketplace.Server/wwwroot/js/api.js';

const never = { eligible: false, from: null, rule: 'own-step', explanation: 'x' };
const kase = (over = {}) => ({
  caseId: 'SC1', buyerId: 'b1', sellerId: 's1', flow: 'Standard', state: 'AwaitingRequirement', side: 'buyer', frozen: false,
  appeal: null, logistics: null, appealEligibility: { buyer: never, seller: never }, ...over,
});

test('the buyer is offered the requirement, then acceptance or rejection, only on their own case', () => {
  assert.deepEqual(allowedActions(kase(), 'buyer', 'b1'), ['submitRequirement']);
  assert.deepEqual(allowedActions(kase(), 'buyer', 'someone-else'), []);
  assert.deepEqual(allowedActions(kase({ state: 'AwaitingUserAcceptance' }), 'buyer', 'b1'), ['accept', 'reject']);
  assert.deepEqual(allowedActions(kase({ state: 'SellerImplementing', side: 'seller' }), 'buyer', 'b1'), []);
});

test('the seller confirms, uploads and delivers in the seller steps; package deployments complete instead', () => {
  assert.deepEqual(allowedActions(kase({ state: 'AwaitingRequirementConfirmation' }), 'seller', 's1'), ['confirmRequirement', 'returnRequirement']);
  assert.deepEqual(allowedActions(kase({ state: 'SellerImplementing' }), 'seller', 's1'), ['uploadReport', 'deliver']);
  assert.deepEqual(allowedActions(kase({ state: 'SellerImplementing', flow: 'LicensePackage' }), 'seller', 's1'), ['completeDeployment']);
  assert.deepEqual(allowedActions(kase({ state: 'SellerUploadProof', flow: 'License2' }), 'seller', 's1'), ['uploadReport', 'uploadProof']);
  assert.deepEqual(allowedActions(kase({ state: 'AwaitingUserAcceptance' }), 'seller', 's1'), []);
});

test('appeals follow the eligibility; a frozen case offers nothing to the parties and the resolution to ops', () => {
  const eligible = { eligible: true, from: '2026-01-01T00:00:00Z', rule: 'seller-after-rejections', explanation: 'y' };
  const c = kase({ state: 'SellerImplementing', appealEligibility: { buyer: never, seller: eligible } });
  assert.deepEqual(allowedActions(c, 'seller', 's1'), ['uploadReport', 'deliver', 'appeal']);
  const frozen = { ...c, frozen: true, appeal: { appealId: 'SC1.1', status: 'open' } };
  assert.deepEqual(allowedActions(frozen, 'seller', 's1'), []);
  assert.deepEqual(allowedActions(frozen, 'buyer', 'b1'), []);
  assert.deepEqual(allowedActions(frozen, 'ops', 'ops-1'), ['resolveAppeal']);
  assert.deepEqual(allowedActions(c, 'ops', 'ops-1'), []);
});

test('the reviewer acts only in PlatformReview; ended cases offer nothing to anyone', () => {
  assert.deepEqual(allowedActions(kase({ state: 'PlatformReview', side: 'platform' }), 'reviewer', 'r1'), ['approveReview', 'rejectReview']);
  assert.deepEqual(allowedActions(kase({ state: 'AwaitingUserAcceptance' }), 'reviewer', 'r1'), []);
  for (const state of ['Completed', 'Closed']) {
    for (const [role, who] of [['buyer', 'b1'], ['seller', 's1'], ['ops', 'o'], ['reviewer', 'r']]) {
      assert.deepEqual(allowedActions(kase({ state, appealEligibility: { buyer: { ...never, eligible: true }, seller: never } }), role, who), []);
    }
  }
});

test('ops record a hardware courier sign-off, even while frozen, and a license activation', () => {
  const hw = kase({ flow: 'Hardware', state: 'AwaitingUserAcceptance', logistics: { carrier: 'SF', trackingNo: '1' } });
  assert.deepEqual(allowedActions(hw, 'ops', 'o'), ['courierSignOff']);
  assert.deepEqual(allowedActions({ ...hw, frozen: true, appeal: { status: 'open' } }, 'ops', 'o'), ['resolveAppeal', 'courierSignOff']);
  assert.deepEqual(allowedActions(kase({ flow: 'License2', state: 'LicenseActivation' }), 'ops', 'o'), ['recordActivation']);
});

test('the appeal countdown: now, later, never', () => {
  const now = Date.parse('2026-11-22T00:00:00Z');
  const later = kase({ state: 'SellerImplementing', appealEligibility: { buyer: { eligible: false, from: '2026-11-22T00:01:30Z', rule: 'seller-step-stalled', explanation: 'e' }, seller: never } });
  assert.deepEqual(appealCountdown(later, 'buyer', now), { kind: 'countdown', from: '2026-11-22T00:01:30Z', msLeft: 90_000, explanation: 'e' });
  assert.equal(appealCountdown(later, 'buyer', now + 100_000).kind, 'due');
  assert.equal(appealCountdown(later, 'seller', now).kind, 'never');
  const yes = kase({ appealEligibility: { buyer: { eligible: true, from: '2026-11-20T00:00:00Z', rule: 'r', explanation: 'e' }, seller: never } });
  assert.equal(appealCountdown(yes, 'buyer', now).kind, 'eligible');
  assert.equal(appealCountdown({ ...yes, state: 'Completed' }, 'buyer', now).kind, 'never');
});

test("the seller's list puts what waits on the seller first, oldest first, ended cases last", () => {
  const list = [
    { caseId: 'done', state: 'Completed', side: 'none', frozen: false, stateEnteredAt: '2026-01-01T00:00:00Z' },
    { caseId: 'buyer-turn', state: 'AwaitingUserAcceptance', side: 'buyer', frozen: false, stateEnteredAt: '2026-01-02T00:00:00Z' },
    { caseId: 'mine-new', state: 'SellerImplementing', side: 'seller', frozen: false, stateEnteredAt: '2026-01-05T00:00:00Z' },
    { caseId: 'mine-old', state: 'AwaitingRequirementConfirmation', side: 'seller', frozen: false, stateEnteredAt: '2026-01-03T00:00:00Z' },
    { caseId: 'frozen', state: 'SellerImplementing', side: 'seller', frozen: true, stateEnteredAt: '2026-01-01T00:00:00Z' },
  ];
  assert.deepEqual(sortForRole(list, 'seller').map(c => c.caseId), ['mine-old', 'mine-new', 'frozen', 'buyer-turn', 'done']);
  assert.equal(waitsOn(list[4], 'seller'), false, 'a frozen case waits on ops');
  assert.equal(waitsOn(list[4], 'ops'), true);
});

test('formatting for people', () => {
  assert.equal(fmtDuration(((4 * 24 + 3) * 3600 + 12 * 60 + 9) * 1000), '4 d 03:12:09');
  assert.equal(fmtDuration(59_000), '00:00:59');
  assert.equal(fmtDuration(-5), '00:00:00');
  assert.equal(fmtDurationWords(((1 * 24 + 2) * 3600 + 5) * 1000), '1 day 2 hours');
  assert.equal(stateLabel('AwaitingUserAcceptance'), 'Waiting for acceptance');
  assert.equal(stateLabel('SomethingNew'), 'SomethingNew');
  assert.equal(actionLabel('appeal.opened'), 'Appeal opened');
  assert.equal(actionLabel('something.brand-new'), 'Something brand new');
});

test('PKCE S256 challenge (RFC 7636 appendix B) and token claims', async () => {
  assert.equal(await pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  const payload = Buffer.from(JSON.stringify({ sub: 'bü-1', roles: ['buyer', 'ops'], exp: 1 })).toString('base64url');
  assert.deepEqual(claims(`x.${payload}.y`), { sub: 'bü-1', roles: ['buyer', 'ops'], exp: 1 });
});

test('download names come from Content-Disposition', () => {
  assert.equal(fileNameOf('attachment; filename=report.pdf; filename*=UTF-8\'\'%E9%AA%8C%E6%94%B6.pdf'), '验收.pdf');
  assert.equal(fileNameOf('attachment; filename="a b.pdf"'), 'a b.pdf');
  assert.equal(fileNameOf(null), null);
});
