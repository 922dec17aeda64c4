import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { StoreUnavailableError } from './errors.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * Longest a caller waits for the queue runner to answer: more than a takeover takes (the lease
 * TTL plus a recovery), so a command sent while the runner dies is answered by the next one.
 */
export const COMMAND_TIMEOUT_MS = 20_000;
/** Commands kept in the Stream (only the unanswered recent ones matter). */
const COMMAND_RETENTION = 1_000;
const READ_BLOCK_MS = 1_000;
const READ_RETRY_MS = 200;

/** What a failed command says: an error code (`extensions.code`) and a message. */
export interface CommandFailure {
  code: string;
  message: string;
}

/** A command that the runner refused or that got no answer in time. */
export class CommandError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

export type CommandHandler = (name: string, args: unknown[]) => Promise<unknown>;
/** Turns what a handler threw into what the caller is told. */
export type FailureOf = (err: unknown) => CommandFailure;

interface Reply {
  id: string;
  ok: boolean;
  result?: unknown;
  error?: CommandFailure;
}

/**
 * Commands from any instance to the one that runs the queue. A caller appends
 * `{id, name, args, replyTo}` to a Stream and waits for the answer on its own pub/sub channel;
 * the runner reads the Stream from where the last runner stopped (kept in Redis), runs each
 * command with the same code a single instance runs, and publishes the result. A command
 * left unanswered by a runner that died is run by the next one if its caller still waits
 * (commands older than COMMAND_TIMEOUT_MS are skipped), so a mutation sent during a
 * takeover is answered, at least once.
 */
export class RedisCommandBus {
  private readonly waiting = new Map<string, { resolve: (r: Reply) => void; timer: NodeJS.Timeout }>();
  private readonly channel: string;
  private serving: { stop: boolean; loop: Promise<void> } | null = null;

  constructor(
    private readonly redis: Redis,
    /** A subscriber connection for replies to this instance. */
    private readonly subscriber: Redis,
    /** A connection for the runner's blocking reads (only used while serving). */
    private readonly blocking: Redis,
    private readonly keys: RedisKeys,
    private readonly instanceId: string,
    private readonly logger: Logger,
  ) {
    this.channel = `${keys.commands}:reply:${instanceId}`;
  }

  async open(): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const reply = JSON.parse(message) as Reply;
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      clearTimeout(waiter.timer);
      waiter.resolve(reply);
    });
    await this.subscriber.subscribe(this.channel);
  }

  /** Sends a command to the runner and resolves with its result (throws CommandError). */
  async call(name: string, args: unknown[], timeoutMs = COMMAND_TIMEOUT_MS): Promise<unknown> {
    const id = randomUUID();
    const answered = new Promise<Reply>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve({
          id,
          ok: false,
          error: { code: 'UNAVAILABLE', message: `no instance ran "${name}" within ${timeoutMs / 1000}s: the queue runner is unavailable` },
        });
      }, timeoutMs);
      timer.unref();
      this.waiting.set(id, { resolve, timer });
    });
    try {
      await this.redis.xadd(
        this.keys.commands,
        'MAXLEN',
        '~',
        COMMAND_RETENTION,
        '*',
        'c',
        JSON.stringify({ id, name, args, replyTo: this.channel }),
      );
    } catch (err) {
      const waiter = this.waiting.get(id);
      if (waiter) clearTimeout(waiter.timer);
      this.waiting.delete(id);
      throw new StoreUnavailableError(err);
    }
    const reply = await answered;
    if (reply.ok) return reply.result;
    throw new CommandError(reply.error!.code, reply.error!.message);
  }

  /** Runs commands with `handler` until `stopServing` (while this instance holds the lease). */
  serve(handler: CommandHandler, failureOf: FailureOf): void {
    if (this.serving) return;
    const state = { stop: false, loop: Promise.resolve() };
    state.loop = this.serveLoop(state, handler, failureOf);
    this.serving = state;
  }

  async stopServing(): Promise<void> {
    const state = this.serving;
    if (!state) return;
    this.serving = null;
    state.stop = true;
    await state.loop;
  }

  private async serveLoop(state: { stop: boolean }, handler: CommandHandler, failureOf: FailureOf): Promise<void> {
    const doneKey = `${this.keys.commands}:done`;
    let last: string | null = null;
    while (!state.stop) {
      try {
        // Where the last runner stopped; with none, the recent commands that may still be awaited.
        last ??= (await this.redis.get(doneKey)) ?? `${Date.now() - COMMAND_TIMEOUT_MS}-0`;
        const res = (await this.blocking.xread('COUNT', 100, 'BLOCK', READ_BLOCK_MS, 'STREAMS', this.keys.commands, last)) as
          | Array<[string, Array<[string, string[]]>]>
          | null;
        if (!res || state.stop) continue;
        for (const [entryId, fields] of res[0]![1]) {
          if (state.stop) break;
          last = entryId;
          const sentAt = Number(entryId.slice(0, entryId.indexOf('-')));
          const command = JSON.parse(fields[1]!) as { id: string; name: string; args: unknown[]; replyTo: string };
          if (Date.now() - sentAt > COMMAND_TIMEOUT_MS) continue; // its caller gave up
          let reply: Reply;
          try {
            reply = { id: command.id, ok: true, result: await handler(command.name, command.args) };
          } catch (err) {
            reply = { id: command.id, ok: false, error: failureOf(err) };
          }
          await this.redis.set(doneKey, entryId);
          await this.redis.publish(command.replyTo, JSON.stringify(reply));
        }
      } catch (err) {
        if (state.stop) return;
        this.logger.debug({ err: (err as Error).message }, 'reading queue commands failed; retrying');
        await new Promise((r) => setTimeout(r, READ_RETRY_MS));
      }
    }
  }

  async close(): Promise<void> {
    await this.stopServing();
    for (const [id, waiter] of this.waiting) {
      clearTimeout(waiter.timer);
      waiter.resolve({ id, ok: false, error: { code: 'UNAVAILABLE', message: 'this instance is stopping' } });
    }
    this.waiting.clear();
  }
}
