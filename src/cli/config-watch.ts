import { createHash } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Logger } from 'pino';

/** Quiet time after the last change before reloading: editors write a file in several steps. */
export const CONFIG_WATCH_DEBOUNCE_MS = 500;

export interface ConfigWatcher {
  /** Takes the file's current content as seen (after a reload by another trigger, e.g. SIGHUP). */
  sync(): void;
  close(): void;
}

export interface ConfigWatchOptions {
  logger: Logger;
  debounceMs?: number;
}

/**
 * Calls `onChange` when the content of `file` changes. Watches the file's DIRECTORY, not the file: editors
 * that save by writing a new file and renaming it over the old one (vim, many IDEs) and Kubernetes
 * ConfigMaps (a `..data` symlink swapped) replace the inode a file watch would follow. Every event in the
 * directory is debounced, then the file is read and hashed: only a real change of content reloads, and a
 * file caught mid-save (missing, unreadable) is looked at again on the next event. An empty file is handed
 * on like any content: the reload refuses it (the running config stays) and says why, once, instead of the
 * file staying empty without a word until a restart runs on the built-in defaults.
 */
export function watchConfigFile(file: string, onChange: () => void, options: ConfigWatchOptions): ConfigWatcher {
  const path = resolve(file);
  const debounceMs = options.debounceMs ?? CONFIG_WATCH_DEBOUNCE_MS;
  let seen = contentHash(path);
  let timer: NodeJS.Timeout | undefined;
  const settle = () => {
    timer = undefined;
    const now = contentHash(path);
    if (now === undefined || now === seen) return;
    seen = now;
    onChange();
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), { persistent: false }, () => {
      clearTimeout(timer);
      timer = setTimeout(settle, debounceMs);
    });
    watcher.on('error', (err) => {
      options.logger.warn({ err: String(err) }, 'config file watch stopped; reload with SIGHUP');
      watcher?.close();
    });
  } catch (err) {
    options.logger.warn({ err: String(err), file }, 'cannot watch the config file for changes; reload with SIGHUP');
  }
  return {
    sync() {
      seen = contentHash(path) ?? seen;
    },
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}

/** The content's hash; undefined when unreadable (an editor mid-save: renamed away, not yet written). */
function contentHash(path: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return undefined;
  }
}
