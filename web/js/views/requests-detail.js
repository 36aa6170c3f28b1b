// A request's page: its fields, its files (short-lived download links) and the history of statuses.

import * as api from '../api.js';
import * as router from '../router.js';
import * as session from '../session.js';
import { el, message, pageTitle } from '../dom.js';
import { formatDate, formatDateTime } from '../format.js';
import { stagesTimeline } from './connection-stages.js';
import { conversation } from './request-thread.js';
import { backLink, formatSize, statusBadge, useStyles } from './requests-ui.js';

// A file link's presigned URL may have expired while the page stood open: fresh-links.js checks,
// and fetches a new one instead of failing (once, from the first request page opened).
document.addEventListener('click', (event) => {
  const link = event.target.closest?.('a[download][href*="X-Amz-Expires"]');
  if (!link || link.dataset.checked) return;
  event.preventDefault();
  import('../fresh-links.js').then((m) => m.follow(link, router.render));
});

const row = (term, value) => el('div', { class: 'details-row' }, el('dt', {}, term), el('dd', {}, value));

/** «Кузнецова Мария Петровна, maria@example.ru»: who filed it, for the printed page too. */
async function filedBy(signal) {
  const profile = await api.get('/api/profile', { signal }).catch((error) => {
    if (error?.name === 'AbortError' || error?.expired) throw error;
    return {};
  });
  return [profile.full_name || profile.org_name, session.email()].filter(Boolean).join(', ');
}

export async function render(root, { params, signal }) {
  useStyles();
  if (!document.querySelector('link[href="/css/request-page.css"]')) document.head.append(el('link', { rel: 'stylesheet', href: '/css/request-page.css' }));
  if (!document.querySelector('link[href="/css/print.css"]')) {
    document.head.append(el('link', { rel: 'stylesheet', href: '/css/print.css', media: 'print' }));
  }
  let request;
  let filer;
  try {
    [request, filer] = await Promise.all([api.get(`/api/requests/${encodeURIComponent(params.id)}`, { signal }), filedBy(signal)]);
  } catch (error) {
    if (error?.status !== 404) throw error;
    root.append(...pageTitle('Заявка не найдена'), message('Такой заявки нет среди ваших заявок.', 'error'), backLink());
    return;
  }
  // The outage the company linked the request to (a report of no power): its restoration estimate.
  const outage = request.outage_id
    ? await api.get(`/api/outages/${encodeURIComponent(request.outage_id)}`, { signal, auth: false }).catch((error) => {
        if (error?.name === 'AbortError') throw error;
        return null;
      })
    : null;
  const [question, thread] = await conversation(request, { signal, reload: (text) => reload(root, { params, signal }, text) });
  root.append(
    ...pageTitle(`Заявка № ${request.number}`, request.type_title),
    // What the company asks comes first; the request's data folds away then.
    question || '',
    outage
      ? el(
          'section',
          { class: 'card req-outage', 'aria-labelledby': 'req-outage' },
          el('h2', { id: 'req-outage' }, outage.kind === 'emergency' ? 'Аварийное отключение' : 'Плановое отключение'),
          el(
            'p',
            {},
            outage.status === 'withdrawn'
              ? 'Сетевая компания отозвала это отключение.'
              : (outage.kind === 'emergency' ? 'Восстановление электроснабжения ожидается ' : 'Электроснабжение будет восстановлено ') + formatDateTime(outage.ends_at) + '.',
          ),
          el('p', { class: 'muted' }, 'Причина: ' + outage.reason),
        )
      : '',
    el(
      'div',
      { class: 'grid-2' },
      el(
        'section',
        { class: 'card', 'aria-labelledby': 'req-data' },
        el(
          'details',
          { class: 'req-data', open: !question },
          el('summary', {}, el('h2', { id: 'req-data' }, 'Данные заявки')),
          el(
            'dl',
            { class: 'details' },
            row('Статус', statusBadge(request)),
            row('Кем подана', filer),
            row('Дата подачи', formatDateTime(request.created_at)),
            row('Ориентировочный срок рассмотрения', `до ${formatDate(request.review_deadline)}`),
            request.field_rows.map((f) => row(f.title, f.value)),
          ),
          el('h3', {}, 'Текст заявки'),
          el('p', { class: 'req-text' }, request.text),
          el('h3', {}, 'Файлы'),
          request.attachments.length
            ? el(
                'ul',
                { class: 'req-files' },
                request.attachments.map((f) =>
                  el('li', {}, el('a', { href: f.url, download: f.filename }, f.filename), ` — ${formatSize(f.size)}`),
                ),
              )
            : el('p', { class: 'muted' }, 'Файлы не приложены.'),
        ),
      ),
      el(
        'section',
        { class: 'card', 'aria-labelledby': 'req-history' },
        el('h2', { id: 'req-history' }, 'История статусов'),
        el(
          'ol',
          { class: 'req-history' },
          request.history.map((h) =>
            el(
              'li',
              {},
              el('time', { datetime: h.at }, formatDateTime(h.at)),
              el('strong', {}, h.status_title),
              h.comment ? el('p', {}, h.comment) : null,
            ),
          ),
        ),
      ),
    ),
    request.procedure ? stagesTimeline(request.procedure) : '',
    thread,
    backLink(),
  );
}

/** Draws the page again after the conversation changed the request, with `text` as its status. */
async function reload(root, context, text) {
  root.replaceChildren();
  await render(root, context);
  const shown = message(text, 'success');
  shown.tabIndex = -1;
  (root.querySelector('#req-asked-title') || root.querySelector('#req-thread'))?.after(shown);
  shown.focus();
}
