// A filed technological connection's stages (ПП № 861) as a timeline on the request's page.

import { el } from '../dom.js';
import { formatDate } from '../format.js';

function stageState(stage) {
  if (stage.completed_on) return ['done', `Выполнено ${formatDate(stage.completed_on)}`];
  if (stage.overdue) return ['overdue', `Срок прошёл ${formatDate(stage.due_on)}`];
  if (stage.due_on) return ['waiting', `Срок — до ${formatDate(stage.due_on)}`];
  return ['later', 'Срок начнётся после предыдущего этапа'];
}

/** The «Этапы присоединения» card of a filed connection: its procedure and each stage with its term. */
export function stagesTimeline(procedure) {
  const who = { company: 'Сетевая организация', applicant: 'Заявитель' };
  return el(
    'section',
    { class: 'card req-procedure', id: 'req-stages', 'aria-labelledby': 'req-stages-title' },
    el('h2', { id: 'req-stages-title' }, 'Этапы присоединения'),
    el('p', { class: 'req-procedure-clause' }, el('strong', {}, procedure.title), ` — ${procedure.clause}`),
    el(
      'ol',
      { class: 'req-timeline' },
      procedure.stages.map((stage) => {
        const [state, text] = stageState(stage);
        const current = stage.code === procedure.next_stage;
        return el(
          'li',
          { class: `req-stage req-stage-${state}`, 'aria-current': current ? 'step' : null },
          el('strong', {}, stage.title),
          el('span', { class: 'req-stage-when' }, text),
          el('span', { class: 'req-stage-who' }, `${who[stage.by] || ''}. ${stage.rule}`),
        );
      }),
    ),
    el('details', {}, el('summary', {}, 'Документы к заявке (ПП № 861, п. 10)'), el('ul', {}, procedure.documents.map((d) => el('li', {}, d)))),
  );
}
