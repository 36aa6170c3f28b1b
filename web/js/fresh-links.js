// A file link of a request (its presigned S3 URL lives 5 minutes) clicked after it expired: the
// request and its thread are read again and the link with the same file (the same S3 key, the URL's
// path) gets its fresh URL. Loaded by views/requests-detail.js at the first click on a presigned link.

import * as api from './api.js';

function urls(value, found = []) {
  if (typeof value === 'string' && /^https?:\/\//.test(value) && value.includes('X-Amz-')) found.push(value);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) urls(item, found);
  return found;
}

/** The fresh URL of the file `href` names, from the request the page shows; null when none. */
export async function freshUrl(href) {
  const open = window.location.hash.match(/^#\/requests\/([^/?]+)/);
  if (!open) return null;
  const id = encodeURIComponent(decodeURIComponent(open[1]));
  const [request, thread] = await Promise.all([api.get(`/api/requests/${id}`), api.get(`/api/requests/${id}/messages`).catch(() => null)]);
  const key = new URL(href, window.location.href).pathname;
  return urls([request, thread]).find((url) => new URL(url).pathname === key) || null;
}

/** A presigned link past its X-Amz-Date + X-Amz-Expires (less 15 s for the way to S3): true. */
export function expired(href, now = Date.now()) {
  const url = new URL(href, window.location.href);
  const [signed, seconds] = [url.searchParams.get('X-Amz-Date'), Number(url.searchParams.get('X-Amz-Expires'))];
  if (!signed || !seconds) return false;
  const at = Date.UTC(+signed.slice(0, 4), +signed.slice(4, 6) - 1, +signed.slice(6, 8), +signed.slice(9, 11), +signed.slice(11, 13), +signed.slice(13, 15));
  return now > at + (seconds - 15) * 1000;
}

/** Follows `link` (the app held its click back): as it is while valid, else with a fresh URL; when
 * none is found, `rerender()` draws the page again with fresh links. */
export async function follow(link, rerender) {
  if (expired(link.href)) {
    const url = await freshUrl(link.href).catch(() => null);
    if (!url) return rerender();
    link.href = url;
  }
  link.dataset.checked = '1';
  link.click();
  delete link.dataset.checked;
  return undefined;
}
