import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { FINISHED_STATUSES, PROGRESS_TYPES, type ProgressEvent, type ProgressRecord } from '../domain/progress-types.js';
import type {
  CursorCheck,
  JournalBatch,
  JournalEntry,
  JournalListener,
  ProgressJournal,
  ProgressStateReader,
} from './progress-journal.js';
import type { HistoryPage, HistoryQuery } from './progress-store.js';
import { unavailable } from './errors.js';
import type { RedisKeys } from './redis-keys.js';
import { WEBHOOK_ERROR_PREFIX } from './webhook-store.js';

/** Events the Stream keeps at least (XADD MAXLEN ~ never trims below it); the contract's 10,000. */
export const REDIS_MIN_RETENTION = 10_000;
/** Longest a blocking read waits before it looks at the log's identity again. */
export const READ_BLOCK_MS = 2_000;
/** Entries one read or replay page takes from the Stream. */
const READ_COUNT = 1_000;
/** Pause before a failed read is tried again (the connection reconnects meanwhile). */
const READ_RETRY_MS = 200;

/**
 * How live events reach every instance: `xread`, a blocking XREAD loop on the Stream itself, or
 * `pubsub`, each batch PUBLISHed by the append script, with the Stream read (XRANGE) only
 * to fill a gap (after a reconnect, or a message that skipped ahead). See bench/journal.ts.
 */
export type RedisLiveMode = 'xread' | 'pubsub';

export interface RedisJournalOptions {
  /** Commands. */
  redis: Redis;
  /** A second connection, only for live reading (a blocking XREAD or SUBSCRIBE holds it). */
  reader: Redis;
  keys: RedisKeys;
  logger: Logger;
  /** Events kept, at least REDIS_MIN_RETENTION. @default REDIS_MIN_RETENTION */
  retention?: number;
  /** @default 'pubsub' (see bench/RESULTS-journal.md) */
  live?: RedisLiveMode;
}

// Every script starts by making sure of the log's identity. A log is a new one (new identity,
// so cursors into the old one expire) when the identity key is gone (the data was lost) or
// when its counter is below what the caller already saw (Redis came back without its last
// writes): the counter then restarts above what the caller saw, so no position is reused.
// ARGV[1] the caller's identity ('' if none), ARGV[2] its head, ARGV[3] a fresh identity.
const ENSURE = `
local function ensure(kIdentity, kSeq, mine, head, fresh)
  local cur = redis.call('GET', kIdentity)
  local seq = tonumber(redis.call('GET', kSeq) or '0')
  if cur and (cur ~= mine or seq >= head) then return cur end
  local start = math.max(seq, head)
  redis.call('SET', kSeq, start)
  cur = fresh .. '/' .. start
  redis.call('SET', kIdentity, cur)
  return cur
end
`;

