/**
 * The command-line client (src/cli) run as a real child process (`node src/cli/bin.js …`)
 * against a real app and a real local catalog: outputs, --json and exit codes.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueDocument } from '../../src/client/operations.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { startCatalogServer, type CatalogServer } from '../helpers/catalog-server.js';
import { freePort, PROJECT_ROOT } from '../helpers/library-flow.js';
import { waitFor } from '../helpers/wait.js';

const BIN = join(PROJECT_ROOT, 'src/cli/bin.js');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to its end; rejects (with what it printed) if it takes longer than `timeout`. */
function runCli(args: string[], options: { env?: Record<string, string>; timeout?: number } = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  // The CLI reads these; the test machine's own values must not leak in.
  for (const name of ['API_TOKEN', 'PORT', 'HOST'] as const) if (!options.env?.[name]) delete env[name];
  const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timeout = options.timeout ?? 20_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cli ${args.join(' ')} did not exit within ${timeout}ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeout);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const describeResult = (r: CliResult) => `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

function expectExit(r: CliResult, code: number): CliResult {
  expect(r.code, describeResult(r)).toBe(code);
  return r;
}

let catalog: CatalogServer;
let app: TestApp;

beforeAll(async () => {
  catalog = await startCatalogServer();
  catalog.addEpisode('naruto', 'Naruto', 1, 1, 20_000, { title: 'Enter: Naruto Uzumaki!' });
  catalog.addEpisode('naruto', 'Naruto', 1, 2, 20_000);
  catalog.addEpisode('naruto', 'Naruto', 1, 3, 20_000);
  // Bytes that never match the catalog's checksum: this download always fails.
  catalog.addEpisode('bleach', 'Bleach', 1, 1, 10_000, { sha256: 'f'.repeat(64) });
  catalog.addEpisode('bleach', 'Bleach', 1, 2, 10_000);
  app = await startTestApp({ catalogUrl: catalog.url });
});

afterAll(async () => {
  await app?.stop();
  await catalog?.close();
});

/** Waits until the queue has no pending or active item. */
async function queueSettles(): Promise<void> {
  let open = -1;
  const check = async () => {
    const { queue } = await app.client.request(QueueDocument);
    open = queue.pending.length + queue.active.length;
  };
  await check();
  const deadline = Date.now() + 20_000;
  while (open !== 0) {
    if (Date.now() > deadline) throw new Error(`the queue did not settle within 20s (${open} open)`);
    await new Promise((r) => setTimeout(r, 50)); // poll interval
    await check();
  }
}

describe('usage errors exit 2', () => {
  it('no command, an unknown command and an unknown option exit 2 with the usage', async () => {
    const none = expectExit(await runCli([]), 2);
    expect(none.stderr).toMatch(/no command given/);
    expect(none.stderr).toMatch(/Usage: anime-progress <command>/);

    const unknown = expectExit(await runCli(['frobnicate', '--url', app.url]), 2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"\n/);

    // A typo gets a did-you-mean; so does half of a two-word command.
    expect(expectExit(await runCli(['stat', '--url', app.url]), 2).stderr).toMatch(/unknown command "stat" \(did you mean "start"\?\)/);
    expect(expectExit(await runCli(['histroy', '--url', app.url]), 2).stderr).toMatch(/did you mean "history"\?/);
    expect(expectExit(await runCli(['series', 'ad', 'x', '--url', app.url]), 2).stderr).toMatch(/did you mean "series add"\?/);

    const badOption = expectExit(await runCli(['queue', '--bogus', '--url', app.url]), 2);
    expect(badOption.stderr).toMatch(/bogus/);

    const foreign = expectExit(await runCli(['queue', '--missing', '--url', app.url]), 2);
    expect(foreign.stderr).toMatch(/"queue" has no option --missing/);
  });

  it('enqueue without episodes, with a bad episode code or with both forms exits 2', async () => {
    const noEpisodes = expectExit(await runCli(['enqueue', 'Naruto', '--url', app.url]), 2);
    expect(noEpisodes.stderr).toMatch(/S01E02.*--missing/);
    expect(noEpisodes.stderr).toMatch(/Usage: anime-progress enqueue/);

    const badCode = expectExit(await runCli(['enqueue', 'Naruto', 'E5', '--url', app.url]), 2);
    expect(badCode.stderr).toMatch(/"E5" is not an episode code/);

    const both = expectExit(await runCli(['enqueue', 'Naruto', 'S01E01', '--missing', '--url', app.url]), 2);
    expect(both.stderr).toMatch(/either episodes .* or --missing/);

    const noFolder = expectExit(await runCli(['enqueue', '--url', app.url]), 2);
    expect(noFolder.stderr).toMatch(/missing <folder>/);
  });

  it('history with a bad --limit or --type exits 2', async () => {
    expectExit(await runCli(['history', '--limit', 'ten', '--url', app.url]), 2);
    const badType = expectExit(await runCli(['history', '--type', 'DOWNLOAD,NOPE', '--url', app.url]), 2);
    expect(badType.stderr).toMatch(/unknown value "NOPE"/);
  });
});

describe('connection problems exit 3', () => {
  it('an unreachable URL exits 3 and names the URL', async () => {
    const url = `http://127.0.0.1:${await freePort()}/graphql`;
    const r = expectExit(await runCli(['queue', '--url', url]), 3);
    expect(r.stderr).toMatch(/Cannot reach the service/);
    expect(r.stderr).toContain(url);
    // watch says so at once too, instead of retrying forever.
    const w = expectExit(await runCli(['watch', '--url', url]), 3);
    expect(w.stderr).toMatch(/Cannot reach the service/);
  });

  it('a URL that answers but is not the GraphQL endpoint exits 3 naming the endpoint', async () => {
    const origin = new URL(app.url).origin;
    // `/` is the dashboard, which takes GET only: the CLI's POST gets 405.
    const r = expectExit(await runCli(['queue', '--url', `${origin}/`]), 3);
    expect(r.stderr.trim()).toBe(`error: ${origin}/ answered HTTP 405, not GraphQL: the service's GraphQL endpoint is ${origin}/graphql (set --url to it)`);
  });

  it('the help shows the default URL this environment gives (PORT)', async () => {
    const help = expectExit(await runCli(['--help'], { env: { PORT: '5123' } }), 0);
    expect(help.stdout).toContain('here http://127.0.0.1:5123/graphql');
    expect(expectExit(await runCli(['--help']), 0).stdout).toContain('here http://127.0.0.1:4000/graphql');
  });

  it('the default URL comes from PORT and HOST', async () => {
    const port = String(await freePort());
    const r = expectExit(await runCli(['library'], { env: { PORT: port, HOST: '127.0.0.1' } }), 3);
    expect(r.stderr).toContain(`http://127.0.0.1:${port}/graphql`);
  });

  it('a wrong or missing token exits 3 saying the service refused it; the right one works', async () => {
    const secured = await startTestApp({ catalogUrl: catalog.url, apiToken: 'sesame' });
    try {
      const wrong = expectExit(await runCli(['queue', '--url', secured.url, '--token', 'nope']), 3);
      expect(wrong.stderr).toMatch(/refused the request: the token given .* is not the one it expects/);

      const missing = expectExit(await runCli(['queue', '--url', secured.url]), 3);
      expect(missing.stderr).toMatch(/needs an API token: pass --token or set API_TOKEN/);

      const fromEnv = expectExit(await runCli(['queue', '--url', secured.url], { env: { API_TOKEN: 'nope' } }), 3);
      expect(fromEnv.stderr).toMatch(/refused/);

      const watchWrong = expectExit(await runCli(['watch', '--url', secured.url, '--token', 'nope']), 3);
      expect(watchWrong.stderr).toMatch(/refused/);

      expectExit(await runCli(['queue', '--url', secured.url], { env: { API_TOKEN: 'sesame' } }), 0);
      expectExit(await runCli(['queue', '--url', secured.url, '--token', 'sesame']), 0);
    } finally {
      await secured.stop();
    }
  }, 90_000); // several CLI processes: slow on a busy machine
});

