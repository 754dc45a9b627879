/**
 * The admin API client. The token (when the bridge has ADMIN_TOKEN) lives in sessionStorage: it stays for
 * this tab only and is sent as `Authorization: Bearer` to the page's own origin, nowhere else.
 */

const TOKEN_KEY = 'alertcord.adminToken';
/** How long a call may take unless its caller says otherwise: reads and queueing answer at once. */
const TIMEOUT_MS = 10_000;
/** Where the token lives when sessionStorage is disabled: this page only, until it is reloaded. */
let memoryToken = '';

/** The token kept for this tab, or '' when none. */
export function getToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? memoryToken;
  } catch {
    return memoryToken;
  }
}

/** Keeps the token for this tab ('' forgets it). */
export function setToken(token) {
  memoryToken = token;
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage disabled: the token then lasts until the page is reloaded (memoryToken).
  }
}

/**
 * The token as the UTF-8 bytes curl, Alertmanager and Grafana send, one character per byte: fetch takes
 * only Latin-1 header values (a token with `ł` or `€` threw before anything was sent), and the bridge reads
 * such a value back as UTF-8.
 * @param {string} text
 */
function headerBytes(text) {
  return Array.from(new TextEncoder().encode(text), (byte) => String.fromCharCode(byte)).join('');
}

/**
 * @typedef {{ ok: true, status: number, data: any } | { ok: false, status: number, code: string, message: string }} ApiResult
 */

/**
 * Calls `/api/<path>`. Never throws: failures come back as `{ ok: false, status, code, message }`, with
 * status 0 when the bridge did not answer, and the API's error envelope otherwise.
 * @param {string} path e.g. "status" or "history?limit=50"
 * @param {{ method?: string, body?: unknown, token?: string, timeoutMs?: number }} [options] `timeoutMs`: for
 *   a call that waits on Discord (default 10 s)
 * @returns {Promise<ApiResult>}
 */
export async function api(path, options = {}) {
  const token = options.token ?? getToken();
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${headerBytes(token)}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(`/api/${path}`, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      cache: 'no-store',
      credentials: 'same-origin',
      signal: AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS),
    });
  } catch (err) {
    return { ok: false, status: 0, code: 'unreachable', message: `alertcord did not answer (${err instanceof Error ? err.name : 'error'})` };
  }
  const data = await res.json().catch(() => undefined);
  if (res.ok) return { ok: true, status: res.status, data };
  const error = data && typeof data === 'object' && data.error && typeof data.error === 'object' ? data.error : {};
  return {
    ok: false,
    status: res.status,
    code: typeof error.code === 'string' ? error.code : `http_${res.status}`,
    message: typeof error.message === 'string' ? error.message : `HTTP ${res.status} ${res.statusText}`,
  };
}

/** Items of a list answer, whichever shape it has (`[...]`, `{ items }`, `{ entries }`). */
export function itemsOf(data) {
  if (Array.isArray(data)) return data;
  if (data && typeof data === 'object') {
    for (const key of ['items', 'entries', 'history', 'deadLetters']) if (Array.isArray(data[key])) return data[key];
  }
  return [];
}
