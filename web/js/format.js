// Russian formatting of dates, numbers and phone numbers (Intl with 'ru-RU').

const LOCALE = 'ru-RU';
// Times are read in Moscow time, as in mails and the CSV export, whatever zone the browser is in;
// a bare date (2026-11-27) is a calendar day and is shown as it is.
const MOSCOW = 'Europe/Moscow';

function toDate(value) {
  if (value === null || value === undefined || value === '') return null;
  const day = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = day ? new Date(`${value}T00:00:00Z`) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : { date, timeZone: day ? 'UTC' : MOSCOW };
}

function format(value, options) {
  const found = toDate(value);
  return found ? new Intl.DateTimeFormat(LOCALE, { ...options, timeZone: found.timeZone }).format(found.date) : '—';
}

/** 27 ноября 2026 г. */
export function formatDate(value) {
  return format(value, { day: 'numeric', month: 'long', year: 'numeric' });
}

/** 27.11.2026 */
export function formatShortDate(value) {
  return format(value, { day: '2-digit', month: '2-digit', year: 'numeric' });
}

/** 27.11.2026, 21:17 МСК */
export function formatDateTime(value) {
  const text = format(value, { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });
  return text === '—' ? text : `${text} МСК`;
}

/** 12 345,6 — digits: exact number of fraction digits, or up to `max` when `digits` is undefined. */
export function formatNumber(value, { digits, max = 2 } = {}) {
  if (value === null || value === undefined || value === '') return '—';
  const number = Number(value);
  if (!Number.isFinite(number)) return String(value);
  const options = digits === undefined ? { maximumFractionDigits: max } : { minimumFractionDigits: digits, maximumFractionDigits: digits };
  return new Intl.NumberFormat(LOCALE, options).format(number);
}

/** +79123456789 → +7 912 345-67-89; other numbers are shown as they are. */
export function formatPhone(e164) {
  const match = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(String(e164 || ''));
  return match ? `+7 ${match[1]} ${match[2]}-${match[3]}-${match[4]}` : String(e164 || '—');
}

/** 1 заявка, 2 заявки, 5 заявок: plural('заявка', 'заявки', 'заявок', n). */
export function plural(one, few, many, n) {
  const form = new Intl.PluralRules(LOCALE).select(Number(n));
  return form === 'one' ? one : form === 'few' ? few : many;
}

export const workingDays = (n) => `${n} ${plural('рабочий день', 'рабочих дня', 'рабочих дней', n)}`;
/** «до» takes the genitive: до 3 рабочих дней, до 21 рабочего дня */
/** The review deadline, worded one way everywhere (the request forms, lists, cards and its mail):
 * a type's «Ориентировочный срок рассмотрения — 10 рабочих дней с даты регистрации» (a term the law
 * sets is that term), a request's «Ориентировочный срок рассмотрения — до 18 декабря 2026 г.». */
export const REVIEW_TERM = 'Ориентировочный срок рассмотрения';
export const typeReviewTerm = (type) => (type.statutory_term ? `Срок — ${type.statutory_term}` : `${REVIEW_TERM} — ${workingDays(type.review_working_days)} с даты регистрации`);
export const reviewUntil = (deadline) => `${REVIEW_TERM} — до ${formatDate(deadline)}`;

export const upToWorkingDays = (n) => `до ${n} ${plural('рабочего дня', 'рабочих дней', 'рабочих дней', n)}`;
