/**
 * Label maps that count how often they are looked into (every proxy trap: key lists, own-property checks,
 * reads), for complexity guards that count work instead of timing it: a loop over labels that is
 * quadratic shows as a count far beyond the number of labels, on any machine.
 */
export function countingLabels() {
  let reads = 0;
  const count = <T extends object>(target: T): T =>
    new Proxy(target, {
      get: (t, key, receiver) => (reads++, Reflect.get(t, key, receiver)),
      has: (t, key) => (reads++, Reflect.has(t, key)),
      ownKeys: (t) => (reads++, Reflect.ownKeys(t)),
      getOwnPropertyDescriptor: (t, key) => (reads++, Reflect.getOwnPropertyDescriptor(t, key)),
    });
  return { count, reads: () => reads };
}