// KEYS: events, seq, identity, active, historyData, historySeq, historyAll, historyLatest, channel,
//       webhookFilters
// ARGV: mine, head, fresh, maxlen, publish, historyByPrefix, pruneHistory, nEvents, events...,
//       nActive, (id, json)..., nFinished, (id, type, status, json)..., outboxPrefix, webhookErrorPrefix
// Webhook outboxes are filled here, in the same script as the events (see RedisWebhookStore):
// with no webhook registered this costs one HGETALL of an empty hash.
const APPEND = `${ENSURE}
local identity = ensure(KEYS[3], KEYS[2], ARGV[1], tonumber(ARGV[2]), ARGV[3])
local n = tonumber(ARGV[8])
local first = redis.call('INCRBY', KEYS[2], n) - n + 1
local i = 9
for k = 0, n - 1 do
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[4], (first + k) .. '-0', 'e', ARGV[i + k], 'i', identity)
end
if ARGV[5] == '1' and n > 0 then
  redis.call('PUBLISH', KEYS[9], identity .. '\\n' .. first .. '\\n' .. table.concat(ARGV, '\\n', i, i + n - 1))
end
i = i + n
local na = tonumber(ARGV[i]); i = i + 1
for k = 1, na do
  redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1]); i = i + 2
end
local nf = tonumber(ARGV[i]); i = i + 1
for k = 1, nf do
  local id, t, s, json = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]; i = i + 4
  redis.call('HDEL', KEYS[4], id)
  local hid = redis.call('INCR', KEYS[6])
  redis.call('HSET', KEYS[5], hid, json)
  redis.call('ZADD', KEYS[7], hid, hid)
  redis.call('ZADD', ARGV[6] .. t .. ':' .. s, hid, hid)
  redis.call('HSET', KEYS[8], id, hid)
end
local hooks = redis.call('HGETALL', KEYS[10])
if #hooks > 0 and n > 0 then
  local outboxPrefix, errPrefix = ARGV[i], ARGV[i + 1]
  local filters = {}
  for k = 1, #hooks, 2 do
    local f = cjson.decode(hooks[k + 1])
    local types = nil
    if type(f.types) == 'table' then
      types = {}
      for _, t in ipairs(f.types) do types[t] = true end
    end
    local statuses = {}
    for _, st in ipairs(f.statuses) do statuses[st] = true end
    filters[#filters + 1] = {hooks[k], types, statuses}
  end
  local base = string.match(identity, '^(.*)/')
  for k = 0, n - 1 do
    local payload = ARGV[9 + k]
    local p = cjson.decode(payload).progress
    if string.sub(p.id, 1, #errPrefix) ~= errPrefix then
      local seq = first + k
      for _, f in ipairs(filters) do
        if (f[2] == nil or f[2][p.type]) and f[3][p.status] then
          redis.call('RPUSH', outboxPrefix .. f[1], seq .. '\\n' .. base .. ':' .. seq .. '\\n' .. payload)
        end
      end
    end
  end
end
local keep = tonumber(ARGV[7])
local prunedHistory = 0
if keep > 0 then
  local cutoff = tonumber(redis.call('GET', KEYS[6]) or '0') - keep
  if cutoff > 0 then
    local old = redis.call('ZRANGEBYSCORE', KEYS[7], '-inf', cutoff)
    prunedHistory = #old
    for k = 1, #old, 500 do
      redis.call('HDEL', KEYS[5], unpack(old, k, math.min(k + 499, #old)))
    end
    redis.call('ZREMRANGEBYSCORE', KEYS[7], '-inf', cutoff)
    for _, t in ipairs({${PROGRESS_TYPES.map((t) => `'${t}'`).join(',')}}) do
      for _, s in ipairs({${[...FINISHED_STATUSES].map((s) => `'${s}'`).join(',')}}) do
        redis.call('ZREMRANGEBYSCORE', ARGV[6] .. t .. ':' .. s, '-inf', cutoff)
      end
    end
  end
end
return {identity, first, prunedHistory}
`;

// KEYS: events, seq, identity. ARGV: mine, head, fresh. Returns {identity, newest}.
const CHECK = `${ENSURE}
local identity = ensure(KEYS[3], KEYS[2], ARGV[1], tonumber(ARGV[2]), ARGV[3])
return {identity, redis.call('GET', KEYS[2]) or '0'}
`;

type Identity = { id: string; start: number };

function parseIdentity(raw: string): Identity {
  const slash = raw.lastIndexOf('/');
  return { id: raw.slice(0, slash), start: Number(raw.slice(slash + 1)) };
}

const freshId = () => randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').toLowerCase();
const CURSOR_PATTERN = /^([A-Za-z0-9_-]{1,64}):(\d{1,15})$/;

/** A Stream entry (fields e: the event, i: the identity of the log it was written to). */
function entryToEvent(id: string, fields: string[]): ProgressEvent & { identity: string } {
  const seq = Number(id.slice(0, id.indexOf('-')));
  const e = JSON.parse(fields[1]!) as JournalEntry;
  const identity = parseIdentity(fields[3] ?? '/0').id;
  return { seq, cursor: `${identity}:${seq}`, missed: 0, type: e.type, room: e.room, progress: e.progress, identity };
}

/** The event without the entry's bookkeeping. */
function plain({ identity: _identity, ...event }: ProgressEvent & { identity: string }): ProgressEvent {
  return event;
}

interface RedisWithScripts extends Redis {
  journalAppend(...args: (string | number)[]): Promise<[string, number, number]>;
  journalCheck(...args: (string | number)[]): Promise<[string, string]>;
}

/**
 * The journal in a Redis Stream, shared by every instance: positions come from one counter
 * inside the append script (one total order), entries have the id `<seq>-0`, so a cursor
 * `<identity>-<seq>` means the same on every instance. Active records and history change in
 * the same script, atomically with the events they come from.
 */
export class RedisJournal implements ProgressJournal, ProgressStateReader {
  readonly backend = 'redis' as const;
  private readonly redis: RedisWithScripts;
  private readonly reader: Redis;
  private readonly keys: RedisKeys;
  private readonly logger: Logger;
  private readonly retention: number;
  readonly live: RedisLiveMode;
  private readonly listeners = new Set<JournalListener>();
  private readonly resetListeners = new Set<(identity: string) => void>();
  private ident: Identity = { id: '', start: 0 };
  private delivered = 0;
  private closed = false;
  private needCheck = false;
  private pruned = { events: 0, history: 0 };
  private loop: Promise<void> | null = null;
  /** pub/sub mode: deliveries run one after another (a gap fill may be in between). */
  private chain: Promise<void> = Promise.resolve();

