/** `12.3 s` */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** `1,000` */
export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** `12.34 ms` */
export function millis(ms: number): string {
  return `${ms.toFixed(2)} ms`;
}

/** `123.4 MB` (MiB, as /proc counts kB of 1024 bytes) */
export function mebibytes(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

/** `{ user: 3, shared: 1 }` → `user 3, shared 1` (or `none`) */
export function counts(record: Readonly<Record<string, number>>): string {
  const parts = Object.entries(record).map(([k, v]) => `${k} ${v}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}
