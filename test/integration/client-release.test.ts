/**
 * The typed client's iterators hold a server-side subscription: leaving one while it waits
 * for an event (return(), or `break` out of a for await) must end that subscription at once,
 * not at the next event, which may never come.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ProgressEventsDocument } from '../../src/client/operations.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { DEFAULT_TIMEOUT_MS, waitFor, withTimeout } from '../helpers/wait.js';

let app: TestApp | undefined;

afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const members = () => app!.app.fanout.size.members;

describe('typed client', () => {
  it.each([
    ['subscribe()', () => app!.client.subscribe(ProgressEventsDocument, {})],
    ['watch()', () => app!.client.watch({})],
  ] as const)('%s left while it waits ends its subscription on the server', async (_name, open) => {
    app = await startTestApp();
    const iterator = open() as AsyncIterableIterator<unknown>;
    const waiting = iterator.next();
    await waitFor(() => members() === 1, { message: 'the subscription to reach the server' });
    await withTimeout(iterator.return!(), DEFAULT_TIMEOUT_MS, 'return() while waiting for an event');
    await expect(withTimeout(waiting, DEFAULT_TIMEOUT_MS, 'the pending next() to end')).resolves.toMatchObject({ done: true });
    await waitFor(() => members() === 0, { message: 'the server to drop the subscription' });
  });
});
