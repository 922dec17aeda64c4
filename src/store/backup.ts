import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync, fsyncSync, closeSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DATABASE_FILE, keepAlive } from './database.js';

/** Pages copied per backup step: all of them in one step (see backupDatabase). */
const ALL_PAGES = 0x7fffffff;

export interface BackupResult {
  /** The database copied. */
  source: string;
  /** The copy written. */
  file: string;
  bytes: number;
  pages: number;
}

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/**
 * Copies the database in `dataDir` to `file` with SQLite's online backup API while the service
 * may be running and writing. The copy is taken in a single backup step, that is inside one
 * read transaction of the source: it is one consistent state, and a write by the service
 * meanwhile (WAL mode lets it go on) cannot make SQLite restart the copy again and again.
 * The copy is written beside `file` under a temporary name, checked, fsynced and renamed, so
 * `file` is either absent or whole. An existing `file` is refused unless `overwrite`.
 */
export async function backupDatabase(dataDir: string, file: string, options: { overwrite?: boolean } = {}): Promise<BackupResult> {
  const source = join(resolve(dataDir), DATABASE_FILE);
  const target = resolve(file);
  if (!existsSync(source)) throw new BackupError(`no database at ${source}: is DATA_DIR (--data-dir) right?`);
  if (!options.overwrite && existsSync(target)) throw new BackupError(`${target} exists already: choose another file, or pass --force`);
  if (!existsSync(dirname(target))) throw new BackupError(`the folder ${dirname(target)} does not exist`);
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  // Read-only: the backup never changes the live database (and runs no migration).
  const db = keepAlive(new Database(source, { readonly: true, fileMustExist: true }));
  try {
    db.pragma('busy_timeout = 5000');
    const progress = await db.backup(temp, { progress: () => ALL_PAGES });
    // One self-contained file: the copy inherits WAL mode, which would give it -wal and -shm
    // companions; the service switches a restored database back to WAL when it opens it.
    const copy = keepAlive(new Database(temp));
    try {
      copy.pragma('journal_mode = DELETE');
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new BackupError(`the copy failed SQLite's integrity check: ${String(check)}`);
    } finally {
      copy.close();
    }
    const fd = openSync(temp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
    const dirFd = openSync(dirname(target), 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
    return { source, file: target, bytes: statSync(target).size, pages: progress.totalPages };
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  } finally {
    db.close();
  }
}
