// Bar charts as SVG, drawn here (no library, nothing from another host). Each chart is a <figure>: the
// SVG (role=img, named by its caption) and the same numbers as a table, for screen readers, for
// reading exact values and for print. The SVG scales with its box; labels thin out when narrow.

import { el } from './dom.js';
import { formatNumber } from './format.js';

const H = 220; // the plot's height in SVG units; the width is the box's own (at least 300)
const PAD = { top: 12, right: 8, bottom: 26, left: 46 }; // left: the least; wider labels widen it
const FONT_PX = 12; // charts.css: .chart { font-size: 12px }

let ruler;
/** The width of `text` as the chart draws it (12 px of the page's font), measured by the canvas's
 * measureText: an axis label («100 000») gets the room it takes, never a guess. */
function textWidth(text) {
  ruler ??= document.createElement('canvas').getContext('2d');
  ruler.font = `${FONT_PX}px ${getComputedStyle(document.body).fontFamily}`;
  return Math.ceil(ruler.measureText(text).width);
}

// A page with charts prints its content only (print.css: no menu, no «Выйти»).
for (const [href, media] of [['/css/charts.css'], ['/css/print.css', 'print']]) {
  if (!document.querySelector(`link[href="${href}"]`)) document.head.append(el('link', { rel: 'stylesheet', href, media }));
}

function svgRoot() {
  const holder = document.createElement('div');
  holder.innerHTML = '<svg></svg>'; // a constant: the HTML parser gives the SVG namespace
  return holder.firstChild;
}

function shape(parent, tag, attrs, text) {
  const node = document.createElementNS(parent.namespaceURI, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  parent.append(node);
  return node;
}

/** A round step for the axis: 1, 2, 2.5 or 5 × 10ⁿ, about `parts` of them up to max. */
function step(max, parts = 4) {
  const raw = max / parts || 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw);
}

/**
 * barChart({caption, unit, labels, series, width, tick}) → <figure>.
 * labels: one per bar; series: [{name, values, tone}] stacked upwards, or with `down: true` drawn
 * below the axis (e.g. A−); a missing value (null) is no bar. tick(i) → the axis label of bar i, or ''.
 */
export function barChart({ caption, unit, labels, series, width = 640, tick = (i) => labels[i] }) {
  const W = Math.max(300, Math.round(width));
  const up = series.filter((s) => !s.down);
  const down = series.filter((s) => s.down);
  const total = (list, i) => list.reduce((sum, s) => sum + (Number(s.values[i]) || 0), 0);
  const top = Math.max(0, ...labels.map((_, i) => total(up, i)));
  const bottom = Math.max(0, ...labels.map((_, i) => total(down, i)));
  const unitStep = step(top + bottom);
  const hi = Math.ceil(top / unitStep) * unitStep || unitStep;
  const lo = Math.ceil(bottom / unitStep) * unitStep;
  const plot = H - PAD.top - PAD.bottom;
  const y = (v) => PAD.top + ((hi - v) / (hi + lo)) * plot;
  const steps = [];
  for (let k = -lo / unitStep; k <= hi / unitStep; k += 1) steps.push(k * unitStep);
  const left = Math.max(PAD.left, ...steps.map((v) => textWidth(formatNumber(Math.abs(v))) + 8));
  const slot = (W - left - PAD.right) / labels.length;

  const svg = svgRoot();
  const captionId = `chart-${Math.random().toString(36).slice(2)}`;
  Object.entries({ viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': captionId, class: 'chart' }).forEach(([k, v]) => svg.setAttribute(k, v));
  for (const v of steps) {
    shape(svg, 'line', { x1: left, x2: W - PAD.right, y1: y(v), y2: y(v), class: v === 0 ? 'chart-axis' : 'chart-grid' });
    shape(svg, 'text', { x: left - 4, y: y(v) + 4, 'text-anchor': 'end', class: 'chart-tick' }, formatNumber(Math.abs(v)));
  }
  labels.forEach((_, i) => {
    const x = left + i * slot + slot * 0.15;
    for (const [list, sign] of [[up, 1], [down, -1]]) {
      let base = 0;
      for (const s of list) {
        const value = Number(s.values[i]) || 0;
        if (!value) continue;
        const [a, b] = [y(sign * base), y(sign * (base + value))];
        shape(svg, 'rect', { x, width: slot * 0.7, y: Math.min(a, b), height: Math.abs(a - b), class: `chart-${s.tone}` });
        base += value;
      }
    }
    const label = tick(i);
    // Centred under its bar, but kept inside the box at either end (measured as the axis labels are).
    const half = label ? textWidth(label) / 2 : 0;
    const middle = Math.min(Math.max(x + slot * 0.35, half + 1), W - half - 1);
    if (label) shape(svg, 'text', { x: middle, y: H - 8, 'text-anchor': 'middle' }, label);
  });

  const key = el('ul', { class: 'chart-key' }, series.map((s) => el('li', {}, el('span', { class: `chart-swatch chart-${s.tone}`, 'aria-hidden': 'true' }), s.name)));
  const table = el(
    'table',
    { class: 'chart-table', 'aria-label': `${caption}, ${unit}: значения` },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, ''), series.map((s) => el('th', { scope: 'col' }, s.name)))),
    el(
      'tbody',
      {},
      labels.map((label, i) => el('tr', {}, el('th', { scope: 'row' }, label), series.map((s) => el('td', {}, s.values[i] == null ? '—' : formatNumber(s.values[i]))))),
    ),
  );
  return el('figure', { class: 'chart-figure' }, el('figcaption', { id: captionId }, `${caption}, ${unit}`), svg, key, table);
}
