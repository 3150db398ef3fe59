// One case: state, who acts, the appeal countdown, the actions allowed now, requirement, reports, deliveries,
// the appeal with its evidence, and the verified timeline. Every action answers with the new case, shown at once.
import { h, mount, uid } from '../dom.js';
import { get, post, upload } from '../api.js';
import { actionLabel, fmtBytes, fmtTime, fmtTimeSeconds, sideLabel, stateLabel } from '../format.js';
import { allowedActions, appealCountdown, openAppeal, TERMINAL } from '../rules.js';
import {
  actionButton, actionForm, countdown, downloadButton, dropZone, facts, loading, pageTitle, panel, say, stateBadge, table, uploadTo,
} from '../ui.js';

export async function casePage(ctx) {
  const caseId = ctx.params[0];
  const root = h('div', { class: 'case' }, loading('Loading the case'));
  const base = `/api/cases/${encodeURIComponent(caseId)}`;
  const state = { justUploaded: new Set() };

  const show = (c, message) => {
    // Keep the keyboard where it was when the same action is still offered; else start again at the heading.
    const anchor = document.activeElement?.closest?.('[data-action], [data-dropzone]');
    const key = anchor?.dataset.action ? `[data-action="${anchor.dataset.action}"]` : anchor?.dataset.dropzone ? `[data-dropzone="${anchor.dataset.dropzone}"]` : null;
    mount(root, ...render(c, ctx, base, state, show, reload));
    if (!message) return;
    say(message);
    const again = key ? root.querySelector(key) : null;
    const focusable = again?.matches('button') ? again : again?.querySelector('input, textarea, select, button');
    (focusable ?? root.querySelector('h1'))?.focus();
  };
  const reload = async message => show(await get(base), message);

  show(await get(base));
  return root;
}

function render(c, ctx, base, state, show, reload) {
  const { role, subject } = ctx.session;
  const actions = allowedActions(c, role, subject);
  const appeal = openAppeal(c);
  const out = [];

  out.push(h('p', { class: 'crumbs' }, h('a', { href: role === 'ops' && appeal ? '#/appeals' : '#/cases' }, role === 'ops' && appeal ? '← Appeal queue' : '← Cases')));
  out.push(pageTitle(`Case ${c.caseId}`));
  out.push(h('div', { class: 'summary' },
    stateBadge(c.state),
    c.frozen ? h('span', { class: 'badge frozen' }, 'Frozen: appeal open') : null,
    h('span', { class: 'waiting', 'data-testid': 'waiting-on' }, TERMINAL.includes(c.state) ? 'Case ended' : `Waiting on ${sideLabel(c.side)}`),
    actionButton('Refresh', () => reload('Case refreshed.'), { kind: 'secondary small' })));

  if (appeal) {
    out.push(h('div', { class: 'notice warn', 'data-testid': 'frozen' },
      h('p', {}, h('strong', {}, `Appeal ${appeal.appealId} is open. `),
        role === 'ops' ? 'The case is frozen until you resolve the appeal below.' : 'The case is frozen: only the operations manager can act until the appeal is resolved.')));
  }

  out.push(actionsPanel(c, ctx, base, state, actions, show, reload));
  out.push(appealPanel(c, role, subject, reload));
  out.push(panel('Overview', facts([
    ['State', h('span', { title: c.state }, stateLabel(c.state))],
    ['In this state since', fmtTime(c.stateEnteredAt)],
    ['Order', c.orderId],
    ['Product', c.productId],
    ['Flow', c.flow],
    ['Scenario', c.scenario],
    ['Buyer', c.buyerId],
    ['Seller', c.sellerId],
    ['Buyer rejections', String(c.rejectionCount)],
    ['Actual start time', c.actualStartTime ? fmtTime(c.actualStartTime) : null],
    ['Completed at', c.completedAt ? fmtTime(c.completedAt) : null],
    ['Logistics', c.logistics ? `${c.logistics.carrier} ${c.logistics.trackingNo}${c.logistics.signedOffAt ? `, signed off ${fmtTime(c.logistics.signedOffAt)}` : ''}` : null],
  ])));


  if (c.requirement) {
    out.push(panel('Requirement',
      h('p', { class: 'pre' }, c.requirement.text),
      h('p', { class: 'hint' }, `Submitted ${fmtTime(c.requirement.submittedAt)}`)));
  }
  out.push(panel('Reports', reportsTable(c, base)));
  if (c.deliveries?.length) {
    out.push(panel('Deliveries', h('ol', { class: 'plain' }, c.deliveries.map(d => h('li', {},
      `${fmtTime(d.deliveredAt)}: ${d.kind}`,
      d.reportIds?.length ? ` with ${d.reportIds.map(id => c.reports.find(r => r.reportId === id)?.fileName ?? id).join(', ')}` : '',
      d.logistics ? ` (${d.logistics.carrier} ${d.logistics.trackingNo})` : '')))));
  }
  if (c.appeal) out.push(appealDetails(c, role, base));
  out.push(timelinePanel(c));
  return out;
}