  constructor(options: RedisJournalOptions) {
    this.redis = options.redis as RedisWithScripts;
    this.reader = options.reader;
    this.keys = options.keys;
    this.logger = options.logger;
    this.retention = Math.max(REDIS_MIN_RETENTION, options.retention ?? 0);
    this.live = options.live ?? 'pubsub';
    if (!this.redis.journalAppend) {
      this.redis.defineCommand('journalAppend', { numberOfKeys: 10, lua: APPEND });
      this.redis.defineCommand('journalCheck', { numberOfKeys: 3, lua: CHECK });
    }
  }

  /** Learns the log's identity and newest position, and starts reading live from there. */
  async open(): Promise<void> {
    const [raw, newest] = await this.check();
    this.ident = parseIdentity(raw);
    this.delivered = Number(newest);
    // A reconnect may be to a Redis that lost data or came back from an older AOF.
    this.reader.on('ready', () => {
      this.needCheck = true;
      if (this.live === 'pubsub') this.chain = this.chain.then(() => this.fill());
    });
    if (this.live === 'xread') {
      this.loop = this.readLoop();
    } else {
      this.reader.on('messageBuffer', (_channel: Buffer, message: Buffer) => this.onMessage(message.toString()));
      await this.reader.subscribe(this.keys.channel);
      // Anything appended between check() and SUBSCRIBE comes from the Stream.
      this.chain = this.chain.then(() => this.fill());
    }
  }

  private check(): Promise<[string, string]> {
    return this.redis.journalCheck(
      this.keys.events,
      this.keys.seq,
      this.keys.identity,
      this.identityRaw(),
      this.delivered,
      freshId(),
    );
  }

  private identityRaw(): string {
    return this.ident.id ? `${this.ident.id}/${this.ident.start}` : '';
  }

  get identity(): string {
    return this.ident.id;
  }

  get head(): number {
    return this.delivered;
  }

  cursorOf(seq: number): string {
    return `${this.ident.id}:${seq}`;
  }

  checkCursor(cursor: string): Promise<CursorCheck> {
    return unavailable(this.checkCursorRaw(cursor));
  }

  private async checkCursorRaw(cursor: string): Promise<CursorCheck> {
    const m = CURSOR_PATTERN.exec(cursor);
    if (!m) return { ok: false, reason: 'malformed' };
    const seq = Number(m[2]);
    const [raw, newestRaw] = await this.redis.pipeline().get(this.keys.identity).get(this.keys.seq).exec().then((r) => {
      if (!r) throw new Error('pipeline failed');
      for (const [err] of r) if (err) throw err;
      return [r[0]![1] as string | null, r[1]![1] as string | null];
    });
    const { oldest } = await this.bounds();
    if (!raw || parseIdentity(raw).id !== m[1]) return { ok: false, reason: 'expired', oldest, lost: true };
    const identity = parseIdentity(raw);
    const newest = Number(newestRaw ?? 0);
    if (seq > newest) return { ok: false, reason: 'ahead', newest };
    if (seq < identity.start) return { ok: false, reason: 'expired', oldest, lost: true };
    if (oldest !== null && seq < oldest - 1) return { ok: false, reason: 'expired', oldest };
    return { ok: true, seq };
  }

  append(batch: JournalBatch): Promise<ProgressEvent[]> {
    return unavailable(this.appendRaw(batch));
  }

  private async appendRaw(batch: JournalBatch): Promise<ProgressEvent[]> {
    const args: (string | number)[] = [
      this.keys.events,
      this.keys.seq,
      this.keys.identity,
      this.keys.active,
      this.keys.historyData,
      this.keys.historySeq,
      this.keys.historyAll,
      this.keys.historyLatest,
      this.keys.channel,
      this.keys.webhookFilters,
      this.identityRaw(),
      this.delivered,
      freshId(),
      this.retention,
      this.live === 'pubsub' ? '1' : '0',
      // "<prefix>progress:history:by:": the script appends "<type>:<status>".
      this.keys.historyBy('', '').slice(0, -1),
      batch.prune ? batch.prune.history : 0,
      batch.events.length,
    ];
    const payloads = batch.events.map((e) => JSON.stringify({ type: e.type, room: e.room, progress: e.progress }));
    args.push(...payloads, batch.active.length);
    for (const r of batch.active) args.push(r.id, JSON.stringify(r));
    args.push(batch.finished.length);
    for (const r of batch.finished) args.push(r.id, r.type, r.status, JSON.stringify(r));
    args.push(this.keys.webhookOutboxPrefix, WEBHOOK_ERROR_PREFIX);
    const [raw, firstRaw, prunedHistory] = await this.redis.journalAppend(...args);
    const identity = parseIdentity(raw);
    const first = Number(firstRaw);
    // Events are trimmed by XADD MAXLEN ~ as they are added: only history counts are known.
    this.pruned.history += Number(prunedHistory);
    return batch.events.map((e, i) => ({ ...e, seq: first + i, cursor: `${identity.id}:${first + i}`, missed: 0 }));
  }

