/**
 * OTLP JSON written with the proto field names (`resource_logs`, `severity_number`, `string_value` …) →
 * the lowerCamelCase keys schema.ts reads. The OTLP spec asks senders for lowerCamelCase, but proto3 JSON
 * parsers accept both (protobuf "JSON Mapping": "Parsers accept both the lowerCamelCase name … and the
 * original proto field name"), and hand-written senders and proto3 tools that keep the proto names write
 * them. Without this, such a request is answered 200 and none of its records is delivered (unknown keys are
 * ignored).
 */

/** A proto field name with at least one `_` (never `__proto__`: it starts with a letter). */
const SNAKE_KEY = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/;

/**
 * Renames every snake_case key to its lowerCamelCase form, in place; returns `request`. Every object key
 * of an `ExportLogsServiceRequest` is a field name (OTLP has no proto `map` fields: attributes are
 * `{ key, value }` lists), so no user data is renamed. A lowerCamelCase key already present wins.
 * Without recursion: depth is bounded only by `server.max_json_depth`.
 */
export function camelCaseOtlpKeys(request: unknown): unknown {
  const stack: unknown[] = [request];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
      continue;
    }
    const object = node as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      const child = object[key];
      if (typeof child === 'object' && child !== null) stack.push(child);
      if (!key.includes('_') || !SNAKE_KEY.test(key)) continue;
      const camel = key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
      if (!Object.hasOwn(object, camel)) object[camel] = child;
      delete object[key];
    }
  }
  return request;
}