// ---- appeal countdown and eligibility ----

function appealPanel(c, role, subject, reload) {
  if (TERMINAL.includes(c.state)) return null;
  const party = role === 'buyer' && c.buyerId === subject ? 'buyer' : role === 'seller' && c.sellerId === subject ? 'seller' : null;
  if (!party) {
    return panel('Appeal eligibility', facts(['buyer', 'seller'].map(p => {
      const e = c.appealEligibility?.[p];
      return [p === 'buyer' ? 'Buyer' : 'Seller', e ? `${e.eligible ? 'May appeal' : 'May not appeal'}${e.from && !e.eligible ? ` from ${fmtTime(e.from)}` : ''}: ${e.explanation}` : '—'];
    })));
  }
  if (c.frozen) return panel('When you may appeal', h('p', { 'data-testid': 'appeal-status' }, 'An appeal is open; no other appeal can be made until it is resolved.'));
  const cd = appealCountdown(c, party);
  let body;
  if (cd.kind === 'eligible') {
    body = h('p', { 'data-testid': 'appeal-status' }, h('strong', {}, 'You may appeal now. '), cd.explanation);
  } else if (cd.kind === 'countdown') {
    body = [
      h('p', { 'data-testid': 'appeal-status' }, 'You may appeal in ',
        countdown(cd.from, () => reload('The waiting time is over; the case was refreshed.')),
        ` (at ${fmtTimeSeconds(cd.from)}).`),
      h('p', { class: 'hint' }, cd.explanation),
    ];
  } else if (cd.kind === 'due') {
    body = h('p', { 'data-testid': 'appeal-status' }, 'The waiting time is over. ', h('button', { type: 'button', class: 'link', onclick: () => reload('Case refreshed.') }, 'Refresh'), ' to appeal.');
  } else {
    body = h('p', { 'data-testid': 'appeal-status' }, 'You cannot appeal at this step. ', cd.explanation);
  }
  return panel('When you may appeal', body);
}

// ---- the actions allowed now ----

const NOTHING = {
  buyer: 'Nothing waits on you right now.',
  seller: 'Nothing waits on you right now.',
  reviewer: 'This case is not waiting for a platform review.',
  ops: 'There is nothing for operations to do on this case now.',
};

