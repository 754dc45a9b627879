import type { MentionOptions } from './render-options.js';

/** Options every template accepts: webhook identity, forum post name, time and footer. */
export interface TemplateCommon {
  username?: string;
  avatarUrl?: string;
  threadName?: string;
  /** Shown as the embed timestamp; nothing when absent (templates never read the clock). */
  timestamp?: Date | string | number;
  footer?: string;
}

/** The seed's error template: a message, details as fields, and a traceback in a code block. */
export interface ErrorTemplateData extends TemplateCommon {
  errorMessage: string;
  errorDetails?: Record<string, string>;
  traceback?: string;
  title?: string;
}

/** The seed's critical template; pings `@here` unless `mentions` says otherwise. */
export interface CriticalTemplateData extends TemplateCommon {
  title: string;
  message: string;
  impact?: string;
  actionRequired?: string;
  mentions?: MentionOptions;
}

/** One track of a tracklist. */
export interface Track {
  artist?: string;
  title: string;
  /** Free text: "12:04", "00:31:20". */
  time?: string;
}

/** The seed's tracklist template: a numbered list of tracks. */
export interface TracklistTemplateData extends TemplateCommon {
  title?: string;
  description?: string;
  tracks: Track[];
  url?: string;
}

/** The seed's monitoring template: one metric against its threshold. */
export interface MonitoringTemplateData extends TemplateCommon {
  metricName: string;
  currentValue: number | string;
  threshold: number | string;
  status: string;
  unit?: string;
  title?: string;
  /** Text above the metric fields (a library send's or a script's `message`). */
  description?: string;
}

/** The seed's security template. */
export interface SecurityTemplateData extends TemplateCommon {
  title?: string;
  event: string;
  severity?: string;
  source?: string;
  details?: string | Record<string, string>;
  /** Text shown after the event (a library send's or a script's `message`, when the event is named apart). */
  description?: string;
}

/** The seed's general template: a title and a message. */
export interface GeneralTemplateData extends TemplateCommon {
  title: string;
  message: string;
}
