// Words and numbers for people: state names, times, durations.

export const STATE_LABELS = {
  AwaitingRequirement: 'Waiting for the requirement',
  AwaitingRequirementConfirmation: 'Requirement to confirm',
  SellerImplementing: 'Seller implementing',
  PlatformReview: 'Platform review',
  AwaitingUserAcceptance: 'Waiting for acceptance',
  LicenseActivation: 'License activation',
  SellerUploadProof: 'Delivery proof due',
  Completed: 'Completed',
  Closed: 'Closed',
};

export const stateLabel = s => STATE_LABELS[s] ?? s;

export const SIDE_LABELS = { buyer: 'the buyer', seller: 'the seller', platform: 'the platform', none: 'nobody' };
export const sideLabel = s => SIDE_LABELS[s] ?? s;

const ACTION_LABELS = {
  'case.opened': 'Case opened',
  'requirement.submitted': 'Requirement submitted',
  'requirement.confirmed': 'Requirement confirmed',
  'requirement.returned': 'Requirement returned',
  'report.uploaded': 'Report uploaded',
  'evidence.uploaded': 'Evidence uploaded',
  'delivery.submitted': 'Delivered',
  'review.approved': 'Review approved',
  'review.rejected': 'Review rejected',
  'acceptance.accepted': 'Accepted',
  'acceptance.rejected': 'Rejected',
  'license.received': 'License code received',
  'license.activated': 'License activated',
  'proof.uploaded': 'Delivery proof uploaded',
  'deployment.completed': 'Deployment completed',
  'courier.signed-off': 'Courier sign-off',
  'acceptance.auto-accepted': 'Accepted automatically',
  'stall.window-elapsed': 'Step stalled',
  'appeal.opened': 'Appeal opened',
  'appeal.resolved': 'Appeal resolved',
  'case.completed': 'Completed',
  'case.closed': 'Closed',
};

export const actionLabel = a => ACTION_LABELS[a] ?? a.replace(/[.-]/g, ' ').replace(/^./, c => c.toUpperCase());

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateTimeSeconds = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export const fmtTime = iso => (iso ? dateTime.format(new Date(iso)) : '—');
export const fmtTimeSeconds = iso => (iso ? dateTimeSeconds.format(new Date(iso)) : '—');

/** 4 d 03:12:09, or 03:12:09 under a day. */
export function fmtDuration(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86400);
  const hms = [Math.floor(total / 3600) % 24, Math.floor(total / 60) % 60, total % 60].map(n => String(n).padStart(2, '0')).join(':');
  return d > 0 ? `${d} d ${hms}` : hms;
}

/** "4 days 3 hours", for screen readers and titles. */
export function fmtDurationWords(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const parts = [[Math.floor(total / 86400), 'day'], [Math.floor(total / 3600) % 24, 'hour'], [Math.floor(total / 60) % 60, 'minute'], [total % 60, 'second']]
    .filter(([n]) => n > 0).slice(0, 2).map(([n, w]) => `${n} ${w}${n === 1 ? '' : 's'}`);
  return parts.length ? parts.join(' ') : 'less than a second';
}

export function fmtBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
