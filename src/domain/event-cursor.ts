import { randomBytes } from 'node:crypto';

/**
 * Cursors as clients see them: `<epoch>:<seq>`. The epoch names one event log (a database,
 * or a stretch of it after a failed write); `seq` is the event's place in it. A cursor is
 * only ever resumed inside the epoch that issued it, so a log that was lost or has a hole
 * refuses old cursors instead of resuming them into other events (as Centrifugo does with
 * offset + epoch).
 */
export interface EventPosition {
  epoch: string;
  seq: number;
}

const CURSOR = /^([A-Za-z0-9_-]{1,64}):(\d{1,15})$/;

export function formatCursor(epoch: string, seq: number): string {
  return `${epoch}:${seq}`;
}

/** The position a cursor names, or null when it is not one this service's format allows. */
export function parseCursor(cursor: string): EventPosition | null {
  const match = CURSOR.exec(cursor);
  return match ? { epoch: match[1]!, seq: Number(match[2]) } : null;
}

/** A fresh epoch: 12 hex characters, random (two logs never share one by chance). */
export function newEpoch(): string {
  return randomBytes(6).toString('hex');
}
