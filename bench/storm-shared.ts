import type { Metric } from './types.js';

/** The storm: 100 Alertmanager groups of 10 alerts, 1,000 alerts, one webhook. */
export const STORM_GROUPS = 100;
export const STORM_GROUP_SIZE = 10;
export const STORM_ALERTS = STORM_GROUPS * STORM_GROUP_SIZE;
export const STORM_TABLE = 'storm';
export const STORM_TITLE = `Storm: ${STORM_ALERTS.toLocaleString('en-US')} alerts in ${STORM_GROUPS} Alertmanager groups, one webhook, strict fake Discord (5 req / 2 s per webhook, 30 msg / min per channel, 50 req / s global)`;

/** Targets of issue 5. */
export const STORM_TARGET = { maxRateLimited: 2, maxMessages: 20, maxDrainMs: 30_000 } as const;

/** Rows of the storm table, shared by alertcord's and Alertmanager's columns. */
export const STORM_METRICS: readonly Metric[] = [
  { key: 'delivered', label: 'alerts delivered (visible in stored messages)', target: `${STORM_ALERTS} (100%)` },
  { key: 'lost', label: 'alerts lost (not visible at the end)', target: '0' },
  { key: 'duplicates', label: 'alerts shown again in a later message' },
  { key: 'r429', label: '429s answered by Discord', target: `≤ ${STORM_TARGET.maxRateLimited}` },
  { key: 'r400', label: '400s answered by Discord', target: '0' },
  { key: 'messages', label: 'messages used', target: `≤ ${STORM_TARGET.maxMessages}` },
  { key: 'drain', label: 'drain time (first POST → last alert stored)', target: `≤ ${STORM_TARGET.maxDrainMs / 1000} s` },
  { key: 'least', label: 'least time the limits allow for that many messages' },
  { key: 'scopes', label: '429s by scope (user = webhook, shared = channel)' },
];
