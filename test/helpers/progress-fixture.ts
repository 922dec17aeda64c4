import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { ProgressEventName } from '../../src/services/progress-handlers.js';
import { ProgressService } from '../../src/services/progress-service.js';
import { createInProcessPubSub, type ProgressPubSub } from '../../src/services/progress-pubsub.js';
import type { ProgressEvent } from '../../src/domain/progress-types.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import type { ProgressPersistence } from '../../src/store/progress-store.js';
import { createSqlitePersistence } from '../../src/store/sqlite-progress-store.js';
import { SqliteJournal } from '../../src/store/sqlite-journal.js';

export interface LogLine {
  level: number;
  msg: string;
  err?: { message: string; type?: string };
  [key: string]: unknown;
}

/** A pino logger at `error` level whose lines are parsed into `lines`. */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

export function tempDir(prefix = 'progress-test-'): string {
  return fs.mkdtempSync(join(os.tmpdir(), prefix));
}

/** A clock tests move by hand: `now` goes to ProgressService's `now` option. */
export function manualClock(start = 1_700_000_000_000) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

export interface FixtureOptions {
  /** Reuse a data dir (to re-open a database); a fresh temp dir otherwise. */
  dir?: string;
  throttleMs?: number;
  now?: () => number;
  historyLimit?: number;
  eventLogRetention?: number;
  pubsub?: ProgressPubSub;
  /** Wraps the SQLite persistence (e.g. to inject failures). */
  wrapPersistence?: (p: ProgressPersistence) => ProgressPersistence;
}

export interface Fixture {
  dir: string;
  db: Db;
  persistence: ProgressPersistence;
  pubsub: ProgressPubSub;
  service: ProgressService;
  /** Error-level log lines the service wrote. */
  logs: LogLine[];
  /** Closes the service then the database; keeps the dir (for a re-open). */
  close(): void;
  /** close() and remove the dir. */
  dispose(): void;
}

const open = new Set<Fixture>();

/** Disposes every fixture still open (call from afterEach). */
export function disposeAll(): void {
  for (const fx of [...open]) fx.dispose();
}

export function createFixture(options: FixtureOptions = {}): Fixture {
  const dir = options.dir ?? tempDir();
  const db = openDatabase(dir);
  const sqlite = createSqlitePersistence(db);
  const persistence = options.wrapPersistence ? options.wrapPersistence(sqlite) : sqlite;
  const pubsub = options.pubsub ?? createInProcessPubSub();
  const { logger, lines } = captureLogger();
  const service = new ProgressService({
    journal: new SqliteJournal(persistence),
    pubsub,
    logger,
    throttleMs: options.throttleMs ?? 0,
    now: options.now,
    historyLimit: options.historyLimit,
    eventLogRetention: options.eventLogRetention,
  });
  let closed = false;
  const fx: Fixture = {
    dir,
    db,
    persistence,
    pubsub,
    service,
    logs: lines,
    close() {
      if (closed) return;
      closed = true;
      service.close();
      db.close();
    },
    dispose() {
      fx.close();
      open.delete(fx);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  open.add(fx);
  return fx;
}

/** Records every event `service` hands to in-process subscribers of `name`. */
export function record(service: ProgressService, name: ProgressEventName = 'progress') {
  const events: ProgressEvent[] = [];
  const handler = (e: ProgressEvent) => void events.push(e);
  service.subscribe(name, handler);
  return { events, stop: () => service.unsubscribe(name, handler) };
}

/** `[seq, progress]` pairs, for comparing two event lists event by event. */
export const seqAndProgress = (events: readonly ProgressEvent[]) => events.map((e) => [e.seq, e.progress] as const);

/** The seq a cursor (`<epoch>:<seq>`) points at. */
export const seqOf = (cursor: string): number => Number(cursor.slice(cursor.lastIndexOf(':') + 1));

/** A cursor of `service`'s current epoch at `seq` (e.g. 0: from the start of the log). */
export const cursorAt = (service: ProgressService, seq: number): string =>
  `${service.lastCursor.slice(0, service.lastCursor.lastIndexOf(':'))}:${seq}`;
