// The technological connection's form as four short steps: the applicant → the object and its power
// → the documents (a file slot for each one the procedure asks, known before filing) → check and
// send. One form throughout: its draft (drafts.js) spans the steps, «Отправить» files it as before.
// Only the applicant's own requisites are shown and sent (the schema's `x-requisites`).

import { el } from '../dom.js';
import { clearErrors, showFieldError } from '../forms.js';
import { procedureOf } from './connection-procedure.js';

const TITLES = ['Заявитель', 'Объект и мощность', 'Документы', 'Проверка и отправка'];
const APPLICANT = new Set(['applicant_kind', 'purpose', 'residence_address']);

// The top-level field a wrapper of the form holds (`fields.points.0.name` → 'points').
function fieldOf(node) {
  const name = node.getAttribute('name') || node.querySelector('[name]')?.name || '';
  return name.startsWith('fields.') ? name.split('.')[1] : name;
}

function shownFor(form, requisites) {
  const kind = form.elements.namedItem('fields.applicant_kind').value;
  for (const [name, { required, allowed }] of Object.entries(requisites)) {
    const control = form.elements.namedItem(`fields.${name}`);
    const wrapper = control.closest('.field');
    wrapper.hidden = !allowed.includes(kind);
    control.disabled = wrapper.hidden;
    control.required = required.includes(kind);
    wrapper.querySelector('label').classList.toggle('required', control.required);
  }
}

function valueText(control) {
  if (control.type === 'checkbox') return control.checked ? 'Да' : 'Нет';
  return control.tagName === 'SELECT' ? control.selectedOptions[0]?.textContent : control.value;
}

function summary(steps) {
  const rows = [];
  for (const step of steps.slice(0, 3)) {
    for (const control of step.querySelectorAll('input, select, textarea')) {
      const label = control.labels?.[0]?.textContent;
      const files = control.type === 'file' ? [...control.files].map((f) => f.name).join(', ') : '';
      const value = control.type === 'file' ? files : valueText(control);
      if (!control.disabled && label && value && control.id !== 'rq-object') rows.push([label, value]);
    }
  }
  return el('dl', { class: 'details' }, rows.map(([term, value]) => el('div', { class: 'details-row' }, el('dt', {}, term), el('dd', {}, value))));
}

// A file slot for each document the procedure asks; the files chosen stay while the list is the same.
function drawSlots(box, found) {
  const wanted = found ? found.documents : [];
  if (box.dataset.documents === wanted.join('|')) return;
  box.dataset.documents = wanted.join('|');
  // Until the procedure is known the box above says what it needs.
  box.replaceChildren(
    wanted.length ? el('h3', {}, 'Что приложить к заявке') : '',
    ...wanted.map((document, index) =>
      el('div', { class: 'field' }, el('label', { for: `rq-doc-${index}` }, document), el('input', { id: `rq-doc-${index}`, type: 'file', accept: '.pdf,.jpg,.jpeg,.png,.tif,.tiff', 'data-document': document })),
    ),
  );
}

/** Turns the connection form into the wizard; `schema` is its fields' (`x-procedures`, `x-requisites`). */
export function connectionWizard(form, schema) {
  const table = schema['x-procedures'];
  const requisites = schema['x-requisites'];
  const steps = TITLES.map((title, index) =>
    el('section', { class: 'wizard-step', 'aria-labelledby': `rq-step-${index}` }, el('h2', { id: `rq-step-${index}`, tabindex: '-1' }, `Шаг ${index + 1} из 4. ${title}`)),
  );
  const progress = el('ol', { class: 'wizard-progress' }, TITLES.map((title) => el('li', {}, title)));
  const slots = el('div', { class: 'wizard-slots' });
  const check = el('div', { class: 'wizard-check' });
  const submit = form.querySelector('[type=submit]');
  for (const node of [...form.children]) {
    const name = fieldOf(node);
    if (node.querySelector('#rq-object')) steps[1].append(node);
    else if (node.id === 'rq-procedure') steps[2].append(node, slots);
    else if (name === 'text' || node.contains(submit) || node.classList.contains('form-note')) steps[3].append(node);
    else if (node.querySelector('[type=file]')) steps[2].append(node);
    else if (APPLICANT.has(name) || name in requisites) steps[0].append(node);
    else if (name) steps[1].append(node);
  }
  steps[3].prepend(steps[3].firstChild, check);
  const back = el('button', { type: 'button', class: 'btn btn-secondary' }, 'Назад');
  const next = el('button', { type: 'button', class: 'btn btn-primary' }, 'Далее');
  const nav = el('div', { class: 'wizard-nav' }, back, next);
  form.prepend(progress, ...steps, nav);
  steps[3].append(submit);
  let current = 0;

  const show = (index, focus = true) => {
    current = index;
    steps.forEach((step, i) => {
      step.hidden = i !== index;
      if (i === index) progress.children[i].setAttribute('aria-current', 'step');
      else progress.children[i].removeAttribute('aria-current');
    });
    back.hidden = index === 0;
    next.hidden = index === steps.length - 1;
    if (index === 2) drawSlots(slots, procedureOf(form, table));
    if (index === 3) check.replaceChildren(el('h3', {}, 'Проверьте заявку'), summary(steps));
    if (focus) steps[index].querySelector('h2').focus();
  };
  // «Далее» asks for the step's required fields first, as the service would.
  const complete = () => {
    clearErrors(form);
    const empty = [...steps[current].querySelectorAll('[required]')].filter((c) => !c.disabled && !c.value.trim());
    for (const control of empty) showFieldError(form, control.name, `Заполните поле «${control.labels[0].textContent}».`);
    empty[0]?.focus();
    return !empty.length;
  };
  back.addEventListener('click', () => show(current - 1));
  next.addEventListener('click', () => complete() && show(current + 1));
  // Enter on an earlier step goes on, it does not file (registered before bindForm's listener).
  form.addEventListener('submit', (event) => {
    if (current === steps.length - 1) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    if (complete()) show(current + 1);
  });
  form.addEventListener('change', (event) => event.target.name === 'fields.applicant_kind' && shownFor(form, requisites));
  // The service's refusal names a field on another step: that step opens at it.
  new MutationObserver(() => {
    const invalid = form.querySelector('[aria-invalid="true"]');
    const step = invalid && steps.findIndex((s) => s.contains(invalid));
    if (invalid && step !== current) {
      show(step, false);
      invalid.focus();
    }
  }).observe(form, { subtree: true, attributeFilter: ['aria-invalid'] });
  shownFor(form, requisites);
  show(0, false);
}

/** Every file the form holds: the slots' and «Выберите файл»'s. */
export const chosenFiles = (form) => [...form.querySelectorAll('input[type=file]')].flatMap((input) => [...input.files]);
