/**
 * `anime-progress backup FILE` while the service runs and downloads: the copy restored into a
 * new DATA_DIR starts a service with the queue and the history as they were, and the queue
 * carries on from there.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProgressClient } from '../../src/client/index.js';
import {
  AddSeriesDocument,
  EnqueueDownloadsDocument,
  ProgressHistoryDocument,
  QueueDocument,
} from '../../src/client/operations.js';
import { startTestApp, tempDir } from '../helpers/app.js';
import { startCatalogServer } from '../helpers/catalog-server.js';
import {
  cleanupList,
  downloadId,
  episodeRelPath,
  freePort,
  PROJECT_ROOT,
  reached,
  recordEvents,
  sha256OfFile,
  spawnService,
  waitHealthy,
} from '../helpers/library-flow.js';
import { withTimeout } from '../helpers/wait.js';

const cleanups = cleanupList();
afterEach(() => cleanups.run());

/** Runs the CLI (as `npm run cli` does) and resolves with its exit code and output. */
function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['src/cli/bin.js', ...args], { cwd: PROJECT_ROOT, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return withTimeout(
    new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr }))),
    20_000,
    `anime-progress ${args.join(' ')}`,
  );
}

describe('backup and restore', () => {
  it('a backup taken during downloads, restored into a new DATA_DIR, starts with the queue and history intact', async () => {
    const catalog = await startCatalogServer();
    cleanups.add(() => catalog.close());
    const e1 = catalog.addEpisode('naruto', 'Naruto', 1, 1, 20_000);
    const e2 = catalog.addEpisode('naruto', 'Naruto', 1, 2, 400_000, { behaviour: { bytesPerSecond: 40_000 } }); // ~10 s
    const e3 = catalog.addEpisode('naruto', 'Naruto', 1, 3, 20_000);
    const data = tempDir('anime-backup-data-');
    const lib = tempDir('anime-backup-lib-');
    const backups = tempDir('anime-backups-');
    const port = await freePort();
    const service = spawnService({ PORT: String(port), DATA_DIR: data.path, LIBRARY_DIR: lib.path, CATALOG_URL: catalog.url });
    cleanups.add(() => service.kill());
    await waitHealthy(service);
    const client = createProgressClient({ url: service.url });
    cleanups.add(() => client.close());
    const events = recordEvents(client, { types: ['DOWNLOAD'] });
    cleanups.add(() => events.stop());

    await client.request(AddSeriesDocument, { key: 'naruto' });
    const items = (
      await client.request(EnqueueDownloadsDocument, {
        episodes: [1, 2, 3].map((episode) => ({ serieFolder: 'Naruto', season: 1, episode })),
      })
    ).enqueueDownloads;
    await events.until(
      (all) => reached(downloadId('Naruto', 1, 1), 'COMPLETED')(all) && all.some((e) => e.progress.id === downloadId('Naruto', 1, 2) && e.progress.current > 0),
      'E01 done and E02 under way',
      10_000,
    );

    // The backup, while E02 downloads (and the service writes its progress).
    const file = join(backups.path, 'anime.sqlite');
    const run = await runCli(['backup', file], { DATA_DIR: data.path });
    expect(run, run.stderr).toMatchObject({ code: 0 });
    expect(run.stdout).toContain(`Backed up ${join(data.path, 'progress.sqlite')} to ${file}`);
    expect(existsSync(`${file}-wal`)).toBe(false); // one self-contained file
    // The service kept running, and a second backup to the same file is refused (exit 1).
    expect((await fetch(service.url.replace('/graphql', '/health'))).status).toBe(200);
    expect((await runCli(['backup', file], { DATA_DIR: data.path })).code).toBe(1);
    const atBackup = (await client.request(QueueDocument)).queue;
    expect(atBackup.active.map((i) => i.episode)).toEqual([2]);

    // The old service stops; the backup becomes the database of a new DATA_DIR.
    await events.stop();
    await client.close();
    service.child.kill('SIGTERM');
    expect((await withTimeout(service.exited, 10_000, 'the first service to stop')).code).toBe(0);
    const restored = tempDir('anime-restored-data-');
    mkdirSync(restored.path, { recursive: true });
    copyFileSync(file, join(restored.path, 'progress.sqlite'));
    catalog.setMediaBehaviour('/media/naruto/1/2.mp4', {});

    const app = await startTestApp({ dataDir: restored.path, libraryDir: lib.path, catalogUrl: catalog.url });
    cleanups.add(() => app.stop());
    const history = (await app.client.request(ProgressHistoryDocument, { first: 100, types: ['DOWNLOAD'] })).progressHistory;
    expect(history.edges.map((e) => [e.node.id, e.node.status])).toContainEqual([downloadId('Naruto', 1, 1), 'COMPLETED']);
    const queue = (await app.client.request(QueueDocument)).queue;
    const all = [...queue.completed, ...queue.active, ...queue.pending];
    expect(all.map((i) => i.id).sort()).toEqual(items.map((i) => i.id).sort());
    expect(queue.completed.map((i) => i.episode)).toContain(1);

    // And it carries on: E02 resumes, E03 follows.
    const after = recordEvents(app.client, { types: ['DOWNLOAD'], snapshot: true });
    cleanups.add(() => after.stop());
    await after.until(reached(downloadId('Naruto', 1, 3), 'COMPLETED'), 'E03 COMPLETED after the restore', 20_000);
    await after.until(reached(downloadId('Naruto', 1, 2), 'COMPLETED'), 'E02 COMPLETED after the restore', 20_000);
    for (const [n, info] of [
      [1, e1],
      [2, e2],
      [3, e3],
    ] as const) {
      expect(sha256OfFile(join(lib.path, episodeRelPath('Naruto', 'Naruto', 1, n)))).toBe(info.sha256);
    }
  }, 60_000);
});
