// The consumer's session: tokens in sessionStorage, claims read from the ID token.

const KEY = 'portal.session';
const events = new EventTarget();

/** The payload of a JWT (base64url JSON of the middle part); no verification, the server checks it. */
export function decodeJwt(token) {
  try {
    const part = String(token).split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), '='));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return {};
  }
}

function read() {
  try {
    const data = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    return data && data.idToken ? data : null;
  } catch {
    return null;
  }
}

function write(data) {
  try {
    if (data) sessionStorage.setItem(KEY, JSON.stringify(data));
    else sessionStorage.removeItem(KEY);
  } catch {
    // Storage unavailable (private mode): the session lives until the page is reloaded.
  }
  memory = data;
}

let memory = read();

// The portal's tabs share the session (docs/architecture.md «The session in the browser»).
const channel = self.BroadcastChannel ? new BroadcastChannel(KEY) : null;
const tell = (message) => channel?.postMessage(message);
const notify = (reason, authenticated) => events.dispatchEvent(new CustomEvent('change', { detail: { reason, authenticated } }));

if (!memory && channel) {
  const offered = new Promise((resolve) => {
    channel.onmessage = ({ data }) => data?.offer && resolve(data.offer);
    setTimeout(resolve, 150, null);
  });
  tell({ ask: true });
  const shared = await offered;
  if (shared) write(shared);
}
if (channel) {
  channel.onmessage = ({ data }) => {
    if (data?.ask) return memory && tell({ offer: memory });
    if (!data || !('session' in data) || (!data.session && !memory)) return;
    const reason = data.session && !memory ? 'login' : data.reason;
    write(data.session);
    notify(reason, Boolean(data.session));
  };
}

function current() {
  return memory;
}

/** Stores the answer of POST /api/auth/login (or /refresh): {id_token, access_token, refresh_token, expires_in}. */
export function save(tokens, reason = 'login') {
  const previous = current();
  const claims = decodeJwt(tokens.id_token);
  const expiresAt = claims.exp ? claims.exp * 1000 : Date.now() + (Number(tokens.expires_in) || 3600) * 1000;
  write({
    idToken: tokens.id_token,
    accessToken: tokens.access_token,
    // A refresh answer carries no new refresh token: keep the one we have.
    refreshToken: tokens.refresh_token || previous?.refreshToken || null,
    expiresAt,
  });
  tell({ session: memory, reason });
  notify(reason, true);
}

/** Forgets the tokens; reason: 'logout', 'expired', … (passed to change listeners). */
export function clear(reason = 'logout') {
  const had = current() !== null;
  write(null);
  tell({ session: null, reason });
  if (had) notify(reason, false);
}

export function isAuthenticated() {
  return current() !== null;
}

export function idToken() {
  return current()?.idToken ?? null;
}

export function refreshToken() {
  return current()?.refreshToken ?? null;
}

export function claims() {
  return decodeJwt(idToken());
}

export function email() {
  return claims().email ?? '';
}

/** True when the ID token has expired or will within `marginMs`. */
export function expiresSoon(marginMs = 30_000) {
  const data = current();
  return Boolean(data && data.expiresAt - marginMs <= Date.now());
}

/** Calls fn({reason, authenticated}) on login, refresh, logout and expiry; returns an unsubscribe function. */
export function onChange(fn) {
  const listener = (event) => fn(event.detail);
  events.addEventListener('change', listener);
  return () => events.removeEventListener('change', listener);
}
