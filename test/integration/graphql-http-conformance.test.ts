/**
 * The GraphQL-over-HTTP conformance audits of graphql-http, run against the service: the
 * safety limits (Origin, Host, media types, body size) must leave well-formed JSON requests
 * exactly as they were.
 */
import { auditServer } from 'graphql-http';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe('graphql-http audits', () => {
  it('every audit passes: MUST, SHOULD and MAY', async () => {
    app = await startTestApp();
    const results = await auditServer({ url: app.url });
    expect(results.length).toBeGreaterThan(50);
    const failing = results.filter((r) => r.status !== 'ok').map((r) => `${r.name}: ${'reason' in r ? r.reason : ''}`);
    expect(failing).toEqual([]);
  });
});
