import { afterEach, describe, expect, it } from 'vitest';
import { MIN_SPEED_SAMPLE_MS, SPEED_SMOOTHING_MS } from '../../src/services/progress-records.js';
import { disposeAllFixtures, manualClock, openFixture } from '../helpers/progress-fixture.js';

// Runs on both backends (the `sqlite` and `redis` projects of test/vitest.config.ts).
afterEach(disposeAllFixtures);

describe('ProgressService percent', () => {
  it('is 0 while the total is unknown or not positive, current/total otherwise, capped at 100', async () => {
    const { service } = await openFixture();
    expect(service.startProgress('dl', 'DOWNLOAD', 'Ep 1').percent).toBe(0);
    expect(service.updateProgress('dl', { current: 500 }).percent).toBe(0); // total unknown
    expect(service.updateProgress('dl', { total: 0 }).percent).toBe(0);
    expect(service.updateProgress('dl', { total: 2_000 }).percent).toBe(25);
    expect(service.updateProgress('dl', { current: 1_999 }).percent).toBeCloseTo(99.95, 10);
    expect(service.updateProgress('dl', { current: 3_000 }).percent).toBe(100); // over the total
    expect(service.updateProgress('dl', { total: null }).percent).toBe(0); // unknown again
  });

  it('starts from the given current/total', async () => {
    const { service } = await openFixture();
    expect(service.startProgress('s', 'SCAN', 'Scan', { current: 3, total: 12 }).percent).toBe(25);
  });

  it('is 100 on complete even when the total was never known; fail and cancel keep it', async () => {
    const { service } = await openFixture();
    service.startProgress('a', 'DOWNLOAD', 'A', { current: 10 });
    expect(service.completeProgress('a').percent).toBe(100);
    service.startProgress('b', 'DOWNLOAD', 'B', { current: 10, total: 40 });
    expect(service.failProgress('b', 'boom').percent).toBe(25);
    service.startProgress('c', 'DOWNLOAD', 'C', { current: 30, total: 40 });
    expect(service.cancelProgress('c').percent).toBe(75);
  });
});

describe('ProgressService speed and ETA', () => {
  it('are null until a sample spans MIN_SPEED_SAMPLE_MS, then the first sample is the instantaneous rate', async () => {
    const clock = manualClock();
    const { service } = await openFixture({ now: clock.now });
    const start = service.startProgress('dl', 'DOWNLOAD', 'Ep 1', { total: 10_000 });
    expect([start.speed, start.eta]).toEqual([null, null]);

    clock.advance(MIN_SPEED_SAMPLE_MS - 1);
    const early = service.updateProgress('dl', { current: 50 });
    expect([early.speed, early.eta]).toEqual([null, null]);

    // 1,000 bytes over 1,000 ms since the start (the too-early update is merged in).
    clock.advance(1_000 - (MIN_SPEED_SAMPLE_MS - 1));
    const first = service.updateProgress('dl', { current: 1_000 });
    expect(first.speed).toBe(1_000);
    expect(first.eta).toBe(9); // (10,000 - 1,000) / 1,000
  });

  it('moves exponentially toward each new rate and recomputes ETA from it', async () => {
    const clock = manualClock();
    const { service } = await openFixture({ now: clock.now });
    service.startProgress('dl', 'DOWNLOAD', 'Ep 1', { total: 10_000 });
    clock.advance(1_000);
    service.updateProgress('dl', { current: 1_000 }); // speed 1,000 B/s

    clock.advance(1_000);
    const second = service.updateProgress('dl', { current: 4_000 }); // instant 3,000 B/s
    const alpha = 1 - Math.exp(-1_000 / SPEED_SMOOTHING_MS);
    const expected = 1_000 + alpha * (3_000 - 1_000);
    expect(second.speed).toBeCloseTo(expected, 9);
    expect(second.speed!).toBeGreaterThan(1_000);
    expect(second.speed!).toBeLessThan(3_000);
    expect(second.eta).toBeCloseTo(6_000 / expected, 9);

    // Within MIN_SPEED_SAMPLE_MS: speed unchanged, ETA follows the new current.
    clock.advance(MIN_SPEED_SAMPLE_MS / 2);
    const noisy = service.updateProgress('dl', { current: 5_000 });
    expect(noisy.speed).toBe(second.speed);
    expect(noisy.eta).toBeCloseTo(5_000 / expected, 9);
  });

  it('resets when current goes backwards, then starts over from the new position', async () => {
    const clock = manualClock();
    const { service } = await openFixture({ now: clock.now });
    service.startProgress('dl', 'DOWNLOAD', 'Ep 1', { total: 10_000 });
    clock.advance(1_000);
    expect(service.updateProgress('dl', { current: 4_000 }).speed).toBe(4_000);

    clock.advance(500);
    const restarted = service.updateProgress('dl', { current: 100 });
    expect([restarted.speed, restarted.eta]).toEqual([null, null]);

    clock.advance(500);
    const fresh = service.updateProgress('dl', { current: 600 }); // 500 bytes in 500 ms, not smoothed with 4,000
    expect(fresh.speed).toBe(1_000);
    expect(fresh.eta).toBeCloseTo(9.4, 9);
  });

  it('gives no ETA while the total is unknown, and ETA 0 on complete', async () => {
    const clock = manualClock();
    const { service } = await openFixture({ now: clock.now });
    service.startProgress('dl', 'DOWNLOAD', 'Ep 1');
    clock.advance(2_000);
    const rec = service.updateProgress('dl', { current: 4_000 });
    expect(rec.speed).toBe(2_000);
    expect(rec.eta).toBeNull();
    expect(service.updateProgress('dl', { total: 8_000 }).eta).toBe(2);
    const done = service.completeProgress('dl');
    expect(done.eta).toBe(0);
    expect(done.completedAt).toBe(clock.now());
  });
});
