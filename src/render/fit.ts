import { isValidColor } from './colors.js';
import type { DiscordEmbed, DiscordEmbedField } from './discord-message.js';
import { ZWSP, cleanText } from './escape.js';
import {
  ELLIPSIS, MAX_AUTHOR, MAX_DESCRIPTION, MAX_EMBEDS, MAX_FIELD_NAME, MAX_FIELD_VALUE, MAX_FIELDS, MAX_FOOTER,
  MAX_TITLE, MAX_TOTAL, codePointLength, embedSize, truncate,
} from './limits.js';
import { isoTimestamp } from './time.js';
import { safeUrl } from './urls.js';

/*
 * The one place where embeds are brought within Discord's limits. Every renderer (alert embeds, compact
 * packing, templates, the fluent builder) ends with `finishEmbed`, so truncation rules live only here.
 */

/** A field value that is not empty: Discord refuses empty or blank names and values. */
function nonEmpty(s: string, max: number): string {
  const t = truncate(cleanText(s), max);
  return t.trim() === '' ? ZWSP : t;
}

/** Fields within per-field limits; beyond 25, the last slot says how many were left out. */
export function clampFields(fields: readonly DiscordEmbedField[]): DiscordEmbedField[] {
  const out = fields.map((f): DiscordEmbedField => {
    const field: DiscordEmbedField = { name: nonEmpty(f.name, MAX_FIELD_NAME), value: nonEmpty(f.value, MAX_FIELD_VALUE) };
    if (typeof f.inline === 'boolean') field.inline = f.inline;
    return field;
  });
  if (out.length <= MAX_FIELDS) return out;
  const hidden = out.length - (MAX_FIELDS - 1);
  return [...out.slice(0, MAX_FIELDS - 1), { name: '…', value: `+${hidden} more fields not shown` }];
}

function optionalText(s: string | undefined, max: number): string | undefined {
  if (typeof s !== 'string') return undefined;
  const t = truncate(cleanText(s), max);
  return t.trim() === '' ? undefined : t;
}

/**
 * Every per-field limit of one embed: texts cut with "…", invalid URLs, colours and timestamps dropped,
 * empty parts removed, at most 25 fields. Does not enforce the 6000 total (see `fitEmbed`).
 */
export function clampEmbed(e: DiscordEmbed): DiscordEmbed {
  const out: DiscordEmbed = {};
  const title = optionalText(e.title, MAX_TITLE);
  const description = optionalText(e.description, MAX_DESCRIPTION);
  const url = safeUrl(e.url);
  const timestamp = isoTimestamp(e.timestamp);
  if (title !== undefined) out.title = title;
  if (description !== undefined) out.description = description;
  if (url !== undefined && title !== undefined) out.url = url;
  if (isValidColor(e.color)) out.color = e.color;
  if (timestamp !== undefined) out.timestamp = timestamp;
  const footerText = optionalText(e.footer?.text, MAX_FOOTER);
  if (footerText !== undefined) {
    const icon = safeUrl(e.footer?.icon_url);
    out.footer = icon === undefined ? { text: footerText } : { text: footerText, icon_url: icon };
  }
  const authorName = optionalText(e.author?.name, MAX_AUTHOR);
  if (authorName !== undefined) {
    out.author = { name: authorName };
    const aUrl = safeUrl(e.author?.url);
    const icon = safeUrl(e.author?.icon_url);
    if (aUrl !== undefined) out.author.url = aUrl;
    if (icon !== undefined) out.author.icon_url = icon;
  }
  const thumb = safeUrl(e.thumbnail?.url);
  const image = safeUrl(e.image?.url);
  if (thumb !== undefined) out.thumbnail = { url: thumb };
  if (image !== undefined) out.image = { url: image };
  if (e.fields && e.fields.length > 0) out.fields = clampFields(e.fields);
  if (out.title === undefined && out.description === undefined && !out.fields && !out.image && !out.author) {
    out.description = ZWSP; // an embed must show something
  }
  return out;
}

/**
 * A cut text without a Markdown link it cut open: "… · [Panel](https://gra…" shows as raw Markdown, so the
 * open link is dropped. Alert text has its brackets escaped (escape.ts), so an unescaped "[" is always one
 * of our own links (`markdownLink`), whose URL has its parentheses encoded: the first ")" closes it.
 * Only shortens, so the cut stays within its cap.
 */
