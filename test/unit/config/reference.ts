import { z } from 'zod';

/**
 * Every YAML key the schema accepts, dotted (`server.body_limit`; records as `alert_types.<name>.color`;
 * arrays of objects as `routes[].match`), found by walking the zod schema itself, so the README's
 * configuration reference can be checked against it.
 */
export function schemaKeys(schema: z.ZodType, prefix = ''): string[] {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([key, child]) => {
      const path = prefix ? `${prefix}.${key}` : key;
      const nested = schemaKeys(child, path);
      return [path, ...nested];
    });
  }
  if (inner instanceof z.ZodRecord) return schemaKeys(inner.valueType as z.ZodType, `${prefix}.<name>`);
  if (inner instanceof z.ZodArray) return schemaKeys(inner.element as z.ZodType, `${prefix}[]`);
  return [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (let i = 0; i < 10; i++) {
    const def = (current as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; in?: z.ZodType; out?: z.ZodType } } })._zod.def;
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in instanceof z.ZodObject ? def.in : (def.out ?? def.in);
    else break;
  }
  return current;
}