describe('library, queue and history commands', () => {
  it('series add creates a series; an unknown key exits 1 with the catalog error', async () => {
    const added = expectExit(await runCli(['series', 'add', 'naruto', '--url', app.url]), 0);
    expect(added.stdout).toMatch(/Added Naruto \(naruto\) in folder "Naruto": 3 missing episodes/);

    const json = expectExit(await runCli(['series', 'add', 'bleach', '--folder', 'Bleach TV', '--json', '--url', app.url]), 0);
    expect(JSON.parse(json.stdout)).toMatchObject({ key: 'bleach', name: 'Bleach', folder: 'Bleach TV', missingCount: 2 });

    const unknown = expectExit(await runCli(['series', 'add', 'no-such-show', '--url', app.url]), 1);
    expect(unknown.stderr).toMatch(/CATALOG_NOT_FOUND/);
    expect(unknown.stderr).toMatch(/no-such-show/);
    // A near miss offers what the catalog's search finds.
    const near = expectExit(await runCli(['series', 'add', 'narut', '--url', app.url]), 1);
    expect(near.stderr).toMatch(/^error \[CATALOG_NOT_FOUND\]: .*did you mean "naruto" \(Naruto\)\?$/m);
  });

  it('library prints a table of series with missing counts, and --json', async () => {
    const table = expectExit(await runCli(['library', '--url', app.url]), 0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^FOLDER\s+NAME\s+KEY\s+MISSING\s+AUTO\s+EPISODES MISSING$/);
    expect(table.stdout).toMatch(/^Naruto\s+Naruto\s+naruto\s+3\s+-\s+S01E01, S01E02, S01E03$/m);
    expect(table.stdout).toMatch(/^Bleach TV\s+Bleach\s+bleach\s+2\s+-\s+S01E01, S01E02$/m);
    expect(lines.at(-1)).toBe('2 series, 5 missing episodes');

    const json = expectExit(await runCli(['library', '--json', '--url', app.url]), 0);
    const series = JSON.parse(json.stdout) as Array<{ folder: string; missingCount: number }>;
    expect(series.map((s) => [s.folder, s.missingCount]).sort()).toEqual([
      ['Bleach TV', 2],
      ['Naruto', 3],
    ]);
  });

  it('stop, enqueue (codes, case-insensitive), queue table and --json, cancel, start', async () => {
    expect(expectExit(await runCli(['stop', '--url', app.url]), 0).stdout).toMatch(/^Queue stopped/);

    const queued = expectExit(await runCli(['enqueue', 'Naruto', 'S01E01', 's1e2', '--url', app.url]), 0);
    expect(queued.stdout).toMatch(/Queued 2 episodes: S01E01, S01E02/);

    const table = expectExit(await runCli(['queue', '--url', app.url]), 0);
    expect(table.stdout).toMatch(/^Queue stopped · 2 pending, 0 active, 0 completed, 0 failed/);
    expect(table.stdout).toMatch(/^ID\s+SERIES\s+EPISODE\s+STATUS\s+PROGRESS\s+ERROR$/m);
    expect(table.stdout).toMatch(/\sNaruto\s+S01E01\s+PENDING/);
    expect(table.stdout).toMatch(/\sNaruto\s+S01E02\s+PENDING/);

    const json = JSON.parse(expectExit(await runCli(['queue', '--json', '--url', app.url]), 0).stdout) as {
      isRunning: boolean;
      pending: Array<{ id: string; season: number; episode: number }>;
    };
    expect(json.isRunning).toBe(false);
    expect(json.pending.map((i) => `${i.season}x${i.episode}`)).toEqual(['1x1', '1x2']);

    const second = json.pending[1]!;
    const cancelled = expectExit(await runCli(['cancel', second.id, '--url', app.url]), 0);
    expect(cancelled.stdout).toMatch(/Naruto S01E02 .*CANCELLED/);

    expect(expectExit(await runCli(['start', '--url', app.url]), 0).stdout).toMatch(/^Queue running/);
    await queueSettles();
    const after = expectExit(await runCli(['queue', '--url', app.url]), 0);
    expect(after.stdout).toMatch(/\sNaruto\s+S01E01\s+COMPLETED\s+100%/);
  }, 90_000); // a dozen CLI processes: slow on a busy machine

  it('cancel of an unknown id exits 1 with an error code', async () => {
    const r = await runCli(['cancel', 'no-such-item', '--url', app.url]);
    expectExit(r, 1);
    expect(r.stderr).toMatch(/^error \[NOT_FOUND\]: no queue item with id "no-such-item"/);
  });

  it('enqueue of an episode already in the library exits 1 saying --replace; with --replace it is queued', async () => {
    const again = expectExit(await runCli(['enqueue', 'Naruto', 'S01E01', '--url', app.url]), 1);
    expect(again.stderr).toMatch(/^error \[ALREADY_IN_LIBRARY\]: episodes\[0\] \(Naruto S1E1\): S01E01 of "Naruto" is already in the library \(Naruto\/Season 01\/Naruto - S01E01\.mp4\); pass --replace to download it again$/m);
    const replaced = expectExit(await runCli(['enqueue', 'Naruto', 'S01E01', '--replace', '--url', app.url]), 0);
    expect(replaced.stdout).toMatch(/Queued 1 episode: S01E01/);
    await queueSettles();
    // The catalog key given for the folder: the error names the folder that holds it.
    const key = expectExit(await runCli(['enqueue', 'naruto', 'S01E02', '--url', app.url]), 1);
    expect(key.stderr).toMatch(/\[NOT_A_SERIES\].*"naruto" is the catalog key of the series in folder "Naruto"/);
  });

  it('enqueue --missing, a failed download, retry and clear', async () => {
    const missing = expectExit(await runCli(['enqueue', 'Bleach TV', '--missing', '--json', '--url', app.url]), 0);
    const items = JSON.parse(missing.stdout) as Array<{ id: string; season: number; episode: number }>;
    expect(items.map((i) => `${i.season}x${i.episode}`).sort()).toEqual(['1x1', '1x2']);
    await queueSettles();

    const table = expectExit(await runCli(['queue', '--url', app.url]), 0);
    expect(table.stdout).toMatch(/\sBleach\s+S01E01\s+FAILED\s.*\S/);
    expect(table.stdout).toMatch(/\sBleach\s+S01E02\s+COMPLETED/);

    const retried = expectExit(await runCli(['retry', '--url', app.url]), 0);
    expect(retried.stdout).toMatch(/Retrying 1 download/);
    await queueSettles();

    const cleared = expectExit(await runCli(['clear', '--json', '--url', app.url]), 0);
    expect(JSON.parse(cleared.stdout).cleared).toBeGreaterThanOrEqual(2);
    const { queue } = await app.client.request(QueueDocument);
    expect(queue.completed).toEqual([]);
  });

  it('scan --wait shows the scan through to its end; --json gives the finished record', async () => {
    const r = expectExit(await runCli(['scan', '--wait', '--url', app.url]), 0);
    expect(r.stdout).toMatch(/✔ Library scan \(library_scan\) done/);

    const json = expectExit(await runCli(['scan', '--wait', '--json', '--url', app.url]), 0);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: 'library_scan', type: 'SCAN', status: 'COMPLETED', percent: 100 });

    // scan without --wait returns at once; wait for it to end so that later tests start clean.
    expect(expectExit(await runCli(['scan', '--url', app.url]), 0).stdout).toMatch(/Scan started \(library_scan\)/);
    await waitFor(() => app.app.progress.getProgress('library_scan')?.status === 'COMPLETED', {
      timeout: 10_000,
      message: 'the scan to finish',
    });
  });

  it('history lists finished operations, filtered by type and status, with --limit and --json', async () => {
    const scans = expectExit(await runCli(['history', '--type', 'scan', '--url', app.url]), 0);
    expect(scans.stdout).toMatch(/^FINISHED\s+TYPE\s+STATUS\s+ID\s+TITLE\s+DETAIL$/m);
    expect(scans.stdout).toMatch(/\sSCAN\s+COMPLETED\s+library_scan\s+Library scan/);
    expect(scans.stdout).not.toMatch(/\sDOWNLOAD\s/);

    const failed = expectExit(await runCli(['history', '--type', 'DOWNLOAD', '--status', 'FAILED', '--url', app.url]), 0);
    expect(failed.stdout).toMatch(/\sDOWNLOAD\s+FAILED\s+download_Bleach TV_1_1\s/);
    expect(failed.stdout).not.toMatch(/COMPLETED/);

    const json = expectExit(await runCli(['history', '--limit', '2', '--json', '--url', app.url]), 0);
    const page = JSON.parse(json.stdout) as { totalCount: number; items: Array<{ status: string }> };
    expect(page.items).toHaveLength(2);
    expect(page.totalCount).toBeGreaterThan(2);
    expect(page.items.every((i) => ['COMPLETED', 'FAILED', 'CANCELLED'].includes(i.status))).toBe(true);
  });

  it('history --limit above one page of the service follows the cursor', async () => {
    for (let i = 0; i < 130; i++) {
      app.app.progress.startProgress(`system_${i}`, 'SYSTEM', `System ${i}`);
      app.app.progress.completeProgress(`system_${i}`);
    }
    const json = expectExit(await runCli(['history', '--type', 'SYSTEM', '--limit', '120', '--json', '--url', app.url]), 0);
    const page = JSON.parse(json.stdout) as { totalCount: number; items: Array<{ id: string }> };
    expect(page.totalCount).toBe(131); // and the app's own system_startup
    expect(page.items.map((i) => i.id)).toEqual(Array.from({ length: 120 }, (_, k) => `system_${129 - k}`));
  });
});