function actionsPanel(c, ctx, base, state, actions, show, reload) {
  const act = (path, body, message) => async () => show(await post(`${base}${path}`, body), message);
  const forms = [];
  const has = a => actions.includes(a);
  const licenseCodePass = c.flow === 'License2' && !c.timeline?.some(t => t.action === 'license.activated');

  if (has('submitRequirement')) {
    forms.push(actionForm({
      name: 'submitRequirement', title: 'Submit your requirement',
      description: 'Describe what the seller is to deliver. The seller confirms it or returns it with a reason.',
      fields: [{ label: 'Requirement', name: 'text', type: 'textarea', required: true, rows: 4, maxlength: 4000 }],
      submit: 'Submit the requirement',
      onSubmit: v => act('/requirement', { text: v.text }, 'Requirement submitted.')(),
    }));
  }
  if (has('confirmRequirement')) {
    forms.push(h('div', { class: 'action' }, h('h3', {}, 'Confirm the requirement'),
      c.requirement ? h('blockquote', { class: 'pre' }, c.requirement.text) : null,
      h('p', { class: 'hint' }, 'Confirm it to start the work, or return it to the buyer with a reason.'),
      h('div', { class: 'buttons' }, actionButton('Confirm the requirement', act('/requirement/decision', { decision: 'confirm' }, 'Requirement confirmed.'), { name: 'confirmRequirement' }))));
  }
  if (has('returnRequirement')) {
    forms.push(actionForm({
      name: 'returnRequirement', title: 'Return the requirement',
      fields: [{ label: 'Reason for returning', name: 'reason', type: 'textarea', required: true }],
      submit: 'Return to the buyer', kind: 'secondary',
      onSubmit: v => act('/requirement/decision', { decision: 'return', reason: v.reason }, 'Requirement returned to the buyer.')(),
    }));
  }
  if (has('uploadReport')) {
    forms.push(h('div', { class: 'action' }, h('h3', {}, 'Upload an acceptance report'),
      dropZone({
        name: 'report', label: 'Acceptance report',
        hint: 'PDF, Word, Excel, PowerPoint, images or zip, up to 50 MB. A delivered report is locked: upload changes under a new name.',
        onUpload: uploadTo(`${base}/reports`),
        onDone: async results => {
          results.forEach(r => state.justUploaded.add(r.reportId));
          await reload(`Uploaded ${results.map(r => r.fileName).join(', ')}.`);
        },
      })));
  }
  if (has('deliver') || has('uploadProof')) forms.push(deliverForm(c, state, act, has('uploadProof')));
  if (has('completeDeployment')) {
    forms.push(h('div', { class: 'action' }, h('h3', {}, 'Deployment'),
      h('div', { class: 'buttons' }, actionButton('The deployment is finished', act('/deployment', undefined, 'Deployment recorded.'), { name: 'completeDeployment' }))));
  }
  if (has('accept')) {
    forms.push(h('div', { class: 'action' }, h('h3', {}, licenseCodePass ? 'Receive the license code' : 'Accept the delivery'),
      h('p', { class: 'hint' }, licenseCodePass ? 'Confirm that you received the license code.' : 'Accepting completes the case; the order is settled.'),
      h('div', { class: 'buttons' }, actionButton(licenseCodePass ? 'Confirm receipt' : 'Accept the delivery', act('/acceptance', { decision: 'accept' }, licenseCodePass ? 'Receipt confirmed.' : 'Delivery accepted.'), { name: 'accept' }))));
  }
  if (has('reject')) {
    forms.push(actionForm({
      name: 'reject', title: 'Reject the delivery', kind: 'danger',
      description: `The seller delivers again. Rejections so far: ${c.rejectionCount}.`,
      fields: [{ label: 'Reason for rejecting', name: 'reason', type: 'textarea', required: true }],
      submit: 'Reject the delivery',
      onSubmit: v => act('/acceptance', { decision: 'reject', reason: v.reason }, 'Delivery rejected; the case went back to the seller.')(),
    }));
  }
  if (has('approveReview')) {
    forms.push(h('div', { class: 'action' }, h('h3', {}, 'Approve the delivery'),
      h('p', { class: 'hint' }, 'The buyer then accepts or rejects it.'),
      h('div', { class: 'buttons' }, actionButton('Approve', act('/review', { decision: 'approve' }, 'Review approved.'), { name: 'approveReview' }))));
  }
  if (has('rejectReview')) {
    forms.push(actionForm({
      name: 'rejectReview', title: 'Reject the delivery', kind: 'danger',
      fields: [{ label: 'Reason for rejecting', name: 'reason', type: 'textarea', required: true }],
      submit: 'Reject',
      onSubmit: v => act('/review', { decision: 'reject', reason: v.reason }, 'Review rejected; the case went back to the seller.')(),
    }));
  }
  if (has('appeal')) forms.push(appealForm(c, ctx, base, show));
  if (has('resolveAppeal')) forms.push(resolveForm(c, show));
  if (has('courierSignOff')) {
    forms.push(actionForm({
      name: 'courierSignOff', title: 'Record the courier sign-off',
      fields: [
        { label: 'Signed at', name: 'signedAt', type: 'datetime-local', required: true },
        { label: "Signer's phone", name: 'signerPhone', type: 'tel' },
      ],
      submit: 'Record the sign-off', kind: 'secondary',
      onSubmit: v => act('/courier-sign-off', { signedAt: new Date(v.signedAt).toISOString(), signerPhone: v.signerPhone || undefined }, 'Sign-off recorded.')(),
    }));
  }
  if (has('recordActivation')) {
    forms.push(h('div', { class: 'action' }, h('h3', {}, 'License activation'),
      h('div', { class: 'buttons' }, actionButton('Record the activation now', act('/license-activation', {}, 'Activation recorded.'), { name: 'recordActivation', kind: 'secondary' }))));
  }

  const empty = TERMINAL.includes(c.state) ? `The case is ${c.state === 'Completed' ? 'completed' : 'closed'}; nothing more can be done.`
    : c.frozen && ctx.session.role !== 'ops' ? 'The case is frozen while an appeal is open.'
      : NOTHING[ctx.session.role];
  return panel('What you can do now', forms.length ? h('div', { class: 'actions' }, forms) : h('p', { class: 'empty', 'data-testid': 'no-actions' }, empty));
}