  readAfter(after: number, limit: number): Promise<ProgressEvent[]> {
    return unavailable(this.readAfterRaw(after, limit));
  }

  private async readAfterRaw(after: number, limit: number): Promise<ProgressEvent[]> {
    const entries = (await this.redis.xrange(this.keys.events, `${after + 1}-0`, '+', 'COUNT', limit)) as Array<
      [string, string[]]
    >;
    return entries.map(([id, fields]) => plain(entryToEvent(id, fields)));
  }

  bounds(): Promise<{ oldest: number | null; newest: number | null }> {
    return unavailable(this.boundsRaw());
  }

  private async boundsRaw(): Promise<{ oldest: number | null; newest: number | null }> {
    const [first, last] = await Promise.all([
      this.redis.xrange(this.keys.events, '-', '+', 'COUNT', 1),
      this.redis.xrevrange(this.keys.events, '+', '-', 'COUNT', 1),
    ]);
    const seqOf = (e: [string, string[]] | undefined) => (e ? Number(e[0].slice(0, e[0].indexOf('-'))) : null);
    return { oldest: seqOf(first[0] as [string, string[]] | undefined), newest: seqOf(last[0] as [string, string[]] | undefined) };
  }

  takePruned(): { events: number; history: number } {
    const out = this.pruned;
    this.pruned = { events: 0, history: 0 };
    return out;
  }

  listen(listener: JournalListener, onReset?: (identity: string) => void): () => void {
    this.listeners.add(listener);
    if (onReset) this.resetListeners.add(onReset);
    return () => {
      this.listeners.delete(listener);
      if (onReset) this.resetListeners.delete(onReset);
    };
  }

  // ---- live reading -----------------------------------------------------------------------

  private deliver(events: ProgressEvent[]): void {
    const fresh = events.filter((e) => e.seq > this.delivered);
    if (fresh.length === 0) return;
    if (fresh[0]!.seq > this.delivered + 1) {
      // Trimmed while this instance was away for longer than the log keeps.
      this.logger.warn({ from: this.delivered, to: fresh[0]!.seq }, 'live reading skipped events no longer in the log');
    }
    this.delivered = fresh[fresh.length - 1]!.seq;
    for (const listener of this.listeners) {
      try {
        listener(fresh);
      } catch (err) {
        this.logger.error({ err }, 'journal listener threw');
      }
    }
  }

  /** After a reconnect: is it still the same log? If not, read the new one from its start. */
  private async recheck(): Promise<void> {
    this.needCheck = false;
    const [raw] = await this.check();
    const identity = parseIdentity(raw);
    if (identity.id === this.ident.id) return;
    this.logger.warn({ was: this.ident.id, now: identity.id }, 'the Redis event log was lost or rolled back: old cursors expire');
    this.ident = identity;
    this.delivered = identity.start;
    for (const onReset of this.resetListeners) {
      try {
        onReset(identity.id);
      } catch (err) {
        this.logger.error({ err }, 'journal reset listener threw');
      }
    }
  }

  private async readLoop(): Promise<void> {
    let lastCheck = Date.now();
    while (!this.closed) {
      try {
        if (this.needCheck || Date.now() - lastCheck > READ_BLOCK_MS) {
          await this.recheck();
          lastCheck = Date.now();
        }
        const res = (await this.reader.xread(
          'COUNT',
          READ_COUNT,
          'BLOCK',
          READ_BLOCK_MS,
          'STREAMS',
          this.keys.events,
          `${this.delivered}-0`,
        )) as Array<[string, Array<[string, string[]]>]> | null;
        if (!res || this.closed) continue;
        let events = res[0]![1].map(([id, fields]) => entryToEvent(id, fields));
        // Written to another log than the one this instance knows (Redis lost its data and
        // came back): learn the new one first, then read it from its start.
        if (events.some((e) => e.identity !== this.ident.id)) {
          await this.recheck();
          events = events.filter((e) => e.identity === this.ident.id);
        }
        this.deliver(events.map(plain));
      } catch (err) {
        if (this.closed) return;
        this.needCheck = true;
        this.logger.debug({ err }, 'live read failed; retrying');
        await new Promise((r) => setTimeout(r, READ_RETRY_MS));
      }
    }
  }

