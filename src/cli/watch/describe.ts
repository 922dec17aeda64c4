import type { ProgressFieldsFragment } from '../../client/generated/graphql.js';
import { formatBytes, formatDuration, formatPercent, formatSpeed } from '../format.js';

export type Progress = ProgressFieldsFragment;

export const FINISHED_STATUSES = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

export const isFinished = (p: Progress): boolean => FINISHED_STATUSES.has(p.status);

/** A download held with pauseDownload: its record waits PENDING with metadata.paused. */
export const isPaused = (p: Progress): boolean =>
  p.type === 'DOWNLOAD' && p.status === 'PENDING' && (p.metadata as { paused?: unknown } | null)?.paused === true;

/** The icon of an operation: statusIcon, with ⏸ for a paused download. */
export const progressIcon = (p: Progress): string => (isPaused(p) ? '⏸' : statusIcon(p.status));

/** ✔ completed, ✖ failed, ⊘ cancelled, ▶ running, … pending */
export function statusIcon(status: string): string {
  switch (status) {
    case 'COMPLETED':
      return '✔';
    case 'FAILED':
      return '✖';
    case 'CANCELLED':
      return '⊘';
    case 'PENDING':
      return '…';
    default:
      return '▶';
  }
}

/** Amounts of an unfinished operation: "1.1 MB/2.6 MB · 512 KB/s · ETA 3s" for downloads, "3/10" otherwise. */
export function progressDetail(p: Progress): string {
  if (p.type === 'DOWNLOAD') {
    const bytes = p.total ? `${formatBytes(p.current)}/${formatBytes(p.total)}` : formatBytes(p.current);
    if (isPaused(p)) return `paused · ${bytes} kept`;
    return `${bytes} · ${formatSpeed(p.speed)} · ETA ${formatDuration(p.eta)}`;
  }
  if (p.type === 'QUEUE') return p.message ?? '';
  const amount = p.total ? `${p.current}/${p.total}` : '';
  return [amount, p.message ?? ''].filter(Boolean).join(' · ');
}

/** Seconds from start to completion, when both are known. */
function elapsedSeconds(p: Progress): number | null {
  if (!p.completedAt) return null;
  const ms = Date.parse(p.completedAt) - Date.parse(p.startedAt);
  return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : null;
}

/** The line printed once when an operation finishes (without the leading time). */
export function finishedLine(p: Progress): string {
  const icon = statusIcon(p.status);
  const took = elapsedSeconds(p);
  const tookText = took === null ? '' : ` in ${formatDuration(took)}`;
  if (p.status === 'FAILED') return `${icon} ${p.title} (${p.id}) failed${tookText}: ${p.error ?? p.message ?? 'unknown error'}`;
  if (p.status === 'CANCELLED') return `${icon} ${p.title} (${p.id}) cancelled${tookText}`;
  const what = p.type === 'DOWNLOAD' ? ` ${formatBytes(p.total ?? p.current)}` : p.message ? `: ${p.message}` : '';
  return `${icon} ${p.title} (${p.id}) done${what}${tookText}`;
}

/** A one-line state of an unfinished operation (plain output). */
export function progressLine(p: Progress): string {
  return `${progressIcon(p)} ${p.title} ${formatPercent(p.percent).trim()} ${progressDetail(p)}`.trimEnd();
}