function deliverForm(c, state, act, proof) {
  const open = c.reports.filter(r => !r.locked);
  const hardware = c.flow === 'Hardware';
  const codeDelivery = c.flow === 'License2' && !proof;
  const needsReports = !hardware && !codeDelivery;
  if (needsReports && open.length === 0) {
    return h('div', { class: 'action', 'data-action': proof ? 'uploadProof' : 'deliver' },
      h('h3', {}, proof ? 'Hand in the delivery proof' : 'Deliver'),
      h('p', { class: 'empty' }, 'Upload an acceptance report first; then choose it here to deliver it.'));
  }
  const fields = [];
  if (!hardware && !codeDelivery) {
    const legendId = uid('reports');
    fields.push(h('fieldset', { class: 'choices', 'aria-describedby': `${legendId}-hint` },
      h('legend', {}, proof ? 'Reports that prove the delivery' : 'Reports to deliver'),
      open.map(r => {
        const id = uid('rep');
        return h('div', { class: 'choice' },
          h('input', { type: 'checkbox', name: 'reportIds', value: r.reportId, id, checked: state.justUploaded.has(r.reportId) || open.length === 1 }),
          h('label', { for: id }, `${r.fileName} (${fmtBytes(r.size)}, ${fmtTime(r.uploadedAt)})`));
      }),
      h('p', { class: 'hint', id: `${legendId}-hint` }, 'Delivered reports are locked and cannot be replaced.')));
  }
  if (hardware) {
    fields.push({ label: 'Carrier', name: 'carrier', required: true }, { label: 'Tracking number', name: 'trackingNo', required: true },
      { label: "Recipient's phone", name: 'recipientPhone', type: 'tel' });
  }
  if (!proof && c.flow !== 'License2') {
    fields.push({ label: 'Actual start time (optional)', name: 'actualStartTime', type: 'datetime-local', hint: 'When the service really started; it must lie between the order and now.' });
  }
  return actionForm({
    name: proof ? 'uploadProof' : 'deliver',
    title: proof ? 'Hand in the delivery proof' : codeDelivery ? 'Deliver the license code' : 'Deliver',
    description: codeDelivery ? 'The platform issues the license code to the buyer.' : hardware ? 'Enter the shipment; no report is needed.' : null,
    fields,
    submit: proof ? 'Hand in the proof' : 'Deliver',
    onSubmit: async (v, form) => {
      const reportIds = [...form.querySelectorAll('input[name=reportIds]:checked')].map(i => i.value);
      if (needsReports && reportIds.length === 0) throw new Error('Choose at least one uploaded report.');
      if (proof) return act('/proof', { reportIds }, 'Delivery proof handed in.')();
      const body = { reportIds };
      if (hardware) body.logistics = { carrier: v.carrier, trackingNo: v.trackingNo, recipientPhone: v.recipientPhone || undefined };
      if (v.actualStartTime) body.actualStartTime = new Date(v.actualStartTime).toISOString();
      state.justUploaded.clear();
      return act('/delivery', body, 'Delivered; the buyer has been asked to accept.')();
    },
  });
}

