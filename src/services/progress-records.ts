import type { ProgressMetadata, ProgressRecord, ProgressStatus, ProgressType } from '../domain/progress-types.js';

/** Speed is smoothed exponentially with this time constant. */
export const SPEED_SMOOTHING_MS = 3_000;
/** Byte counts closer together than this are merged into one speed sample (noise). */
export const MIN_SPEED_SAMPLE_MS = 200;

/** The last speed sample of an operation: when, and at which `current`. */
export interface SpeedSample {
  at: number;
  current: number;
}

export function percentOf(current: number, total: number | null): number {
  if (total === null || total <= 0) return 0;
  return Math.min(100, Math.max(0, (current / total) * 100));
}

export function etaOf(current: number, total: number | null, speed: number | null): number | null {
  if (total === null || speed === null || speed <= 0) return null;
  return Math.max(0, total - current) / speed;
}

/**
 * The smoothed speed after `current` was reached at `now`; moves `sample` along when a new
 * sample is taken. A `current` below the last sample (a transfer that started over) resets it.
 */
export function nextSpeed(sample: SpeedSample, previous: number | null, current: number, now: number): number | null {
  const dt = now - sample.at;
  if (current < sample.current) {
    // Started over (e.g. a server that ignored Range): the old rate says nothing.
    sample.at = now;
    sample.current = current;
    return null;
  }
  if (dt < MIN_SPEED_SAMPLE_MS) return previous;
  const instant = ((current - sample.current) * 1000) / dt;
  const alpha = 1 - Math.exp(-dt / SPEED_SMOOTHING_MS);
  sample.at = now;
  sample.current = current;
  return previous === null ? instant : previous + alpha * (instant - previous);
}

/** A new record, as startProgress creates it. */
export function newRecord(
  id: string,
  type: ProgressType,
  title: string,
  now: number,
  options: { status: ProgressStatus; message?: string | null; current?: number; total?: number | null; metadata?: ProgressMetadata },
): ProgressRecord {
  const current = options.current ?? 0;
  const total = options.total ?? null;
  return {
    id,
    type,
    status: options.status,
    title,
    message: options.message ?? null,
    percent: percentOf(current, total),
    current,
    total,
    speed: null,
    eta: null,
    error: null,
    metadata: options.metadata ?? {},
    startedAt: now,
    updatedAt: now,
    completedAt: null,
  };
}

/** The record finished with `status` at `now`. */
export function finishedRecord(
  prev: ProgressRecord,
  status: ProgressStatus,
  error: string | null,
  now: number,
  options: { message?: string | null; metadata?: ProgressMetadata },
): ProgressRecord {
  return {
    ...prev,
    status,
    error,
    message: options.message !== undefined ? options.message : prev.message,
    metadata: options.metadata ? { ...prev.metadata, ...options.metadata } : prev.metadata,
    percent: status === 'COMPLETED' ? 100 : prev.percent,
    eta: status === 'COMPLETED' ? 0 : null,
    updatedAt: now,
    completedAt: now,
  };
}
