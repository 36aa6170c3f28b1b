// «Заявки»: «Создание заявки» (a tile per type) and, below, all the consumer's requests, newest first.

import * as api from '../api.js';
import { el, failure, loading, message, pageTitle } from '../dom.js';
import { formatShortDate, typeReviewTerm } from '../format.js';
import { requestTypes, statusBadge, useStyles } from './requests-ui.js';

function tiles(types) {
  return el(
    'ul',
    { class: 'cards req-types' },
    types.map((type) =>
      el(
        'li',
        { class: 'card link-card' },
        el('h3', {}, el('a', { href: `#/requests/new/${type.code}` }, type.title)),
        el('p', { class: 'muted' }, typeReviewTerm(type)),
      ),
    ),
  );
}

function row(item) {
  return el(
    'li',
    { class: 'req-row' },
    el('a', { href: `#/requests/${item.id}`, class: 'req-number' }, `№ ${item.number}`),
    el('span', { class: 'req-type' }, item.type_title),
    el('span', { class: 'req-date' }, `от ${formatShortDate(item.created_at)}`),
    statusBadge(item),
  );
}

async function fill(box, signal) {
  const list = el('ul', { class: 'req-list', 'aria-label': 'Мои заявки' });
  const more = el('button', { type: 'button', class: 'btn btn-secondary', hidden: true }, 'Показать ещё');
  let cursor = null;
  const load = async () => {
    const page = await api.get('/api/requests' + (cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''), { signal });
    list.append(...page.items.map(row));
    cursor = page.cursor;
    more.hidden = !cursor;
    return page;
  };
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      await load();
    } catch (error) {
      if (error?.name !== 'AbortError' && !error?.expired) more.after(message(error.detail, 'error'));
    } finally {
      more.disabled = false;
    }
  });
  const first = await load();
  box.replaceChildren(first.items.length ? list : el('p', {}, 'Вы ещё не подавали заявок.'), more);
}

async function section(box, work) {
  try {
    await work();
  } catch (error) {
    if (error?.name === 'AbortError' || error?.expired) throw error;
    const again = () => {
      box.replaceChildren(loading());
      return section(box, work);
    };
    box.replaceChildren(failure(error.detail || 'Не удалось загрузить данные.', again));
  }
}

export async function render(root, { signal }) {
  useStyles();
  const create = el('div', {}, loading());
  const mine = el('div', {}, loading());
  root.append(
    ...pageTitle(
      'Заявки',
      'Подайте заявку на услугу в электронном виде, без обращения в офис компании, и следите за её выполнением.',
    ),
    el(
      'section',
      { class: 'section', 'aria-labelledby': 'create-request' },
      el('h2', { id: 'create-request' }, 'Создание заявки'),
      el('p', {}, 'Выберите тип заявки. К заявке желательно приложить отсканированное заявление с подписью.'),
      create,
    ),
    el('section', { class: 'section', 'aria-labelledby': 'my-requests' }, el('h2', { id: 'my-requests' }, 'Мои заявки'), mine),
  );
  await Promise.all([
    section(create, async () => create.replaceChildren(tiles(await requestTypes(signal)))),
    section(mine, () => fill(mine, signal)),
  ]);
}
