import { describe, expect, it } from 'vitest';
import { LiveQueue } from '../../src/services/live-queue.js';
import { withTimeout } from '../helpers/wait.js';

interface Item {
  key: string;
  v: number;
}
const item = (key: string, v: number): Item => ({ key, v });
const queue = (capacity: number, onClose?: () => void) =>
  new LiveQueue<Item>({ keyOf: (i) => i.key, capacity, onClose });
const drain = (q: LiveQueue<Item>) => {
  const out: string[] = [];
  for (let i = q.poll(); i !== undefined; i = q.poll()) out.push(`${i.key}${i.v}`);
  return out;
};

describe('LiveQueue', () => {
  it('is FIFO within capacity, duplicates of a key included', () => {
    const q = queue(10);
    for (const i of [item('a', 1), item('b', 1), item('a', 2), item('c', 1)]) q.push(i);
    expect(q.size).toBe(4);
    expect(drain(q)).toEqual(['a1', 'b1', 'a2', 'c1']);
    expect(q.dropped).toBe(0);
    expect(q.size).toBe(0);
  });

  it('past capacity keeps only the latest item per key, ordered by recency', () => {
    const q = queue(3);
    for (const i of [item('a', 1), item('b', 1), item('c', 1), item('a', 2), item('b', 2)]) q.push(i);
    expect(q.size).toBe(3);
    expect(drain(q)).toEqual(['c1', 'a2', 'b2']);
    expect(q.dropped).toBe(2);
  });

  it('bounds the number of distinct keys to capacity, dropping the oldest', () => {
    const q = queue(3);
    for (let k = 0; k < 10; k++) q.push(item(`k${k}`, k));
    expect(q.size).toBe(3);
    expect(q.dropped).toBe(7);
    expect(drain(q)).toEqual(['k77', 'k88', 'k99']);
  });

  it('returns to FIFO once drained', () => {
    const q = queue(2);
    for (const i of [item('a', 1), item('a', 2), item('a', 3)]) q.push(i);
    expect(drain(q)).toEqual(['a3']);
    q.push(item('a', 4));
    q.push(item('a', 5));
    expect(drain(q)).toEqual(['a4', 'a5']);
  });

  it('hands a pushed item straight to a waiting next()', async () => {
    const q = queue(2);
    const pending = q.next();
    q.push(item('a', 1));
    await expect(pending).resolves.toEqual({ value: item('a', 1), done: false });
    expect(q.size).toBe(0);
  });

  it('close() releases a waiting next(), drops pending items and ignores later pushes', async () => {
    const q = queue(2);
    const pending = q.next();
    q.close();
    await expect(withTimeout(pending, 1_000, 'next() to be released')).resolves.toEqual({ value: undefined, done: true });
    q.push(item('a', 1));
    await expect(q.next()).resolves.toEqual({ value: undefined, done: true });

    const full = queue(2);
    full.push(item('a', 1));
    full.close();
    await expect(full.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it('return() calls onClose once, however often the queue is stopped', async () => {
    let closes = 0;
    const q = queue(2, () => closes++);
    await expect(q.return()).resolves.toEqual({ value: undefined, done: true });
    await q.return();
    q.close();
    await expect(q.throw(new Error('x'))).rejects.toThrow('x');
    expect(closes).toBe(1);
  });

  it('for await ends when the queue is closed', async () => {
    const q = queue(4);
    q.push(item('a', 1));
    q.push(item('b', 1));
    const seen: string[] = [];
    const consumer = (async () => {
      for await (const i of q) {
        seen.push(i.key);
        if (seen.length === 2) setImmediate(() => q.close());
      }
    })();
    await withTimeout(consumer, 1_000, 'the for-await loop to end');
    expect(seen).toEqual(['a', 'b']);
  });

  it('marks the first item taken after drops with how many were dropped, and tells of each drop and its reason', () => {
    const reasons: string[] = [];
    const q = new LiveQueue<Item & { missed?: number }>({
      keyOf: (i) => i.key,
      capacity: 2,
      markMissed: (i, missed) => ({ ...i, missed }),
      onDrop: (reason) => void reasons.push(reason),
    });
    q.push(item('a', 1));
    q.push(item('a', 2));
    expect(q.poll()).toEqual(item('a', 1)); // nothing dropped yet: unmarked
    for (const i of [item('a', 3), item('a', 4), item('b', 1), item('c', 1)]) q.push(i);
    // At capacity a2 and a3 give way to a4 (conflated), then a4, the oldest key, makes room for c.
    expect(reasons).toEqual(['conflated', 'conflated', 'overflow']);
    expect(q.poll()).toEqual({ ...item('b', 1), missed: 3 });
    expect(q.poll()).toEqual(item('c', 1)); // the count went with the first one
    expect(q.dropped).toBe(3);
    q.push(item('d', 1));
    q.abandon(); // a reader that stopped reading is cut off: what waits counts as dropped
    expect(reasons.at(-1)).toBe('disconnected');
    expect(q.dropped).toBe(4);
  });
});
