// Tiny DOM helpers: elements are built with text nodes only (no innerHTML), so data from the API is never markup.

/**
 * h('button', { class: 'primary', onclick: fn, 'aria-label': 'x' }, 'Text', child, [more])
 * Attributes: class, for (htmlFor), dataset via data-*, boolean attributes as true/false, on* as listeners.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name === 'for') el.htmlFor = value;
    else if (name === 'value') el.value = value;
    else if (name === 'checked') el.checked = !!value;
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let idCounter = 0;
/** A unique id for label/input pairs. */
export const uid = (prefix = 'f') => `${prefix}-${++idCounter}`;

/** A labelled form field: { label, name, type, required, hint, options, value, rows }. */
export function field({ label, name, type = 'text', required = false, hint, options, value, rows, autocomplete, placeholder, accept, multiple, maxlength }) {
  const id = uid(name);
  const hintId = hint ? `${id}-hint` : undefined;
  let control;
  if (type === 'textarea') {
    control = h('textarea', { id, name, required, rows: rows ?? 3, 'aria-describedby': hintId, placeholder, maxlength }, value ?? '');
  } else if (type === 'select') {
    control = h('select', { id, name, required, 'aria-describedby': hintId },
      options.map(o => (typeof o === 'string' ? { value: o, label: o } : o))
        .map(o => h('option', { value: o.value, selected: o.value === value }, o.label)));
  } else {
    control = h('input', { id, name, type, required, value, 'aria-describedby': hintId, autocomplete, placeholder, accept, multiple, maxlength });
  }
  return h('div', { class: 'field' },
    h('label', { for: id }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    control,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null);
}

/** The form's values as a plain object (trimmed strings). */
export function values(form) {
  const out = {};
  for (const [k, v] of new FormData(form).entries()) if (typeof v === 'string') out[k] = v.trim();
  return out;
}
