import type { DeliveryResult } from '../library/notification-message.js';
import { parseSeverity } from '../routing/severity.js';
import { requestedType } from '../sources/generic/parse.js';
import { EXIT, UsageError, type CliIo, type ExitCode } from './args.js';
import { loadCliConfig, localService } from './local-service.js';
import type { SendRequest } from './send.js';

export interface DirectOptions {
  io: CliIo;
  file?: string;
  timeoutMs: number;
}

/**
 * `send --direct`: renders and sends from this process with DiscordNotificationService.send (rate limits,
 * retries, breaker and all), and prints the DeliveryResult as JSON. sent → 0; failed → 1; queue full,
 * Discord not answering at all (every retry and the webhook's GET failed) or no answer within the timeout
 * → 3. A dry run (no webhook, DRY_RUN) prints its result and exits 0, with a warning on stderr that nothing
 * reached Discord.
 */
export async function sendDirect(request: SendRequest, options: DirectOptions): Promise<ExitCode> {
  const { io } = options;
  const severity = request.severity === undefined ? undefined : parseSeverity(request.severity);
  if (request.severity !== undefined && !severity) throw new UsageError('--severity must be critical, error, warning or info (or a synonym)');
  if (request.status !== undefined && request.status.toLowerCase() !== 'firing') throw new UsageError('--status resolved needs a running alertcord (drop --direct)');
  const config = loadCliConfig(io, options.file);
  if (!config) return EXIT.failed;
  // Read as the running alertcord reads a script's type ("ERROR" is error): the two paths take the same --type.
  const alertType = requestedType(request.type) ?? request.type;
  if (!config.alertTypes.has(alertType)) {
    io.err(`alertcord: unknown alert type "${request.type}" (known: ${[...config.alertTypes.keys()].join(', ')})`);
    return EXIT.failed;
  }
  const service = localService(config, io);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), options.timeoutMs)));
  try {
    const result: DeliveryResult | undefined = await Promise.race([
      service.send({
        alertType,
        title: request.title ?? '',
        message: request.message ?? '',
        severity,
        url: request.url,
        fields: request.fields.length > 0 ? request.fields : undefined,
        template: Object.keys(request.template).length > 0 ? request.template : undefined,
      }),
      timedOut,
    ]);
    if (!result) {
      io.err(`alertcord: Discord did not take the message within ${options.timeoutMs / 1000}s (rate limit, 429 pause or retries); nothing is kept`);
      return EXIT.unavailable;
    }
    io.out(JSON.stringify(result, null, 2));
    if (result.status === 'dry_run') io.err(`alertcord: DRY RUN (${config.discord.dryRunReason ?? 'dry run'}): rendered and logged, not sent to Discord`);
    if (result.success) return EXIT.ok;
    // `queued` unsent: Discord does not answer at all (an outage). The library would send it once Discord
    // answers, but this process closes its service on return: nothing is kept, so it is "retry later" (as the
    // timeout is), not "failed", and the result's "stays queued" must not be read as a promise.
    if (result.status === 'queued') {
      io.err('alertcord: Discord does not answer (an outage, or no route to it); this command exits, so nothing is kept: retry later');
      return EXIT.unavailable;
    }
    return result.status === 'rate_limited' ? EXIT.unavailable : EXIT.failed;
  } finally {
    clearTimeout(timer);
    await service.close().catch(() => undefined);
  }
}
