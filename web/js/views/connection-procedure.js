// A technological connection (ПП № 861): the procedure that applies, shown on the form before filing
// from the same rows the service derives it from (the schema's `x-procedures`,
// functions/requests/connection_rules.py). A filed request's stages: connection-stages.js.

import { el } from '../dom.js';

const number = (value) => {
  const parsed = Number(String(value ?? '').trim().replace(/\s/g, '').replace(',', '.'));
  return Number.isFinite(parsed) ? parsed : NaN;
};

// The row's conditions, as `meets` in connection_rules.py reads them.
function meets(row, facts) {
  const total = facts.power;
  const above = number(row.power_above_kw);
  const top = row.power_up_to_kw === null ? Infinity : number(row.power_up_to_kw);
  const belowTop = row.up_to_exclusive ? total < top : total <= top;
  return (
    row.kinds.includes(facts.kind) &&
    row.purposes.includes(facts.purpose) &&
    total > above &&
    belowTop &&
    row.reliability.includes(facts.reliability) &&
    (row.max_sources === null || facts.sources <= row.max_sources)
  );
}

function factsOf(form) {
  const value = (name) => form.elements.namedItem(`fields.${name}`)?.value ?? '';
  const fresh = number(value('max_power_kw'));
  const existing = value('existing_power_kw') === '' ? 0 : number(value('existing_power_kw'));
  const facts = {
    kind: value('applicant_kind'),
    purpose: value('purpose'),
    power: fresh + existing,
    reliability: value('reliability_category'),
    voltage: number(value('voltage_kv')),
    sources: value('supply_sources') === '' ? 1 : number(value('supply_sources')),
  };
  const complete = facts.kind && facts.purpose && facts.reliability && fresh > 0 && existing >= 0 && facts.voltage > 0;
  return complete ? facts : null;
}

function documentsOf(table, row, facts) {
  const d = table.documents;
  return [
    d.plan,
    facts.voltage >= number(table.diagram_from_kv) ? d.diagram : null,
    row.emergency_list ? d.emergency : null,
    d.title,
    ['person', 'entrepreneur'].includes(facts.kind) ? d.identity : null,
    d.proxy,
  ].filter(Boolean);
}

/** The procedure the form's answers lead to: {row, documents} (what to attach), or null until they do. */
export function procedureOf(form, table) {
  const facts = factsOf(form);
  const row = facts && table.rows.find((candidate) => meets(candidate, facts));
  return row ? { row, documents: documentsOf(table, row, facts) } : null;
}

/** The «Порядок присоединения» box of the form: redrawn as the applicant answers. */
export function procedurePreview(form, table) {
  const body = el('div', { id: 'rq-procedure-body' });
  const box = el(
    'section',
    { class: 'card req-procedure', id: 'rq-procedure', 'aria-labelledby': 'rq-procedure-title', 'aria-live': 'polite' },
    el('h2', { id: 'rq-procedure-title' }, 'Порядок присоединения'),
    body,
  );
  const draw = () => {
    const found = procedureOf(form, table);
    if (!found) {
      body.replaceChildren(
        el('p', { class: 'muted' }, 'Укажите заявителя, для каких нужд, мощность, напряжение и категорию надёжности — здесь появится порядок, который применяется по Правилам (ПП № 861).'),
      );
      return;
    }
    // What to attach: a file slot for each document, under this box (connection-wizard.js).
    const { row } = found;
    body.replaceChildren(
      el('p', { class: 'req-procedure-clause' }, el('strong', {}, row.title), ` — ${row.clause}`),
      el('p', {}, `Почему: ${row.why}.`),
      el('p', {}, `Условия договора, счёт и технические условия сетевая организация разместит в личном кабинете в течение ${row.offer_working_days} рабочих дней (ПП № 861, п. 15).`),
    );
  };
  form.addEventListener('input', draw);
  form.addEventListener('change', draw);
  draw();
  return box;
}
