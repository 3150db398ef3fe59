// Shared widgets: status and error messages, busy buttons, action forms, tables, uploads, downloads, countdowns.
import { h, mount, field, values, uid } from './dom.js';
import { ApiError, download, upload } from './api.js';
import { fmtBytes, fmtDuration, fmtDurationWords, stateLabel } from './format.js';

const statusEl = () => document.getElementById('status');
const alertEl = () => document.getElementById('alert');

let statusTimer;
/** A polite status message ("Requirement submitted."); it clears itself after a while. */
export function say(text) {
  alertEl().replaceChildren();
  alertEl().hidden = true;
  mount(statusEl(), text);
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => statusEl().replaceChildren(), 15_000);
}

const errorText = err => [
  h('strong', {}, err instanceof ApiError && err.status >= 500 ? 'Something went wrong on the server. ' : 'That did not work. '),
  err instanceof ApiError ? err.detail : (err?.message || String(err)),
];

/** An error for people: the problem+json detail in plain words (never a stack or a code alone). */
export function fail(err) {
  statusEl().replaceChildren();
  const box = alertEl();
  box.hidden = false;
  mount(box, ...errorText(err));
}

/** The error next to the form or widget it belongs to (where the person is looking), else at the top of the page. */
export function failNear(err, control) {
  const box = control?.isConnected ? control.closest('form, .action, .dropzone') : null;
  if (!box) { fail(err); return; }
  clearNear(box);
  statusEl().replaceChildren();
  box.append(h('p', { class: 'form-error', role: 'alert' }, ...errorText(err)));
}

const clearNear = box => box?.querySelectorAll(':scope > .form-error').forEach(e => e.remove());

export function clearMessages() {
  statusEl().replaceChildren();
  alertEl().replaceChildren();
  alertEl().hidden = true;
}

/** Runs an async action with the control marked busy; errors are shown; resolves with the action's result. */
export async function busy(control, action) {
  const form = control.closest?.('form');
  const targets = form ? [...form.querySelectorAll('button, input, select, textarea')] : [control];
  targets.forEach(t => { t.dataset.wasDisabled = t.disabled ? '1' : ''; t.disabled = true; });
  control.setAttribute('aria-busy', 'true');
  clearNear(control.closest?.('form, .action, .dropzone'));
  try {
    return await action();
  } catch (err) {
    failNear(err, control);
    return undefined;
  } finally {
    control.removeAttribute('aria-busy');
    targets.forEach(t => { if (t.isConnected) t.disabled = t.dataset.wasDisabled === '1'; });
  }
}

/** A button whose click runs an async action. */
export function actionButton(label, action, { kind = 'primary', describedBy, name } = {}) {
  const b = h('button', { type: 'button', class: kind, 'aria-describedby': describedBy, 'data-action': name }, label);
  b.addEventListener('click', () => busy(b, () => action(b)));
  return b;
}

/**
 * A titled form: fields (see dom.field) or nodes; onSubmit(values, form) runs with the form busy.
 * { title, description, fields, submit, kind, name, onSubmit }
 */
export function actionForm({ title, description, fields = [], submit, kind = 'primary', name, onSubmit }) {
  const headingId = uid('h');
  const form = h('form', { class: 'action', 'aria-labelledby': title ? headingId : undefined, 'data-action': name, novalidate: false },
    title ? h('h3', { id: headingId }, title) : null,
    description ? h('p', { class: 'hint' }, description) : null,
    fields.map(f => (f instanceof Node ? f : field(f))),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: kind }, submit)));
  form.addEventListener('submit', e => {
    e.preventDefault();
    if (!form.reportValidity()) return;
    const button = form.querySelector('button[type=submit]');
    const v = values(form); // before busy() disables the controls (disabled controls are not in FormData)
    busy(button, () => onSubmit(v, form));
  });
  return form;
}

/** A section with a heading. */
export const panel = (title, ...children) => {
  const id = uid('p');
  return h('section', { class: 'panel', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
};

export const loading = (what = 'Loading') => h('p', { class: 'loading', role: 'status' }, `${what}…`);

/** A route this server does not offer yet (404 route.not-found). */
export const notAvailable = (what, route) =>
  h('div', { class: 'notice', 'data-not-available': route },
    h('p', {}, h('strong', {}, `${what}: not available on this server yet. `),
      `The server does not offer ${route}; this page works as soon as it does.`));

export const stateBadge = state =>
  h('span', { class: `badge state-${String(state).toLowerCase()}` }, stateLabel(state));

/** A table that stacks into labelled rows on narrow screens. columns: [{ label, cell(row) → node|text }]. */
export function table(columns, rows, { caption, empty = 'Nothing here yet.', rowClass } = {}) {
  if (!rows.length) return h('p', { class: 'empty' }, empty);
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'rows' },
      caption ? h('caption', { class: 'sr-only' }, caption) : null,
      h('thead', {}, h('tr', {}, columns.map(c => h('th', { scope: 'col' }, c.label)))),
      h('tbody', {}, rows.map(r => h('tr', { class: rowClass?.(r) }, columns.map(c => h('td', { 'data-label': c.label }, h('div', { class: 'cell' }, c.cell(r)))))))));
}

