import { resolve } from 'node:path';
import { BackupError, backupDatabase } from '../../store/backup.js';
import { expectPositionals, type Command } from '../command.js';
import { OperationFailedError, UsageError } from '../errors.js';
import { formatBytes } from '../format.js';

/**
 * `backup FILE`: a consistent copy of the service's database, taken with SQLite's online
 * backup while the service runs. It reads DATA_DIR directly (on this machine), not through
 * the API: an API that writes files where a client says would write outside DATA_DIR.
 */
export const backup: Command = {
  name: 'backup',
  usage: 'backup <file> [--data-dir DIR] [--force]',
  summary: 'copy the database (queue, history, event log) to <file>, safely while the service runs',
  options: ['data-dir', 'force'],
  async run(ctx, args) {
    const [file] = expectPositionals(args, ['file'], this.name);
    if (!file?.trim()) throw new UsageError('<file> is empty', this.name);
    const flag = args.values['data-dir'];
    if (flag !== undefined && (typeof flag !== 'string' || !flag.trim())) throw new UsageError('--data-dir needs a folder', this.name);
    // As the service reads it: --data-dir, else DATA_DIR, else ./data.
    const dataDir = resolve((flag as string | undefined)?.trim() || process.env.DATA_DIR?.trim() || './data');
    let result;
    try {
      result = await backupDatabase(dataDir, file, { overwrite: args.values.force === true });
    } catch (err) {
      if (err instanceof BackupError) throw new OperationFailedError(err.message);
      throw err;
    }
    if (ctx.json) return ctx.printJson(result);
    ctx.print(`Backed up ${result.source} to ${result.file} (${formatBytes(result.bytes)})`);
    ctx.print(`Restore: stop the service, copy it to <DATA_DIR>/progress.sqlite (removing progress.sqlite-wal and -shm there), start.`);
  },
};
