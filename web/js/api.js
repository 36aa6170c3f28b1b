// The one way the site talks to /api: JSON in and out, the bearer token, problem details as ApiError,
// one token refresh on 401 and a clean sign-out when the session cannot be renewed.

import * as session from './session.js';

export const SESSION_EXPIRED = 'Сессия истекла, войдите снова.';

/** An error answer of the API (RFC 9457 problem details) or a network failure (status 0). */
export class ApiError extends Error {
  constructor(status, problem = {}) {
    super(problem.detail || problem.title || 'Не удалось выполнить запрос.');
    this.name = 'ApiError';
    this.status = status;
    this.title = problem.title || '';
    this.detail = problem.detail || this.message;
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
    this.problem = problem;
    this.expired = false;
  }
}

function expiredError() {
  const error = new ApiError(401, { title: 'Требуется вход', detail: SESSION_EXPIRED });
  error.expired = true;
  return error;
}

async function parse(response) {
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  const text = await response.text();
  if (!text) return null;
  if (type.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  }
  return text;
}

async function send(path, { method, body, headers, token, signal }) {
  const init = { method, headers: { Accept: 'application/json, application/problem+json', ...headers }, signal };
  if (body !== undefined && body !== null) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (token) init.headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, {
      title: 'Нет связи',
      detail: 'Нет связи с сервером. Проверьте подключение к интернету и повторите попытку.',
    });
  }
  const data = await parse(response);
  if (response.ok) return { status: response.status, data };
  const problem =
    data && typeof data === 'object'
      ? data
      : { title: 'Ошибка', detail: `Сервер ответил ошибкой ${response.status}. Повторите попытку позже.` };
  throw new ApiError(response.status, problem);
}

let refreshing = null;

/** Renews the ID and access tokens once, however many calls ask at the same time. */
function refreshSession() {
  const token = session.refreshToken();
  if (!token) return Promise.resolve(false);
  refreshing ??= send('/api/auth/refresh', { method: 'POST', body: { refresh_token: token } })
    .then(({ data }) => {
      session.save(data, 'refresh');
      return true;
    })
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

function expire() {
  session.clear('expired');
  return expiredError();
}

/**
 * request('/api/profile') → the parsed JSON (null for 204).
 * Options: method, body (sent as JSON), headers, signal, auth (default true: send the bearer token,
 * refresh it once on 401), expire (default true: when the session cannot be renewed, sign out and
 * let the app show the login form with «Сессия истекла, войдите снова»).
 */
export async function request(path, { method = 'GET', body, headers = {}, signal, auth = true, expire: canExpire = true } = {}) {
  if (!auth) return (await send(path, { method, body, headers, signal })).data;
  if (!session.isAuthenticated()) throw expiredError();
  if (session.expiresSoon()) await refreshSession();
  try {
    return (await send(path, { method, body, headers, signal, token: session.idToken() })).data;
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    if (await refreshSession()) {
      try {
        return (await send(path, { method, body, headers, signal, token: session.idToken() })).data;
      } catch (retryError) {
        if (!(retryError instanceof ApiError) || retryError.status !== 401) throw retryError;
      }
    }
    if (!canExpire) throw error;
    throw expire();
  }
}

export const get = (path, options) => request(path, { ...options, method: 'GET' });
export const post = (path, body, options) => request(path, { ...options, method: 'POST', body });
export const patch = (path, body, options) => request(path, { ...options, method: 'PATCH', body });
export const del = (path, options) => request(path, { ...options, method: 'DELETE' });