function withoutOpenLink(cut: string): string {
  if (!cut.endsWith(ELLIPSIS)) return cut;
  for (let i = cut.lastIndexOf('['); i >= 0; i = cut.lastIndexOf('[', i - 1)) {
    let slashes = 0;
    while (cut[i - 1 - slashes] === '\\') slashes++;
    if (slashes % 2 === 1) continue; // "\[": escaped alert text, not a link
    // Only what is a cut-open link to the end: "[label…", "[label]…" or "[label](url…" (no ")", no line
    // break). The label may hold escaped characters ("Logs \[prod\]", perhaps cut after the "\"): an
    // escaped "]" does not end it.
    if (!/^\[(?:[^\]\n\\]|\\.)*\\?(?:\](?:\([^)\s]*)?)?…$/u.test(cut.slice(i))) return cut;
    return cut.slice(0, i).replace(/[\s·]+$/u, '') + ELLIPSIS;
  }
  return cut;
}

/** Largest cap C such that every counted text cut to C (required ones to ≥ 1) fits `budget`. */
function waterLevel(lengths: readonly number[], required: readonly boolean[], budget: number): number {
  const total = (cap: number): number =>
    lengths.reduce((sum, len, i) => sum + Math.max(required[i] ? 1 : 0, Math.min(len, cap)), 0);
  let lo = 0;
  let hi = Math.max(0, ...lengths);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (total(mid) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * One embed within `budget` counted characters (default the 6000 message total): the longest texts are
 * cut first, evenly ("water-filling"), each cut ending with "…"; field names and values keep at least one
 * character. Per-field limits are applied first (`clampEmbed`).
 */
export function fitEmbed(embed: DiscordEmbed, budget = MAX_TOTAL): DiscordEmbed {
  const e = clampEmbed(embed);
  if (embedSize(e) <= budget) return e;
  const fields = e.fields ?? [];
  const texts = [e.title, e.description, e.footer?.text, e.author?.name, ...fields.flatMap((f) => [f.name, f.value])];
  const required = texts.map((_, i) => i >= 4);
  const cap = waterLevel(texts.map((t) => codePointLength(t ?? '')), required, budget);
  const cut = (s: string | undefined, min: number): string => truncate(s ?? '', Math.max(min, cap));
  // Field values are where our masked links are (the Links field).
  const cutLinks = (s: string | undefined, min: number): string => withoutOpenLink(cut(s, min));
  const out: DiscordEmbed = { ...e };
  const title = cut(e.title, 0);
  const description = cut(e.description, 0);
  if (title === '') delete out.title; else out.title = title;
  if (description === '') delete out.description; else out.description = description;
  if (e.footer) {
    const text = cut(e.footer.text, 0);
    if (text === '') delete out.footer; else out.footer = { ...e.footer, text };
  }
  if (e.author) {
    const name = cut(e.author.name, 0);
    if (name === '') delete out.author; else out.author = { ...e.author, name };
  }
  if (e.fields) out.fields = e.fields.map((f) => ({ ...f, name: cut(f.name, 1), value: cutLinks(f.value, 1) }));
  if (out.title === undefined) delete out.url;
  return out;
}

/** Alias of `fitEmbed` with the message budget: what every renderer calls last. */
export function finishEmbed(embed: DiscordEmbed): DiscordEmbed {
  return fitEmbed(embed, MAX_TOTAL);
}

/**
 * Splits embeds, in order, into groups that are each a valid message: at most 10 embeds and 6000
 * counted characters. Every embed must already fit alone (`finishEmbed`). Never drops an embed.
 */
export function packEmbeds(embeds: readonly DiscordEmbed[], maxEmbeds = MAX_EMBEDS, budget = MAX_TOTAL): DiscordEmbed[][] {
  const groups: DiscordEmbed[][] = [];
  let current: DiscordEmbed[] = [];
  let used = 0;
  for (const e of embeds) {
    const size = embedSize(e);
    if (current.length > 0 && (current.length >= maxEmbeds || used + size > budget)) {
      groups.push(current);
      current = [];
      used = 0;
    }
    current.push(e);
    used += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
