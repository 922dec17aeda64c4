import { describe, expect, it } from 'vitest';
import { describeProgress, formatBytes, formatEta, formatTime } from '../../src/dashboard/format.js';

describe('the dashboard numbers', () => {
  it('bytes in powers of 1024, one decimal below 10', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(2_000_000)).toBe('1.9 MB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MB');
    expect(formatBytes(null)).toBe('?');
  });

  it('ETA as m:ss or h:mm:ss', () => {
    expect(formatEta(75)).toBe('1:15');
    expect(formatEta(3700)).toBe('1:01:40');
    expect(formatEta(null)).toBeNull();
  });

  it('a download shows percent, bytes, speed and ETA; a scan its series i of n; the queue its episodes', () => {
    expect(describeProgress({ type: 'DOWNLOAD', percent: 42.7, current: 1024 * 1024, total: 2 * 1024 * 1024, speed: 512 * 1024, eta: 2 })).toBe(
      '42% · 1.0 MB of 2.0 MB · 512 KB/s · 0:02 left',
    );
    expect(describeProgress({ type: 'DOWNLOAD', percent: 0, current: 0, total: null, speed: null, eta: null })).toBe('0% · 0 B');
    expect(describeProgress({ type: 'SCAN', percent: 30, current: 3, total: 10, speed: null, eta: null })).toBe('30% · series 3 of 10');
    expect(describeProgress({ type: 'QUEUE', percent: 50, current: 1, total: 2, speed: null, eta: null })).toBe('50% · 1 of 2 episodes done');
  });

  it('a time of today without its date', () => {
    const now = new Date('2026-03-04T12:00:00');
    expect(formatTime(new Date('2026-03-04T10:11:12').toISOString(), now)).not.toMatch(/2026/);
    expect(formatTime(new Date('2026-03-01T10:11:12').toISOString(), now)).toMatch(/2026/);
  });
});