function appealForm(c, ctx, base, show) {
  const role = ctx.session.role;
  const evidence = [];
  const evidenceList = h('ul', { class: 'plain', 'aria-live': 'polite' });
  const zone = dropZone({
    name: 'evidence', label: 'Evidence (optional)', multiple: true,
    hint: role === 'seller' ? "If you cannot reach the customer, attach the platform's appeal-intervention commitment letter." : 'Screenshots, documents or messages that support your appeal.',
    onUpload: (file, onProgress) => upload(`${base}/evidence/${encodeURIComponent(file.name)}`, file, onProgress),
    onDone: results => {
      results.forEach(r => { evidence.push(r); evidenceList.append(h('li', {}, `${r.fileName} (${fmtBytes(r.size)}) attached`)); });
    },
  });
  const e = c.appealEligibility?.[role];
  return actionForm({
    name: 'appeal', title: 'Appeal to the operations manager', kind: 'danger',
    description: `${e?.explanation ?? ''} The case freezes until the operations manager resolves the appeal.`,
    fields: [
      { label: 'Reason', name: 'reason', type: 'textarea', required: true, maxlength: 2000 },
      role === 'buyer' ? { label: 'Demands (optional)', name: 'demands', type: 'textarea', maxlength: 2000, hint: 'What you want: a refund, a redelivery…' } : null,
      zone, evidenceList,
    ].filter(Boolean),
    submit: 'Submit the appeal',
    onSubmit: async v => {
      const appeal = await post(`${base}/appeals`, { reason: v.reason, demands: v.demands || undefined, evidenceIds: evidence.map(x => x.evidenceId) });
      show(await get(base), `Appeal ${appeal.appealId} submitted; the case is frozen until the operations manager resolves it.`);
    },
  });
}

function resolveForm(c, show) {
  const appeal = c.appeal;
  const outcomes = [
    ['resume', 'Resume', `The case goes back to ${stateLabel(c.state)} and its waiting time starts again.`],
    ['complete', 'Complete', 'The order is closed by hand and settled; the case is completed.'],
    ['close', 'Close', 'The case is closed without completion.'],
  ];
  const choices = h('fieldset', { class: 'choices' }, h('legend', {}, 'Outcome'),
    outcomes.map(([value, label, help], i) => {
      const id = uid('outcome');
      return h('div', { class: 'choice' }, h('input', { type: 'radio', name: 'outcome', value, id, required: true, checked: i === 0, 'aria-describedby': `${id}-help` }),
        h('div', {}, h('label', { for: id }, label), h('p', { class: 'hint', id: `${id}-help` }, help)));
    }));
  return actionForm({
    name: 'resolveAppeal', title: `Resolve appeal ${appeal.appealId}`,
    description: `Opened by the ${appeal.initiator} ${appeal.initiatorId} on ${fmtTime(appeal.openedAt)}.`,
    fields: [choices, { label: 'Note', name: 'note', type: 'textarea', required: true, hint: 'Recorded on the timeline; both parties see it.' }],
    submit: 'Resolve the appeal',
    onSubmit: async v => show(await post(`/api/appeals/${encodeURIComponent(appeal.appealId)}/resolution`, { outcome: v.outcome, note: v.note }),
      `Appeal ${appeal.appealId} resolved: ${v.outcome}.`),
  });
}

