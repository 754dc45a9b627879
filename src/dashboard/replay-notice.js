/**
 * The notice after "Replay" or "Replay all", from `POST /api/dead-letter/replay`'s answer: what was queued,
 * what stays a dead letter and why, and what was gone already (another tab or replica replayed it between
 * two refreshes of this page). Green only when something was queued and nothing failed.
 */
import { num } from './dom.js';

const letters = (n) => `${num(n)} dead letter${n === 1 ? '' : 's'}`;

/**
 * @param {any} data the answer: `{ replayed, failed, reasons?, missing? }`
 * @returns {{ text: string, kind: 'ok' | 'error' | 'info' }}
 */
export function replayNotice(data) {
  const list = (key) => (Array.isArray(data?.[key]) ? data[key] : []);
  const [replayed, failed, missing] = [list('replayed'), list('failed'), list('missing')];
  const parts = [replayed.length > 0 ? `Replayed ${letters(replayed.length)}` : 'Nothing replayed'];
  if (failed.length > 0) {
    const why = [...new Set(failed.map((id) => data?.reasons?.[id]).filter((r) => typeof r === 'string'))];
    parts.push(`${num(failed.length)} could not be queued${why.length > 0 ? ` (${why.join('; ')})` : ''} and stay dead letters`);
  }
  if (missing.length > 0) parts.push(`${letters(missing.length)} already replayed by another tab or replica (or being replayed now)`);
  else if (replayed.length + failed.length === 0) parts.push('no dead letters were left: already replayed by another tab or replica');
  return { text: `${parts.join('; ')}.`, kind: failed.length > 0 ? 'error' : replayed.length > 0 ? 'ok' : 'info' };
}
