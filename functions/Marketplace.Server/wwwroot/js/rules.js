// What a person may do on a case now, derived from the case (state, flow, frozen, appeal eligibility) and who they
// are. The API decides in the end; the console only offers what it would accept (docs/supervision.md).

export const TERMINAL = ['Completed', 'Closed'];
export const SELLER_STEPS = ['AwaitingRequirementConfirmation', 'SellerImplementing', 'LicenseActivation', 'SellerUploadProof'];
export const BUYER_STEPS = ['AwaitingRequirement', 'AwaitingUserAcceptance'];

const same = (a, b) => String(a ?? '').toLowerCase() === String(b ?? '').toLowerCase();

/** The open appeal of the case, if any. */
export const openAppeal = c => (c.frozen && c.appeal && same(c.appeal.status, 'open') ? c.appeal : null);

/**
 * The actions offered to `role` (signed in as `subject`) on case `c`, as a list of names:
 * submitRequirement, accept, reject, confirmRequirement, returnRequirement, uploadReport, deliver,
 * completeDeployment, uploadProof, appeal, approveReview, rejectReview, resolveAppeal, courierSignOff, recordActivation.
 */
export function allowedActions(c, role, subject) {
  if (!c || TERMINAL.includes(c.state)) return [];
  const actions = [];
  if (role === 'ops') {
    if (openAppeal(c)) actions.push('resolveAppeal');
    // A courier sign-off only records a fact: it is taken while frozen too.
    if (c.state === 'AwaitingUserAcceptance' && c.flow === 'Hardware' && c.logistics) actions.push('courierSignOff');
    if (!c.frozen && c.state === 'LicenseActivation') actions.push('recordActivation');
    return actions;
  }
  if (c.frozen) return actions; // only the operations manager acts on a frozen case
  if (role === 'buyer' && c.buyerId === subject) {
    if (c.state === 'AwaitingRequirement') actions.push('submitRequirement');
    if (c.state === 'AwaitingUserAcceptance') actions.push('accept', 'reject');
    if (c.appealEligibility?.buyer?.eligible) actions.push('appeal');
  } else if (role === 'seller' && c.sellerId === subject) {
    if (c.state === 'AwaitingRequirementConfirmation') actions.push('confirmRequirement', 'returnRequirement');
    if (c.state === 'SellerImplementing' && c.flow === 'LicensePackage') actions.push('completeDeployment');
    if ((c.state === 'SellerImplementing' && c.flow !== 'LicensePackage') || c.state === 'SellerUploadProof') actions.push('uploadReport');
    if (c.state === 'SellerImplementing' && c.flow !== 'LicensePackage') actions.push('deliver');
    if (c.state === 'SellerUploadProof') actions.push('uploadProof');
    if (c.appealEligibility?.seller?.eligible) actions.push('appeal');
  } else if (role === 'reviewer') {
    if (c.state === 'PlatformReview') actions.push('approveReview', 'rejectReview');
  }
  return actions;
}

/** Does the case wait on this person now? (the seller's and buyer's lists put these first) */
export function waitsOn(c, role) {
  if (TERMINAL.includes(c.state) || c.frozen) return role === 'ops' && c.frozen;
  if (role === 'seller') return c.side === 'seller';
  if (role === 'buyer') return c.side === 'buyer';
  if (role === 'reviewer') return c.state === 'PlatformReview';
  return false;
}

/** Seller's list order: what waits on me first, then the rest; each by how long it has waited (oldest first). */
export function sortForRole(cases, role) {
  return [...cases].sort((a, b) =>
    (Number(waitsOn(b, role)) - Number(waitsOn(a, role))) ||
    (Number(TERMINAL.includes(a.state)) - Number(TERMINAL.includes(b.state))) ||
    (Date.parse(a.stateEnteredAt) - Date.parse(b.stateEnteredAt)));
}

/**
 * The appeal countdown of a party: { kind: 'eligible' | 'countdown' | 'never', msLeft, from, explanation }.
 * `from` (appealEligibility.{party}.from) is when the party becomes or became eligible; null: time alone will not.
 */
export function appealCountdown(c, party, now = Date.now()) {
  const e = c.appealEligibility?.[party];
  if (!e) return { kind: 'never', explanation: '' };
  if (TERMINAL.includes(c.state)) return { kind: 'never', explanation: 'The case has ended; it can no longer be appealed.' };
  if (e.eligible) return { kind: 'eligible', from: e.from, explanation: e.explanation };
  if (e.from && Date.parse(e.from) > now) return { kind: 'countdown', from: e.from, msLeft: Date.parse(e.from) - now, explanation: e.explanation };
  if (e.from) return { kind: 'due', from: e.from, msLeft: 0, explanation: e.explanation }; // passed: a refresh shows eligible
  return { kind: 'never', explanation: e.explanation };
}
