import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type Db = Database.Database;

/** File name of the service's database inside DATA_DIR. */
export const DATABASE_FILE = 'progress.sqlite';

/**
 * Schema migrations, applied in order and recorded in `user_version`.
 * Append only: a shipped migration is never edited.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     seq INTEGER PRIMARY KEY,
     progress_id TEXT NOT NULL,
     progress_type TEXT NOT NULL,
     payload TEXT NOT NULL
   );
   CREATE TABLE active_progress (
     id TEXT PRIMARY KEY,
     payload TEXT NOT NULL
   );
   CREATE TABLE progress_history (
     hid INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL,
     type TEXT NOT NULL,
     status TEXT NOT NULL,
     payload TEXT NOT NULL
   );
   CREATE INDEX progress_history_id ON progress_history (id, hid);
   CREATE INDEX progress_history_type_status ON progress_history (type, status, hid);`,
  `CREATE TABLE queue_items (
     id TEXT PRIMARY KEY,
     position INTEGER NOT NULL,
     serie_folder TEXT NOT NULL,
     season INTEGER NOT NULL,
     episode INTEGER NOT NULL,
     status TEXT NOT NULL,
     payload TEXT NOT NULL
   );
   CREATE INDEX queue_items_position ON queue_items (position);
   CREATE TABLE kv (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL
   );`,
  // The event log's identity (see EventLog): one row, written when the log starts an epoch.
  `CREATE TABLE event_log_epoch (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     epoch TEXT NOT NULL,
     since INTEGER NOT NULL
   );`,
  `CREATE TABLE webhooks (
     id TEXT PRIMARY KEY,
     created_at INTEGER NOT NULL,
     payload TEXT NOT NULL
   );
   CREATE TABLE webhook_outbox (
     webhook_id TEXT NOT NULL,
     seq INTEGER NOT NULL,
     cursor TEXT NOT NULL,
     event_type TEXT NOT NULL,
     body TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     first_failed_at INTEGER,
     next_attempt_at INTEGER NOT NULL DEFAULT 0,
     last_status INTEGER,
     last_error TEXT,
     PRIMARY KEY (webhook_id, seq)
   );`,
];

/**
 * better-sqlite3 12 on Node 24 aborts the process (`Assertion failed: (env) != nullptr` in
 * node::RemoveEnvironmentCleanupHook) when the garbage collector finalizes one of its objects at
 * the wrong moment: Node 24's ObjectWrap removes an environment cleanup hook in its destructor,
 * which needs a current Environment a GC pass may not have (WiseLibs/better-sqlite3#1515; 13's
 * Node-API rewrite fixes it, the project stays on 12.11.1). Seen here under load on Node 24.21
 * (test/integration/server-compression.test.ts). So none of those objects is ever left to the
 * collector: every database is kept, and statements are prepared once per SQL text and kept,
 * for the life of the process. The SQL texts are few (the stores' fixed queries, a bounded set
 * of filter shapes), so this costs a few KB.
 */
const KEPT: object[] = [];

/** Makes `db` keep itself and every statement it prepares (see KEPT); pragma() goes through prepare(). */
export function keepAlive(db: Db): Db {
  KEPT.push(db);
  const statements = new Map<string, Database.Statement>();
  const prepare = db.prepare.bind(db);
  const cachedPrepare = (sql: string): Database.Statement => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  db.prepare = cachedPrepare as Db['prepare'];
  db.pragma = ((source: string, options?: { simple?: boolean }) => {
    const statement = cachedPrepare(`PRAGMA ${source}`);
    if (!statement.reader) {
      statement.run();
      return options?.simple ? undefined : [];
    }
    if (!options?.simple) return statement.all();
    const row = statement.get() as Record<string, unknown> | undefined;
    return row ? Object.values(row)[0] : undefined;
  }) as Db['pragma'];
  return db;
}

/**
 * Opens (creating if needed) the SQLite database under `dataDir` in WAL mode.
 * `synchronous = NORMAL` keeps every committed transaction across a process crash
 * (kill -9); only a power loss can take the last few.
 */
export function openDatabase(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = keepAlive(new Database(join(dataDir, DATABASE_FILE)));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let i = version; i < MIGRATIONS.length; i++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[i]!);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
  return db;
}
