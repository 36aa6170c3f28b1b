// A request's conversation: the thread oldest first (documents with their kind), the reply form
// («Ответить», files through presigned uploads) and the withdrawal. requests-detail.js places it.

import * as api from '../api.js';
import { ApiError } from '../api.js';
import { el } from '../dom.js';
import { bindForm } from '../forms.js';
import { formatDateTime } from '../format.js';
import { formatSize } from './requests-ui.js';
import { upload } from './uploads.js';

const CLOSED = new Set(['done', 'rejected', 'withdrawn', 'redirected']);

const newKey = () => crypto.randomUUID(); // the portal is served over HTTPS (or localhost)

/** Every message, oldest first (pages of 100). */
async function messages(requestId, signal) {
  const items = [];
  let cursor = null;
  do {
    const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
    const page = await api.get(`/api/requests/${encodeURIComponent(requestId)}/messages${query}`, { signal });
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return items;
}

const field = (...children) => el('div', { class: 'field' }, ...children);

function messageItem(m) {
  const mine = m.author === 'consumer';
  const name = (f) => (m.kind_title ? `${m.kind_title}: ${f.filename}` : f.filename);
  return el(
    'li',
    { class: `req-message ${mine ? 'req-mine' : 'req-theirs'}` },
    el('p', { class: 'req-message-head' }, el('strong', {}, mine ? 'Вы' : m.author_title), ' · ', el('time', { datetime: m.at }, formatDateTime(m.at)), m.kind_title ? el('span', { class: 'req-doc-kind' }, m.kind_title) : null),
    m.text ? el('p', { class: 'req-text' }, m.text) : null,
    el('ul', { class: 'req-files' }, m.attachments.map((f) => el('li', {}, el('a', { href: f.url, download: f.filename }, name(f)), ` — ${formatSize(f.size)}`))),
  );
}

function replyForm(request, { signal, reload }) {
  let key = newKey(); // one per message: a repeated «Ответить» cannot post it twice
  const uploaded = new Map();
  const chosen = el('ul', { class: 'req-files', 'aria-live': 'polite' });
  const files = el('input', { id: 'reply-files', name: 'attachments', type: 'file', multiple: true, accept: '.pdf,.jpg,.jpeg,.png,.tif,.tiff', 'aria-describedby': 'reply-files-hint' });
  files.addEventListener('change', () => {
    chosen.replaceChildren(...[...files.files].map((f) => el('li', {}, `${f.name} — ${formatSize(f.size)}`)));
  });
  const hint = request.status === 'needs_info' ? 'После ответа заявка вернётся на рассмотрение.' : 'Вопрос или дополнение к заявке.';
  const form = el(
    'form',
    { id: 'reply-form', class: 'form', method: 'post', novalidate: true },
    field(el('label', { for: 'reply-text' }, 'Ваше сообщение'), el('textarea', { id: 'reply-text', name: 'text', rows: 4, maxlength: 5000, 'aria-describedby': 'reply-text-hint' }), el('p', { class: 'hint', id: 'reply-text-hint' }, hint)),
    field(el('label', { for: 'reply-files' }, 'Выберите файл'), files, el('p', { class: 'hint', id: 'reply-files-hint' }, 'PDF, JPEG, PNG или TIFF, до 10 МБ, не больше 5 файлов.'), chosen),
    el('button', { type: 'submit', class: 'btn btn-primary' }, 'Ответить'),
  );
  bindForm(form, async (data) => {
    const attachments = await upload([...files.files], uploaded, signal, 'Ответить', true);
    try {
      await api.post(
        `/api/requests/${encodeURIComponent(request.id)}/messages`,
        { text: data.text, attachments },
        { signal, headers: { 'Idempotency-Key': key } },
      );
    } catch (error) {
      // attachments.0 etc. are shown at the file input
      if (error instanceof ApiError) error.errors = error.errors.map((e) => ({ ...e, field: e.field.startsWith('attachments') ? 'attachments' : e.field }));
      throw error;
    }
    key = newKey();
    await reload('Сообщение отправлено.');
  });
  return form;
}

function withdrawForm(request, { signal, reload }) {
  const form = el(
    'form',
    { id: 'withdraw-form', class: 'form', method: 'post', novalidate: true },
    field(el('label', { for: 'withdraw-reason', class: 'required' }, 'Причина отзыва'), el('textarea', { id: 'withdraw-reason', name: 'reason', rows: 3, maxlength: 2000, required: true })),
    el('button', { type: 'submit', class: 'btn btn-secondary' }, 'Отозвать заявку'),
  );
  bindForm(form, async (data) => {
    await api.post(`/api/requests/${encodeURIComponent(request.id)}/withdraw`, data, { signal });
    await reload('Заявка отозвана.');
  });
  return el(
    'details',
    { class: 'req-withdraw' },
    el('summary', {}, 'Отозвать заявку'),
    el('p', { class: 'hint' }, 'Отзыв нельзя отменить.'),
    form,
  );
}

/**
 * The conversation: [the company's question with the reply form, when it asks (first on the page),
 * the thread's section]. `reload(text)` draws the page again, showing `text`.
 */
export async function conversation(request, { signal, reload }) {
  const thread = await messages(request.id, signal);
  const open = !CLOSED.has(request.status);
  const asked = request.status === 'needs_info' ? request.history.findLast((h) => h.status === 'needs_info') : null;
  const reply = open ? replyForm(request, { signal, reload }) : el('p', { class: 'muted' }, 'Заявка закрыта: сообщения по ней больше не принимаются.');
  const question = asked
    ? el(
        'section',
        { class: 'card req-asked', id: 'req-asked', 'aria-labelledby': 'req-asked-title' },
        el('h2', { id: 'req-asked-title' }, 'Компания просит уточнений'),
        el('p', { class: 'req-question' }, asked.comment || 'Ответьте на вопрос компании в переписке ниже.'),
        reply,
      )
    : null;
  return [
    question,
    el(
      'section',
      { class: 'card req-conversation', 'aria-labelledby': 'req-thread' },
      el('h2', { id: 'req-thread' }, 'Переписка по заявке'),
      thread.length ? el('ol', { class: 'req-thread' }, thread.map(messageItem)) : el('p', { class: 'muted' }, 'Сообщений пока нет.'),
      question ? null : reply,
      open ? withdrawForm(request, { signal, reload }) : null,
    ),
  ];
}
