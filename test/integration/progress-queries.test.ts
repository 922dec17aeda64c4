import { afterEach, describe, expect, it } from 'vitest';
import { GraphQLRequestError } from '../../src/client/index.js';
import { ActiveProgressDocument, ProgressDocument, ProgressHistoryDocument } from '../../src/client/operations.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/wait.js';
import type { ProgressType } from '../../src/client/generated/graphql.js';

/** The operations' own types: start-up, shutdown and failures add SYSTEM and ERROR records. */
const OPERATIONS = ['DOWNLOAD', 'SCAN', 'QUEUE'] as ProgressType[];

const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.stop()));
});
async function track(app: Promise<TestApp>): Promise<TestApp> {
  const started = await app;
  apps.push(started);
  return started;
}

/** Finishes four operations, in this order: the history's newest is the last. */
function finishFour(app: TestApp) {
  const p = app.app.progress;
  p.startProgress('download_a_1_1', 'DOWNLOAD', 'A 1');
  p.completeProgress('download_a_1_1');
  p.startProgress('download_a_1_2', 'DOWNLOAD', 'A 2');
  p.failProgress('download_a_1_2', 'checksum mismatch');
  p.startProgress('library_scan', 'SCAN', 'Scan');
  p.cancelProgress('library_scan');
  p.startProgress('download_queue', 'QUEUE', 'Queue');
  p.completeProgress('download_queue');
}