  private onMessage(message: string): void {
    this.chain = this.chain.then(async () => {
      if (this.closed) return;
      const nl1 = message.indexOf('\n');
      const nl2 = message.indexOf('\n', nl1 + 1);
      const identity = parseIdentity(message.slice(0, nl1));
      const first = Number(message.slice(nl1 + 1, nl2));
      if (identity.id !== this.ident.id || this.needCheck) await this.recheck();
      if (identity.id !== this.ident.id) return; // a stale message from before a reset
      if (first > this.delivered + 1) await this.fill();
      const lines = message.slice(nl2 + 1).split('\n');
      this.deliver(
        lines.map((line, i) => {
          const e = JSON.parse(line) as JournalEntry;
          const seq = first + i;
          return { seq, cursor: `${identity.id}:${seq}`, missed: 0, type: e.type, room: e.room, progress: e.progress };
        }),
      );
    }).catch((err: unknown) => {
      this.needCheck = true;
      this.logger.warn({ err }, 'live message could not be delivered; the next one fills the gap');
    });
  }

  /** pub/sub mode: reads what was missed from the Stream. */
  private async fill(): Promise<void> {
    if (this.closed) return;
    try {
      if (this.needCheck) await this.recheck();
      for (;;) {
        const page = await this.readAfter(this.delivered, READ_COUNT);
        if (page.length === 0) return;
        this.deliver(page);
        if (page.length < READ_COUNT) return;
      }
    } catch (err) {
      this.needCheck = true;
      this.logger.warn({ err }, 'could not fill the live gap from the Stream; retrying on the next message');
    }
  }

  // ---- state as every instance reads it ---------------------------------------------------

  loadActive(): Promise<ProgressRecord[]> {
    return unavailable(this.loadActiveRaw());
  }

  private async loadActiveRaw(): Promise<ProgressRecord[]> {
    const all = await this.redis.hvals(this.keys.active);
    return all.map((json) => JSON.parse(json) as ProgressRecord);
  }

  latestFinished(id: string): Promise<ProgressRecord | null> {
    return unavailable(this.latestFinishedRaw(id));
  }

  private async latestFinishedRaw(id: string): Promise<ProgressRecord | null> {
    const hid = await this.redis.hget(this.keys.historyLatest, id);
    if (!hid) return null;
    const json = await this.redis.hget(this.keys.historyData, hid);
    return json ? (JSON.parse(json) as ProgressRecord) : null;
  }

  history(query: HistoryQuery): Promise<HistoryPage> {
    return unavailable(this.historyRaw(query));
  }

  private async historyRaw(query: HistoryQuery): Promise<HistoryPage> {
    const types = query.types?.length ? query.types : PROGRESS_TYPES;
    const statuses = (query.statuses?.length ? query.statuses : [...FINISHED_STATUSES]).filter((s) =>
      FINISHED_STATUSES.has(s),
    );
    const filtered = Boolean(query.types?.length || query.statuses?.length);
    const sets = filtered ? types.flatMap((t) => statuses.map((s) => this.keys.historyBy(t, s))) : [this.keys.historyAll];
    const max = query.before != null ? `(${query.before}` : '+inf';
    const pipe = this.redis.pipeline();
    for (const set of sets) pipe.zcard(set);
    for (const set of sets) pipe.zrevrangebyscore(set, max, '-inf', 'LIMIT', 0, query.limit + 1);
    const results = await pipe.exec();
    if (!results) throw new Error('history read failed');
    for (const [err] of results) if (err) throw err;
    const totalCount = results.slice(0, sets.length).reduce((n, [, c]) => n + Number(c), 0);
    const hids = results
      .slice(sets.length)
      .flatMap(([, members]) => (members as string[]).map(Number))
      .sort((a, b) => b - a)
      .slice(0, query.limit + 1);
    const page = hids.slice(0, query.limit);
    const payloads = page.length ? await this.redis.hmget(this.keys.historyData, ...page.map(String)) : [];
    const entries = page.flatMap((key, i) =>
      payloads[i] ? [{ key, record: JSON.parse(payloads[i]!) as ProgressRecord }] : [],
    );
    return { entries, totalCount, hasMore: hids.length > query.limit };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.resetListeners.clear();
    this.reader.disconnect();
    await this.loop?.catch(() => undefined);
    await this.chain.catch(() => undefined);
  }
}
