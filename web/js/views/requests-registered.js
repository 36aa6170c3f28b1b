// «Заявка зарегистрирована»: the number and the deadline of a request just filed, at an address of its
// own (#/requests/<id>/registered) so that a reload shows it again instead of an empty form.

import * as api from '../api.js';
import { el, message, pageTitle } from '../dom.js';
import { formatDate } from '../format.js';
import { backLink, useStyles } from './requests-ui.js';

// What to attach: the documents of the request's procedure (a connection's, ПП № 861, п. 10).
function documentsToAttach(request) {
  const documents = request.procedure?.documents;
  if (!documents?.length) return '';
  return el(
    'section',
    { class: 'card', id: 'req-documents', 'aria-labelledby': 'req-documents-title' },
    el('h2', { id: 'req-documents-title' }, 'Что приложить к заявке'),
    el('p', {}, `${request.procedure.title} — ${request.procedure.clause}.`),
    el('ul', {}, documents.map((d) => el('li', {}, d))),
    el('p', { class: 'hint' }, 'Если чего-то не хватает, сетевая компания запросит документы в течение 3 рабочих дней (ПП № 861, п. 15).'),
  );
}

/** Fills root with the confirmation of `request` ({id, number, review_deadline, type_title, fields})
 * and what to attach by its procedure, if it has one. */
export function showRegistered(root, request) {
  root.replaceChildren(
    ...pageTitle('Заявка зарегистрирована', request.type_title),
    el(
      'div',
      { class: 'card req-success', role: 'status' },
      el(
        'dl',
        { class: 'details' },
        el('div', { class: 'details-row' }, el('dt', {}, 'Номер заявки'), el('dd', { class: 'req-big' }, request.number)),
        el('div', { class: 'details-row' }, el('dt', {}, 'Ориентировочный срок рассмотрения'), el('dd', {}, `до ${formatDate(request.review_deadline)}`)),
      ),
      el('p', {}, 'Эта же информация отправлена вам на электронную почту.'),
    ),
    documentsToAttach(request),
    el(
      'p',
      { class: 'req-actions' },
      el('a', { class: 'btn btn-primary', href: `#/requests/${request.id}` }, 'Открыть заявку'),
      el('a', { class: 'btn btn-secondary', href: '#/requests' }, 'Все заявки'),
    ),
  );
}

export async function render(root, { params, signal }) {
  useStyles();
  let request;
  try {
    request = await api.get(`/api/requests/${encodeURIComponent(params.id)}`, { signal });
  } catch (error) {
    if (error?.status !== 404) throw error;
    root.append(...pageTitle('Заявка не найдена'), message('Такой заявки нет среди ваших заявок.', 'error'), backLink());
    return;
  }
  showRegistered(root, request);
}
