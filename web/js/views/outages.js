// «Отключения»: planned and emergency outages by address, for anyone, without logging in
// (GET /api/outages; docs/architecture.md «Domain rules → Outages»). Search by settlement and street;
// what is not over yet, emergencies first; each with its times (Moscow), houses and reason.

import * as api from '../api.js';
import { el, loading, message, pageTitle } from '../dom.js';
import { formatDateTime } from '../format.js';

const KINDS = { planned: 'Плановое', emergency: 'Аварийное' };

function streetText(address) {
  const street = address.street ? `, ${address.street}` : '';
  const houses = address.houses ? `, дома ${address.houses}` : ', все дома';
  return `${address.settlement}${street}${houses}`;
}

/** One outage as a list item: kind, times, addresses, reason. Shared with the home page's card. */
export function outageItem(outage, extra = []) {
  const emergency = outage.kind === 'emergency';
  return el(
    'li',
    { class: `outage${emergency ? ' outage-emergency' : ''}` },
    el('strong', {}, `${KINDS[outage.kind]} отключение`),
    el('br'),
    emergency
      ? `С ${formatDateTime(outage.starts_at)}; восстановление ожидается ${formatDateTime(outage.ends_at)}.`
      : `С ${formatDateTime(outage.starts_at)} до ${formatDateTime(outage.ends_at)}.`,
    el('br'),
    el('span', {}, outage.addresses.map(streetText).join('; ')),
    el('br'),
    el('span', { class: 'muted' }, `Причина: ${outage.reason}`),
    ...extra,
  );
}

export async function render(root, { signal, query, navigate }) {
  if (!document.querySelector('link[href="/css/outages.css"]')) document.head.append(el('link', { rel: 'stylesheet', href: '/css/outages.css' }));
  const settlement = el('input', { id: 'outages-settlement', name: 'settlement', type: 'text', autocomplete: 'address-level2', value: query.get('settlement') ?? '' });
  const street = el('input', { id: 'outages-street', name: 'street', type: 'text', autocomplete: 'address-line1', value: query.get('street') ?? '' });
  const results = el('div', { class: 'outages-results', 'aria-live': 'polite' });
  const form = el(
    'form',
    { class: 'card outages-search', role: 'search', 'aria-label': 'Поиск отключений по адресу' },
    el('div', { class: 'field' }, el('label', { for: 'outages-settlement' }, 'Населённый пункт'), settlement),
    el('div', { class: 'field' }, el('label', { for: 'outages-street' }, 'Улица'), street),
    el('button', { type: 'submit', class: 'btn btn-primary' }, 'Найти'),
  );
  root.append(
    ...pageTitle('Отключения электроэнергии', 'Плановые и аварийные отключения сегодня и в ближайшие дни. Аварийные — первыми.'),
    el('p', {}, 'Если электроэнергии нет, а отключения по вашему адресу здесь нет, сообщите о нём по круглосуточному телефону сетевой компании или заявкой «Сообщение об отсутствии электроэнергии» в личном кабинете.'),
    form,
    results,
  );

  async function search() {
    const params = new URLSearchParams();
    if (settlement.value.trim()) params.set('settlement', settlement.value.trim());
    if (street.value.trim()) params.set('street', street.value.trim());
    results.replaceChildren(loading());
    try {
      const path = params.size ? '/api/outages?' + params : '/api/outages';
      const found = await api.get(path, { signal, auth: false });
      results.replaceChildren(
        found.items.length
          ? el('ul', { class: 'outage-list', 'aria-label': 'Отключения' }, found.items.map((outage) => outageItem(outage)))
          : message(params.size ? 'По этому адресу отключений нет.' : 'Отключений нет.'),
      );
    } catch (error) {
      if (error?.name === 'AbortError') throw error;
      results.replaceChildren(message(error.errors?.[0]?.message || error.detail || 'Не удалось загрузить отключения. Обновите страницу.', 'error'));
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    search().catch(() => {});
  });
  await search();
}
