// What the «Заявки» pages share: their styles, the request types (fetched once), status badges, sizes.

import * as api from '../api.js';
import { el } from '../dom.js';
import { formatNumber, upToWorkingDays, workingDays } from '../format.js';

export function useStyles() {
  if (!document.querySelector('link[href="/css/requests.css"]')) {
    document.head.append(el('link', { rel: 'stylesheet', href: '/css/requests.css' }));
  }
}

let types = null;

/** The request types, in display order, with their form schemas; asked once per page load. */
export function requestTypes(signal) {
  types ??= api.get('/api/requests/types', { signal }).then(
    (body) => body.types,
    (error) => {
      types = null;
      throw error;
    },
  );
  return types;
}

export const statusBadge = (item) => el('span', { class: `req-status req-${item.status}` }, item.status_title);

/** 850 Б, 12 КБ, 1,2 МБ */
export function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} Б`;
  if (bytes < 1024 * 1024) return `${formatNumber(bytes / 1024, { max: 0 })} КБ`;
  return `${formatNumber(bytes / 1024 / 1024, { max: 1 })} МБ`;
}

export const backLink = () => el('p', {}, el('a', { href: '#/requests' }, '← Все заявки'));

export { upToWorkingDays, workingDays };
