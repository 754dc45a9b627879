/**
 * A hand-drawn SVG bar chart: delivered and failed stacked per bucket. No library, no inline style
 * (the CSP forbids it): colours come from classes in style.css.
 */

import { toMs } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 640;
const HEIGHT = 200;
const PAD = { top: 12, right: 8, bottom: 26, left: 40 };

/** Outcomes that count as delivered, and as failed (model/outcome.ts); the others are not drawn. */
export const DELIVERED = new Set(['sent', 'dry_run']);
export const FAILED = new Set(['failed', 'dead_lettered']);

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** A round, even upper bound for the y axis (so its half is a whole tick): 2, 4, 6, 8, 10, 20 … */
function niceMax(max) {
  if (max <= 2) return 2;
  const exp = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 4, 6, 8, 10]) if (m * exp >= max) return m * exp;
  return 10 * exp;
}

/**
 * Draws the chart.
 * @param {{ label: string, buckets: { label: string, title: string, delivered: number, failed: number }[] }} spec
 *   `label` names the chart for screen readers; each bucket's `label` is its x tick, `title` its tooltip.
 * @returns {SVGSVGElement}
 */
export function barChart(spec) {
  const { buckets } = spec;
  const delivered = buckets.reduce((a, b) => a + b.delivered, 0);
  const failed = buckets.reduce((a, b) => a + b.failed, 0);
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'chart', role: 'img', 'aria-label': `${spec.label}: ${delivered} delivered, ${failed} failed` });
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const max = niceMax(Math.max(0, ...buckets.map((b) => b.delivered + b.failed)));
  const y = (v) => PAD.top + plotH - (v / max) * plotH;
  for (const tick of [0, max / 2, max]) {
    if (tick !== Math.round(tick)) continue;
    root.append(svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(tick), y2: y(tick), class: 'gridline' }));
    root.append(svg('text', { x: PAD.left - 6, y: y(tick) + 4, class: 'tick', 'text-anchor': 'end' }, String(tick)));
  }
  const slot = plotW / Math.max(1, buckets.length);
  const barW = Math.max(2, Math.min(48, slot * 0.7));
  const every = Math.ceil(buckets.length / 8);
  buckets.forEach((b, i) => {
    const x = PAD.left + i * slot + (slot - barW) / 2;
    const g = svg('g', { class: 'bucket' });
    g.append(svg('title', {}, `${b.title}: ${b.delivered} delivered, ${b.failed} failed`));
    g.append(svg('rect', { x: PAD.left + i * slot, y: PAD.top, width: slot, height: plotH, class: 'hit' }));
    if (b.delivered > 0) g.append(svg('rect', { x, y: y(b.delivered), width: barW, height: y(0) - y(b.delivered), class: 'bar-ok' }));
    if (b.failed > 0) g.append(svg('rect', { x, y: y(b.delivered + b.failed), width: barW, height: y(b.delivered) - y(b.delivered + b.failed), class: 'bar-fail' }));
    root.append(g);
    // Labels counted back from the newest bucket ("now"), so the last one is always labelled and none collide.
    if ((buckets.length - 1 - i) % every === 0) {
      root.append(svg('text', { x: PAD.left + i * slot + slot / 2, y: HEIGHT - 8, class: 'tick', 'text-anchor': 'middle' }, b.label));
    }
  });
  return root;
}

/**
 * When a history entry's outcome happened, as history places it (model/notification.ts `lastQueuedAt`): its
 * replay once replayed, else its receipt. Undefined when neither is readable.
 */
export function queuedAt(entry) {
  const received = toMs(entry?.receivedAt);
  const replayed = toMs(entry?.replayedAt);
  return replayed !== undefined && (received === undefined || replayed > received) ? replayed : received;
}

/**
 * History entries into `count` buckets of `stepMs` ending now (by `queuedAt`: a replayed dead letter's
 * delivery is drawn when it was replayed, not hours back at its receipt), e.g. the last hour in 5-minute bars.
 */
export function historyBuckets(entries, now, stepMs = 5 * 60_000, count = 12) {
  const end = Math.ceil(now / stepMs) * stepMs;
  const start = end - count * stepMs;
  const buckets = Array.from({ length: count }, (_, i) => {
    const from = new Date(start + i * stepMs);
    const hhmm = from.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });
    return { label: hhmm, title: `from ${hhmm}`, delivered: 0, failed: 0 };
  });
  for (const e of entries) {
    const at = queuedAt(e);
    const status = e?.outcome?.status;
    if (at === undefined || at < start || at >= end) continue;
    const bucket = buckets[Math.floor((at - start) / stepMs)];
    if (!bucket) continue;
    if (DELIVERED.has(status)) bucket.delivered += 1;
    else if (FAILED.has(status)) bucket.failed += 1;
  }
  return buckets;
}

/** `/api/stats` `byDay` into buckets (UTC days, as the store counts them). */
export function dayBuckets(byDay) {
  if (!Array.isArray(byDay)) return [];
  return byDay.slice(-14).map((d) => ({
    label: typeof d?.date === 'string' ? d.date.slice(5) : '?',
    title: `${d?.date ?? '?'} (UTC)`,
    delivered: Number(d?.delivered) || 0,
    failed: Number(d?.failed) || 0,
  }));
}
