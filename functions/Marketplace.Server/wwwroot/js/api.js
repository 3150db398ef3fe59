// The public JSON API, with the bearer token. Errors are application/problem+json: ApiError carries its detail
// (plain words, shown to people) and its stable code (used to choose what to do, e.g. route.not-found).
import { session, expireSession } from './auth.js';

export class ApiError extends Error {
  constructor(status, code, detail, title) {
    super(detail || title || `HTTP ${status}`);
    this.status = status;
    this.code = code || `http.${status}`;
    this.detail = detail || title || `The server answered ${status}.`;
  }
}

/** The route does not exist on this server (e.g. a feature not deployed yet): the page says "not available". */
export const isNotAvailable = err => err instanceof ApiError && err.status === 404 && err.code === 'route.not-found';

function authHeaders() {
  const s = session();
  return s ? { Authorization: `Bearer ${s.token}` } : {};
}

/** A fresh Idempotency-Key for one person's action (a retry of the same request is answered once). */
export function newKey() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, x => x.toString(16).padStart(2, '0')).join('');
}

export async function problemOf(response) {
  let body = null;
  try {
    if ((response.headers.get('content-type') || '').includes('json')) body = await response.json();
  } catch { /* not JSON after all */ }
  if (response.status === 401) expireSession();
  return new ApiError(response.status, body?.code, body?.detail, body?.title ?? response.statusText);
}

/** api('GET', '/api/cases') → parsed JSON (null for an empty answer); throws ApiError. */
export async function api(method, path, body) {
  const headers = { Accept: 'application/json', ...authHeaders() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method === 'POST') headers['Idempotency-Key'] = newKey();
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network.unreachable', 'The server cannot be reached. Check your connection and try again.');
  }
  if (!response.ok) throw await problemOf(response);
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

export const get = path => api('GET', path);
export const post = (path, body = {}) => api('POST', path, body);

const TYPES = {
  pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp',
  zip: 'application/zip', doc: 'application/msword', xls: 'application/vnd.ms-excel', ppt: 'application/vnd.ms-powerpoint',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

export const contentTypeOf = file =>
  file.type || TYPES[(file.name.split('.').pop() || '').toLowerCase()] || 'application/octet-stream';

/**
 * PUTs a file's raw bytes with upload progress (fetch has none): onProgress(fraction 0..1).
 * Resolves with the JSON answer, rejects with ApiError.
 */
export function upload(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', path);
    const auth = authHeaders();
    if (auth.Authorization) xhr.setRequestHeader('Authorization', auth.Authorization);
    xhr.setRequestHeader('Content-Type', contentTypeOf(file));
    xhr.upload.onprogress = e => { if (e.lengthComputable) onProgress?.(e.loaded / e.total); };
    xhr.onerror = () => reject(new ApiError(0, 'network.unreachable', 'The upload did not reach the server. Try again.'));
    xhr.onload = () => {
      let body = null;
      try { body = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { /* keep null */ }
      if (xhr.status >= 200 && xhr.status < 300) { onProgress?.(1); resolve(body); return; }
      if (xhr.status === 401) expireSession();
      reject(new ApiError(xhr.status, body?.code, body?.detail, body?.title ?? xhr.statusText));
    };
    xhr.send(file);
  });
}

/** Downloads with the bearer token (a plain link cannot send it): fetch → blob URL → a click on a temporary link. Resolves with the file name. */
export async function download(path, fileName) {
  let response;
  try {
    response = await fetch(path, { headers: authHeaders() });
  } catch {
    throw new ApiError(0, 'network.unreachable', 'The server cannot be reached. Check your connection and try again.');
  }
  if (!response.ok) throw await problemOf(response);
  fileName = fileNameOf(response.headers.get('content-disposition')) ?? fileName;
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return fileName;
}

/** The file name a Content-Disposition header gives (filename* in UTF-8 first), or null. */
export function fileNameOf(header) {
  if (!header) return null;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (star) { try { return decodeURIComponent(star[1].trim()); } catch { /* fall through */ } }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header);
  return plain ? plain[1].trim() : null;
}
