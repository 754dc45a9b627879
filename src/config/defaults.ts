import type { MentionSettings } from './types.js';

/** The seed's colours for the six built-in types. */
export const BUILTIN_TYPE_DEFAULTS: Readonly<Record<string, { color: number; mentions?: Partial<MentionSettings> }>> = {
  general: { color: 0x3498db },
  error: { color: 0xe67e22 },
  critical: { color: 0xe74c3c, mentions: { here: true } },
  tracklist: { color: 0x1abc9c },
  monitoring: { color: 0x9b59b6 },
  security: { color: 0xf1c40f },
};

/** Colour of user-defined types that set none. */
export const CUSTOM_TYPE_COLOR = 0x95a5a6;
