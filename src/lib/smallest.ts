/**
 * The `k` smallest of `items` by `compare`, in order: what `[...items].sort(compare).slice(0, k)` gives when
 * `compare` is a total order (no two items compare equal), in O(n log k) rather than O(n log n). For the
 * head of a long list that is shown cut (the first labels of an alert carrying 200,000). A max-heap of
 * the `k` smallest so far: an item not below its top is dropped after one comparison.
 */
export function smallest<T>(items: readonly T[], k: number, compare: (a: T, b: T) => number): T[] {
  if (items.length <= k) return [...items].sort(compare);
  if (k <= 0) return [];
  const heap = items.slice(0, k);
  const down = (from: number): void => {
    let i = from;
    for (;;) {
      const left = 2 * i + 1;
      let top = i;
      if (left < k && compare(heap[left]!, heap[top]!) > 0) top = left;
      if (left + 1 < k && compare(heap[left + 1]!, heap[top]!) > 0) top = left + 1;
      if (top === i) return;
      [heap[i], heap[top]] = [heap[top]!, heap[i]!];
      i = top;
    }
  };
  for (let i = Math.floor(k / 2) - 1; i >= 0; i--) down(i);
  for (let i = k; i < items.length; i++) {
    if (compare(items[i]!, heap[0]!) >= 0) continue;
    heap[0] = items[i]!;
    down(0);
  }
  return heap.sort(compare);
}
