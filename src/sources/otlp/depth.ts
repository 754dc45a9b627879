/**
 * Nesting depth of arrays/objects, counted as JSON would be, without recursion; stops once past `limit`.
 * Byte arrays count as leaves (they become strings).
 */
export function objectDepth(value: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null || ArrayBuffer.isView(node)) continue;
    if (depth > max) max = depth;
    if (max > limit) return max;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return max;
}
