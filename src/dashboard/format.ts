import type { LiveProgress } from './live-state.js';

// Numbers as people read them. Intl does the digit grouping; units are kept short for 360 px.

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1536 → "1.5 KB" (powers of 1024, one decimal below 10). */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '?';
  let value = Math.max(0, n);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 && unit > 0 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}

export const formatSpeed = (bytesPerSecond: number | null | undefined): string | null =>
  bytesPerSecond === null || bytesPerSecond === undefined ? null : `${formatBytes(bytesPerSecond)}/s`;

/** 75 → "1:15", 3700 → "1:01:40". */
export function formatEta(seconds: number | null | undefined): string | null {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return null;
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export const formatPercent = (p: number): string => `${Math.floor(Math.min(100, Math.max(0, p)))}%`;

/** A time of today as "4:07:53 PM", an earlier one with its date. */
export function formatTime(iso: string | null | undefined, now = new Date()): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toDateString() === now.toDateString() ? d.toLocaleTimeString() : d.toLocaleString();
}

export const episodeLabel = (season: number, episode: number): string =>
  `S${String(season).padStart(2, '0')}E${String(episode).padStart(2, '0')}`;

/** The numbers under a bar: bytes, speed and ETA for downloads, "series i of n" for scans, episodes for the queue. */
export function describeProgress(p: Pick<LiveProgress, 'type' | 'percent' | 'current' | 'total' | 'speed' | 'eta'>): string {
  const parts: string[] = [formatPercent(p.percent)];
  if (p.type === 'DOWNLOAD') {
    parts.push(p.total ? `${formatBytes(p.current)} of ${formatBytes(p.total)}` : formatBytes(p.current));
    const speed = formatSpeed(p.speed);
    if (speed) parts.push(speed);
    const eta = formatEta(p.eta);
    if (eta) parts.push(`${eta} left`);
  } else if (p.type === 'SCAN' && p.total) {
    parts.push(`series ${p.current} of ${p.total}`);
  } else if (p.type === 'QUEUE' && p.total) {
    parts.push(`${p.current} of ${p.total} episodes done`);
  }
  return parts.join(' · ');
}
