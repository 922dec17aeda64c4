/** Reads an app's /metrics and waits on its samples (e.g. until a subscription is registered). */
import { sleep } from './wait.js';

/** /metrics of the app whose GraphQL endpoint is `graphqlUrl`, as text (`token`: the app's API_TOKEN, if set). */
export async function fetchMetrics(graphqlUrl: string, token?: string): Promise<string> {
  const res = await fetch(new URL('/metrics', graphqlUrl), token ? { headers: { authorization: `Bearer ${token}` } } : {});
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return res.text();
}

/** The value of one sample, e.g. `metricValue(text, 'progress_events_total{type="DOWNLOAD",status="COMPLETED"}')`; null when absent. */
export function metricValue(text: string, sample: string): number | null {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${sample} `)) return Number(line.slice(sample.length + 1));
  }
  return null;
}

/** Polls /metrics until `sample` satisfies `ok`; rejects after `timeout` saying the last value. */
export async function waitForMetric(
  graphqlUrl: string,
  sample: string,
  ok: (value: number | null) => boolean,
  timeout = 2_000,
): Promise<void> {
  let last: number | null = null;
  const deadline = Date.now() + timeout;
  for (;;) {
    last = metricValue(await fetchMetrics(graphqlUrl), sample);
    if (ok(last)) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeout}ms waiting on ${sample} (last: ${last})`);
    await sleep(10); // poll interval
  }
}

/**
 * Waits until the server runs at least `n` graphql-ws operations. The gauge goes up after the
 * subscribe resolver ran, i.e. once the subscriber is listening: events produced after this
 * reach it.
 */
export function waitForWsSubscriptions(graphqlUrl: string, n: number, timeout = 2_000): Promise<void> {
  return waitForMetric(graphqlUrl, 'graphql_ws_subscriptions', (v) => v !== null && v >= n, timeout);
}
