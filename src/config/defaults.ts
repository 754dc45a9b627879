import { COLOR_CRITICAL, COLOR_ERROR, COLOR_GENERAL, COLOR_MONITORING, COLOR_SECURITY, COLOR_TRACKLIST } from '../render/colors.js';
import type { MentionSettings } from './types.js';

/** The six built-in types: the seed's colours (defined once, in render/colors.ts) and critical's @here. */
export const BUILTIN_TYPE_DEFAULTS: Readonly<Record<string, { color: number; mentions?: Partial<MentionSettings> }>> = {
  general: { color: COLOR_GENERAL },
  error: { color: COLOR_ERROR },
  critical: { color: COLOR_CRITICAL, mentions: { here: true } },
  tracklist: { color: COLOR_TRACKLIST },
  monitoring: { color: COLOR_MONITORING },
  security: { color: COLOR_SECURITY },
};

/** Colour of user-defined types that set none. */
export const CUSTOM_TYPE_COLOR = 0x95a5a6;
