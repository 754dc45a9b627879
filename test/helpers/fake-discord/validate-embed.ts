import {
  checkArray,
  checkBoolean,
  checkInt,
  checkObject,
  checkString,
  checkTimestamp,
  checkUrl,
  isObject,
} from './checks.js';
import type { ErrorTree, FieldPath } from './error-tree.js';
import { FAKE_DISCORD_LIMITS as L, codePointLength } from './limits.js';

/** Result of checking one embed: the characters it adds to the 6000 total, and whether it shows anything. */
export interface EmbedCheck {
  readonly size: number;
  readonly visible: boolean;
}

/** Code points of a value when it is a string, else 0. */
function sizeOf(value: string | undefined): number {
  return value === undefined ? 0 : codePointLength(value);
}

/** True when a string has something other than whitespace. */
function shows(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

/** Checks `fields[]`; returns the code points of names and values. */
function checkFields(tree: ErrorTree, path: FieldPath, value: unknown): { size: number; count: number } {
  const fields = checkArray(tree, path, value, L.fields);
  if (fields === undefined) return { size: 0, count: 0 };
  let size = 0;
  fields.forEach((field, i) => {
    const at = [...path, i];
    if (!isObject(field)) {
      tree.add(at, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
      return;
    }
    size += sizeOf(checkString(tree, [...at, 'name'], field.name, { max: L.fieldName, required: true }));
    size += sizeOf(checkString(tree, [...at, 'value'], field.value, { max: L.fieldValue, required: true }));
    checkBoolean(tree, [...at, 'inline'], field.inline);
  });
  return { size, count: fields.length };
}

/** Checks `{ url }` media (image, thumbnail): the url is required. */
function checkMedia(tree: ErrorTree, path: FieldPath, value: unknown): boolean {
  const media = checkObject(tree, path, value);
  if (media === undefined) return false;
  checkUrl(tree, [...path, 'url'], media.url, true);
  return typeof media.url === 'string';
}

/** Checks `footer { text, icon_url? }`; returns its text. */
function checkFooter(tree: ErrorTree, path: FieldPath, value: unknown): string | undefined {
  const footer = checkObject(tree, path, value);
  if (footer === undefined) return undefined;
  checkUrl(tree, [...path, 'icon_url'], footer.icon_url);
  return checkString(tree, [...path, 'text'], footer.text, { max: L.footerText, required: true });
}

/** Checks `author { name, url?, icon_url? }`; returns its name. */
function checkAuthor(tree: ErrorTree, path: FieldPath, value: unknown): string | undefined {
  const author = checkObject(tree, path, value);
  if (author === undefined) return undefined;
  checkUrl(tree, [...path, 'url'], author.url);
  checkUrl(tree, [...path, 'icon_url'], author.icon_url);
  return checkString(tree, [...path, 'name'], author.name, { max: L.authorName, required: true });
}

/**
 * Checks one embed at `embeds[index]` against Discord's limits, adding errors to `tree`.
 * Source: discord.com/developers/docs/resources/message#embed-object-embed-limits.
 */
export function checkEmbed(tree: ErrorTree, index: number, embed: unknown): EmbedCheck {
  const path: FieldPath = ['embeds', index];
  if (!isObject(embed)) {
    tree.add(path, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
    return { size: 0, visible: false };
  }
  const title = checkString(tree, [...path, 'title'], embed.title, { max: L.title });
  const description = checkString(tree, [...path, 'description'], embed.description, { max: L.description });
  checkUrl(tree, [...path, 'url'], embed.url);
  checkTimestamp(tree, [...path, 'timestamp'], embed.timestamp);
  checkInt(tree, [...path, 'color'], embed.color, 0, L.color);
  const fields = checkFields(tree, [...path, 'fields'], embed.fields);
  const footer = checkFooter(tree, [...path, 'footer'], embed.footer);
  const author = checkAuthor(tree, [...path, 'author'], embed.author);
  const image = checkMedia(tree, [...path, 'image'], embed.image);
  const thumbnail = checkMedia(tree, [...path, 'thumbnail'], embed.thumbnail);
  const size = sizeOf(title) + sizeOf(description) + fields.size + sizeOf(footer) + sizeOf(author);
  const visible =
    shows(title) || shows(description) || fields.count > 0 || shows(footer) || shows(author) || image || thumbnail;
  return { size, visible };
}