describe('progress queries over HTTP', () => {
  it('progress(id): the active record, the latest finished one, or null', async () => {
    const app = await track(startTestApp());
    const p = app.app.progress;
    p.startProgress('download_x_1_1', 'DOWNLOAD', 'X 1', { total: 200, metadata: { serie: 'x' } });
    p.updateProgress('download_x_1_1', { current: 50 });

    const active = await app.client.request(ProgressDocument, { id: 'download_x_1_1' });
    expect(active.progress).toMatchObject({ id: 'download_x_1_1', type: 'DOWNLOAD', status: 'IN_PROGRESS', current: 50, total: 200, percent: 25, metadata: { serie: 'x' } });

    p.completeProgress('download_x_1_1');
    const done = await app.client.request(ProgressDocument, { id: 'download_x_1_1' });
    expect(done.progress).toMatchObject({ status: 'COMPLETED', percent: 100 });
    expect(done.progress?.completedAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);

    expect((await app.client.request(ProgressDocument, { id: 'nothing_here' })).progress).toBeNull();
  });

  it('activeProgress: unfinished operations oldest first, filtered by types', async () => {
    const app = await track(startTestApp());
    const p = app.app.progress;
    const t0 = Date.now();
    p.startProgress('download_a_1_1', 'DOWNLOAD', 'A 1');
    p.startProgress('library_scan', 'SCAN', 'Scan');
    p.startProgress('download_a_1_2', 'DOWNLOAD', 'A 2');
    p.startProgress('download_gone_1_1', 'DOWNLOAD', 'Gone');
    p.completeProgress('download_gone_1_1');
    await waitFor(() => Date.now() > t0 + 1, { message: 'the clock to move on' });
    p.startProgress('download_a_1_1', 'DOWNLOAD', 'A 1, started over'); // now the newest

    const all = await app.client.request(ActiveProgressDocument, {});
    expect(all.activeProgress.map((r) => r.id)).toEqual(['library_scan', 'download_a_1_2', 'download_a_1_1']);
    const downloads = await app.client.request(ActiveProgressDocument, { types: ['DOWNLOAD'] });
    expect(downloads.activeProgress.map((r) => r.id)).toEqual(['download_a_1_2', 'download_a_1_1']);
    const none = await app.client.request(ActiveProgressDocument, { types: ['SYSTEM'] });
    expect(none.activeProgress).toEqual([]);
  });

  it('progressHistory: newest first, filtered by types and statuses, with totalCount', async () => {
    const app = await track(startTestApp());
    finishFour(app);
    app.app.progress.startProgress('download_active_1_1', 'DOWNLOAD', 'Still running');

    // The operations' own history (start-up and failures are SYSTEM and ERROR records).
    const all = await app.client.request(ProgressHistoryDocument, { types: OPERATIONS });
    expect(all.progressHistory.totalCount).toBe(4);
    expect(all.progressHistory.edges.map((e) => [e.node.id, e.node.status])).toEqual([
      ['download_queue', 'COMPLETED'],
      ['library_scan', 'CANCELLED'],
      ['download_a_1_2', 'FAILED'],
      ['download_a_1_1', 'COMPLETED'],
    ]);
    expect(all.progressHistory.edges[2]!.node.error).toBe('checksum mismatch');

    const downloads = await app.client.request(ProgressHistoryDocument, { types: ['DOWNLOAD'] });
    expect(downloads.progressHistory.totalCount).toBe(2);
    expect(downloads.progressHistory.edges.map((e) => e.node.id)).toEqual(['download_a_1_2', 'download_a_1_1']);

    const completed = await app.client.request(ProgressHistoryDocument, { types: OPERATIONS, statuses: ['COMPLETED'] });
    expect(completed.progressHistory.totalCount).toBe(2);
    expect(completed.progressHistory.edges.map((e) => e.node.id)).toEqual(['download_queue', 'download_a_1_1']);

    const both = await app.client.request(ProgressHistoryDocument, { types: ['DOWNLOAD'], statuses: ['FAILED', 'CANCELLED'] });
    expect(both.progressHistory.edges.map((e) => e.node.id)).toEqual(['download_a_1_2']);
    expect(both.progressHistory.totalCount).toBe(1);

    const errors = await app.client.request(ProgressHistoryDocument, { types: ['ERROR'] });
    expect(errors.progressHistory.edges.map((e) => [e.node.id, e.node.status, e.node.error, e.node.metadata])).toEqual([
      ['error_download_a_1_2', 'FAILED', 'checksum mismatch', { source: 'download_a_1_2', code: 'DOWNLOAD_FAILED' }],
    ]);
  });

  it('pages with first/after through all of the history, each entry once', async () => {
    const app = await track(startTestApp());
    const p = app.app.progress;
    const ids = Array.from({ length: 25 }, (_, i) => `download_page_1_${i + 1}`);
    for (const id of ids) {
      p.startProgress(id, 'DOWNLOAD', id);
      p.completeProgress(id);
    }
    const seen: string[] = [];
    const hasNext: boolean[] = [];
    let after: string | undefined;
    for (let page = 0; page < 5; page++) {
      const { progressHistory: h } = await app.client.request(ProgressHistoryDocument, { types: ['DOWNLOAD'], first: 10, after });
      expect(h.totalCount).toBe(25);
      seen.push(...h.edges.map((e) => e.node.id));
      hasNext.push(h.pageInfo.hasNextPage);
      if (!h.pageInfo.hasNextPage) break;
      expect(h.pageInfo.endCursor).toBe(h.edges.at(-1)!.cursor);
      after = h.pageInfo.endCursor!;
    }
    expect(hasNext).toEqual([true, true, false]);
    expect(seen).toEqual([...ids].reverse());
  });

  it.each([
    ['first: -1', { first: -1 }],
    ['first: 1000', { first: 1000 }],
    ['a foreign after', { after: 'nope' }],
  ])('%s is refused as BAD_USER_INPUT, naming the argument', async (_name, variables) => {
    const app = await track(startTestApp());
    const err = await app.client.request(ProgressHistoryDocument, variables).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GraphQLRequestError);
    expect((err as GraphQLRequestError).code).toBe('BAD_USER_INPUT');
    expect((err as GraphQLRequestError).message).toMatch(Object.keys(variables)[0]!);
  });

  it('history and finished records persist across a restart', async () => {
    const app1 = await track(startTestApp());
    finishFour(app1);
    const before = await app1.client.request(ProgressHistoryDocument, { types: OPERATIONS });
    apps.splice(apps.indexOf(app1), 1);
    const app2 = await track(app1.restart());

    const after = await app2.client.request(ProgressHistoryDocument, { types: OPERATIONS });
    expect(after.progressHistory.totalCount).toBe(4);
    expect(after.progressHistory.edges).toEqual(before.progressHistory.edges);
    const one = await app2.client.request(ProgressDocument, { id: 'download_a_1_2' });
    expect(one.progress).toMatchObject({ status: 'FAILED', error: 'checksum mismatch' });
  });
});
