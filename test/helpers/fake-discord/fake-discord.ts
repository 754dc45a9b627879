import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestListener } from './server.js';
import type { FakeState } from './state.js';
import { createState, dropOpen } from './state.js';
import type {
  Fault,
  FakeDiscordOptions,
  FakeStats,
  FakeWebhook,
  RecordedMessage,
  RecordedRequest,
} from './types.js';

/** Default timeout of {@link FakeDiscord.waitForMessages}. */
export const DEFAULT_WAIT_MS = 15_000;

/**
 * A strict fake Discord on a real loopback socket: execute/get webhook with Discord's validation,
 * rate limits, error bodies and headers, plus fault injection and recording for assertions.
 */
export class FakeDiscord {
  private closed = false;

  /** @internal use {@link startFakeDiscord}. */
  constructor(
    private readonly server: Server,
    private readonly state: FakeState,
    /** Port the fake listens on (127.0.0.1). */
    readonly port: number,
  ) {}

  /** `http://127.0.0.1:PORT`. */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Stored messages, oldest first (live array). */
  get messages(): readonly RecordedMessage[] {
    return this.state.recorder.messages;
  }

  /** Every request received, oldest first (live array). */
  get requests(): readonly RecordedRequest[] {
    return this.state.recorder.requests;
  }

  /** Counters by status (live object). */
  get stats(): Readonly<FakeStats> {
    return this.state.recorder.stats;
  }

  /** The unversioned URL users paste: `http://127.0.0.1:PORT/api/webhooks/ID/TOKEN`. */
  urlFor(id: string): string {
    const webhook = this.webhook(id);
    return `${this.origin}/api/webhooks/${webhook.id}/${webhook.token}`;
  }

  /** The pinned URL: `http://127.0.0.1:PORT/api/v10/webhooks/ID/TOKEN` (or another version). */
  apiUrlFor(id: string, version = 10): string {
    const webhook = this.webhook(id);
    return `${this.origin}/api/v${version}/webhooks/${webhook.id}/${webhook.token}`;
  }

  /** Stored messages of one webhook. */
  messagesFor(id: string): RecordedMessage[] {
    return this.messages.filter((m) => m.webhookId === id);
  }

  /** Resolves with all stored messages once at least `count` are stored; rejects after `timeoutMs`. */
  waitForMessages(count: number, timeoutMs = DEFAULT_WAIT_MS): Promise<RecordedMessage[]> {
    return this.state.recorder.waitFor(count, timeoutMs);
  }

  /** Queues faults for the next requests to webhook `id` (FIFO, one per request). */
  inject(id: string, ...faults: Fault[]): void {
    this.state.faults.push(id, faults);
  }

  /** Faults still queued for `id`. */
  pendingFaults(id: string): number {
    return this.state.faults.pending(id);
  }

  /** Paused: every request is held unanswered; unpausing answers the held ones in arrival order. */
  setPaused(paused: boolean): void {
    this.state.paused = paused;
    if (paused) return;
    const held = this.state.held.splice(0);
    for (const run of held) run();
  }

  /**
   * Down (an outage): every request to every webhook, GETs included, gets `fault` (a 502 page, a reset…) until
   * `setDown(null)`; queued faults wait. Unlike {@link inject}, it lasts however many requests come.
   */
  setDown(fault: Fault | null): void {
    this.state.down = fault;
  }

  /** Broken (default true): the webhook answers 404 Unknown Webhook from now on, like a deleted one. */
  setBroken(id: string, broken = true): void {
    if (broken) this.state.broken.add(id);
    else this.state.broken.delete(id);
  }

  /** Registers another webhook (replacing one with the same id). */
  addWebhook(webhook: FakeWebhook): void {
    this.state.webhooks.set(webhook.id, webhook);
  }

  /**
   * Back to a fresh fake (same webhooks and port): forgets messages, requests, stats, rate-limit
   * windows, faults, broken marks, forum posts opened, pause; destroys the sockets of unanswered requests.
   */
  reset(): void {
    dropOpen(this.state);
    this.state.recorder.clear();
    this.state.limits.clear();
    this.state.faults.clear();
    this.state.broken.clear();
    this.state.openedThreads.clear();
    this.state.paused = false;
    this.state.down = null;
  }

  /** Stops listening; ends hanging/held requests (their sockets are destroyed) and rejects waiters. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.state.recorder.rejectWaiters('fake-discord closed before the messages arrived');
    dropOpen(this.state);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private webhook(id: string): FakeWebhook {
    const webhook = this.state.webhooks.get(id);
    if (webhook === undefined) throw new Error(`fake-discord: no webhook registered with id ${id}`);
    return webhook;
  }
}

/** Starts a fake Discord on 127.0.0.1, port 0 (a free one). Close it with `close()`. */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const state = createState(options);
  const server = createServer(createRequestListener(state));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return new FakeDiscord(server, state, port);
}