/** Description list from [label, value] pairs (values null/undefined are left out). */
export const facts = pairs =>
  h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))));

/** A download that sends the bearer token (fetch + blob URL). */
export const downloadButton = (label, path, fileName, accessibleName) => {
  const b = h('button', { type: 'button', class: 'link', 'aria-label': accessibleName }, label);
  b.addEventListener('click', () => busy(b, async () => say(`Downloaded ${await download(path, fileName)}.`)));
  return b;
};

/**
 * A file drop zone with a file picker and a progress bar. onUpload(file, onProgress) uploads one file.
 * { label, hint, multiple, accept, name, onUpload, onDone(results) }
 */
export function dropZone({ label, hint, multiple = false, accept, name, onUpload, onDone }) {
  const inputId = uid('file');
  const input = h('input', { type: 'file', id: inputId, class: 'file-input', multiple, accept, 'data-upload': name });
  const progress = h('progress', { max: 100, value: 0, hidden: true, 'aria-label': 'Upload progress' });
  const progressText = h('span', { class: 'progress-text', 'aria-live': 'polite' });
  const zone = h('div', { class: 'dropzone', 'data-dropzone': name },
    h('p', {}, h('strong', {}, label)),
    h('p', { class: 'hint' }, `Drag and drop ${multiple ? 'files' : 'a file'} here, or use the file picker.`),
    h('div', { class: 'field' }, h('label', { for: inputId }, multiple ? 'Files' : 'File'), input),
    hint ? h('p', { class: 'hint' }, hint) : null,
    h('div', { class: 'progress' }, progress, progressText));

  async function send(files) {
    if (!files.length) return;
    clearNear(zone);
    const results = [];
    progress.hidden = false;
    input.disabled = true;
    try {
      for (const file of files) {
        progress.value = 0;
        progressText.textContent = `Uploading ${file.name} (${fmtBytes(file.size)})…`;
        const result = await onUpload(file, fraction => {
          progress.value = Math.round(fraction * 100);
          progress.setAttribute('aria-valuetext', `${progress.value}% of ${file.name}`);
        });
        results.push(result);
        progressText.textContent = `Uploaded ${file.name}.`;
      }
      onDone?.(results);
    } catch (err) {
      progressText.textContent = 'Upload failed.';
      failNear(err, input);
    } finally {
      input.disabled = false;
      input.value = '';
    }
  }

  input.addEventListener('change', () => send([...input.files]));
  zone.addEventListener('dragover', e => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', e => {
    e.preventDefault();
    zone.classList.remove('over');
    const files = [...(e.dataTransfer?.files ?? [])];
    send(multiple ? files : files.slice(0, 1));
  });
  return zone;
}

/** Uploads with a progress callback: the route takes the raw bytes at PUT {base}/{fileName}. */
export const uploadTo = base => (file, onProgress) => upload(`${base}/${encodeURIComponent(file.name)}`, file, onProgress);

/**
 * A live countdown to `targetIso`: text "4 d 03:12:09", updated every second while the element is on the page;
 * onDone runs once when it reaches zero.
 */
export function countdown(targetIso, onDone) {
  const target = Date.parse(targetIso);
  const el = h('span', { class: 'countdown', role: 'timer', 'aria-live': 'off' });
  let done = false;
  const tick = () => {
    const left = target - Date.now();
    el.textContent = fmtDuration(left);
    el.setAttribute('aria-label', fmtDurationWords(left));
    if (left <= 0 && !done) { done = true; clearInterval(timer); onDone?.(); }
  };
  const timer = setInterval(() => { if (!el.isConnected && el.dataset.started) clearInterval(timer); else { el.dataset.started = '1'; tick(); } }, 1000);
  tick();
  return el;
}

/** A page heading that takes the focus after navigation, so keyboard and screen-reader users start there. */
export const pageTitle = (text, ...extra) => h('h1', { tabindex: '-1', class: 'page-title' }, text, ...extra);
