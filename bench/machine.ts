import { cpus, totalmem } from 'node:os';

/** The machine the numbers were measured on, in one line. */
export function machineLine(): string {
  const list = cpus();
  const model = (list[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  const memGiB = (totalmem() / 1024 ** 3).toFixed(1);
  return `${list.length} cores (${model}), ${memGiB} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}`;
}

/** `2026-11-28 18:40 UTC` */
export function utcMinute(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}