// ---- reports, appeal, timeline ----

function reportsTable(c, base) {
  return table([
    { label: 'File', cell: r => r.fileName },
    { label: 'Size', cell: r => fmtBytes(r.size) },
    { label: 'Uploaded', cell: r => fmtTime(r.uploadedAt) },
    { label: 'Status', cell: r => (r.locked ? 'Delivered (locked)' : 'Not delivered yet') },
    { label: 'SHA-256', cell: r => h('code', { title: r.sha256 }, `${r.sha256.slice(0, 12)}…`) },
    { label: 'Download', cell: r => downloadButton('Download', `${base}/reports/${encodeURIComponent(r.reportId)}`, r.fileName, `Download ${r.fileName}`) },
  ], c.reports ?? [], { caption: 'Reports', empty: 'No reports uploaded yet.' });
}

function appealDetails(c, role, base) {
  const a = c.appeal;
  const open = String(a.status).toLowerCase() === 'open';
  const evidenceNames = new Map((c.timeline ?? []).filter(t => t.action === 'evidence.uploaded').map(t => [t.sequence, t.reason]));
  const canDownload = role === 'ops' || role === 'buyer' || role === 'seller';
  return panel(open ? 'Open appeal' : 'Last appeal', facts([
    ['Appeal', a.appealId],
    ['By', `${a.initiator} ${a.initiatorId}`],
    ['Opened', fmtTime(a.openedAt)],
    ['Rule', a.rule],
    ['Reason', h('span', { class: 'pre' }, a.reason)],
    ['Demands', a.demands ? h('span', { class: 'pre' }, a.demands) : null],
    ['Evidence', a.evidenceIds?.length
      ? h('ul', { class: 'plain' }, a.evidenceIds.map((id, i) => h('li', {},
        canDownload ? downloadButton(`Evidence ${i + 1}`, `${base}/evidence/${encodeURIComponent(id)}`, id, `Download evidence ${i + 1}`) : id)))
      : 'None'],
    ['Status', open ? 'Open' : `Resolved: ${a.outcome} on ${fmtTime(a.resolvedAt)}`],
    ['Note', a.note ? h('span', { class: 'pre' }, a.note) : null],
    ['Evidence files', evidenceNames.size ? [...evidenceNames.values()].map(r => r?.split(' sha256=')[0]).join(', ') : null],
  ]));
}

function timelinePanel(c) {
  const items = [...(c.timeline ?? [])].sort((a, b) => a.sequence - b.sequence);
  return panel('Timeline',
    h('p', { class: c.timelineVerified ? 'ok' : 'bad', 'data-testid': 'timeline-verified' },
      c.timelineVerified ? '✓ The timeline is complete and unaltered (hash chain verified).' : '⚠ The timeline failed its hash check: an entry is missing or altered.'),
    h('ol', { class: 'timeline', 'data-testid': 'timeline' }, items.map(t => h('li', { 'data-action': t.action },
      h('div', { class: 'when' }, fmtTime(t.at)),
      h('div', { class: 'what' }, h('strong', {}, actionLabel(t.action)),
        t.fromState !== t.toState && t.toState ? ` · ${t.fromState ? `${stateLabel(t.fromState)} ` : ''}→ ${stateLabel(t.toState)}` : ''),
      h('div', { class: 'who' }, `${t.role} ${t.actor}`),
      t.reason ? h('div', { class: 'reason pre' }, t.reason) : null))));
}
