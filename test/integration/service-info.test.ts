import { afterEach, describe, expect, it } from 'vitest';
import { ServiceInfoDocument } from '../../src/client/operations.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.stop()));
});

describe('serviceInfo (SQLite, one instance)', () => {
  it('names this instance as the only one, running the queue, with the package version', async () => {
    const app = await startTestApp({ instanceId: 'solo-1' });
    apps.push(app);
    const { serviceInfo } = await app.client.request(ServiceInfoDocument, {});
    expect(serviceInfo).toMatchObject({ backend: 'sqlite', instanceId: 'solo-1', version: '0.1.0' });
    expect(serviceInfo.instances).toHaveLength(1);
    expect(serviceInfo.instances[0]).toMatchObject({ id: 'solo-1', runsQueue: true });
    expect(Date.parse(serviceInfo.instances[0]!.lastSeenAt as string)).toBeGreaterThanOrEqual(
      Date.parse(serviceInfo.instances[0]!.startedAt as string),
    );
  });
});
