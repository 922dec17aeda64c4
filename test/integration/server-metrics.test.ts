import { afterEach, describe, expect, it } from 'vitest';
import { ProgressEventsDocument } from '../../src/client/operations.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { fetchMetrics, metricValue, waitForMetric, waitForWsSubscriptions } from '../helpers/server-probe.js';
import { recordStream } from '../helpers/stream-recorder.js';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const DOWNLOADS_COMPLETED = 'progress_events_total{type="DOWNLOAD",status="COMPLETED"}';

describe('/health and /metrics', () => {
  it('/health answers 200', async () => {
    app = await startTestApp({ apiToken: 'secret' }); // no token needed
    const res = await fetch(new URL('/health', app.url));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('with API_TOKEN set, /metrics needs the token (401 without it or with a wrong one)', async () => {
    app = await startTestApp({ apiToken: 'secret' });
    const metrics = new URL('/metrics', app.url);
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: 'secret' }] as Array<Record<string, string>>) {
      const res = await fetch(metrics, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      const body = await res.text();
      expect(body).toMatch(/UNAUTHENTICATED/);
      expect(body).not.toMatch(/progress_events_total|process_cpu/);
    }
    const text = await fetchMetrics(app.url, 'secret');
    expect(text).toMatch(/^# HELP progress_events_total /m);
  });

  it('/metrics is Prometheus text with progress counters and gauges, and process metrics', async () => {
    app = await startTestApp();
    const p = app.app.progress;
    const res = await fetch(new URL('/metrics', app.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const before = await res.text();
    expect(before).toMatch(/^# HELP progress_events_total /m);
    expect(before).toMatch(/^# TYPE process_cpu_user_seconds_total counter$/m);
    expect(metricValue(before, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(metricValue(before, DOWNLOADS_COMPLETED)).toBeNull();

    p.startProgress('download_m_1_1', 'DOWNLOAD', 'M1');
    p.completeProgress('download_m_1_1');
    p.startProgress('download_m_1_2', 'DOWNLOAD', 'M2');
    p.failProgress('download_m_1_2', 'boom');
    p.startProgress('library_scan', 'SCAN', 'Scan');
    p.flush();

    const after = await fetchMetrics(app.url);
    expect(metricValue(after, DOWNLOADS_COMPLETED)).toBe(1);
    expect(metricValue(after, 'progress_events_total{type="DOWNLOAD",status="FAILED"}')).toBe(1);
    expect(metricValue(after, 'progress_events_total{type="DOWNLOAD",status="IN_PROGRESS"}')).toBe(2);
    expect(metricValue(after, 'progress_active_operations{type="SCAN"}')).toBe(1);
    expect(metricValue(after, 'progress_active_operations{type="DOWNLOAD"}')).toBe(0);
  });

  it('graphql_ws_connections and graphql_ws_subscriptions follow an open subscription', async () => {
    app = await startTestApp();
    const gauges = async () => {
      const text = await fetchMetrics(app!.url);
      return [metricValue(text, 'graphql_ws_connections'), metricValue(text, 'graphql_ws_subscriptions')];
    };
    expect(await gauges()).toEqual([0, 0]);

    const client = app.newClient();
    const sub = recordStream(client.subscribe(ProgressEventsDocument, {}));
    await waitForWsSubscriptions(app.url, 1);
    expect(await gauges()).toEqual([1, 1]);

    await sub.stop();
    await waitForMetric(app.url, 'graphql_ws_subscriptions', (v) => v === 0);
    await client.close();
    await waitForMetric(app.url, 'graphql_ws_connections', (v) => v === 0);
    expect(await gauges()).toEqual([0, 0]);
  });
});
