import { loadConfig as loadFrom, type LoadOptions, type LoadResult } from '../config/load.js';

/**
 * The library's `loadConfig`: like `DiscordNotificationService`, the process environment unless the caller
 * gives its own. The core loader reads only what it is given (tests, reloads); a program calling this without
 * `env` and handing the config to the service would otherwise run dry, every DISCORD_WEBHOOK_* unseen.
 */
export function loadConfig(options: LoadOptions = {}): LoadResult {
  return loadFrom({ ...options, env: options.env ?? process.env });
}
