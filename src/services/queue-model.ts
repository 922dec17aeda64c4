import { randomUUID } from 'node:crypto';
import type { EpisodeRef } from '../core/series-app.js';
import type { QueueItemRecord } from '../store/queue-store.js';
import type { CheckedEpisode } from './anime-service.js';

/** Not finished: it still has a place in the queue. */
export const isOpen = (status: QueueItemRecord['status']) => status === 'PENDING' || status === 'DOWNLOADING' || status === 'PAUSED';

export const sameEpisode = (a: EpisodeRef, b: EpisodeRef) =>
  a.serieFolder === b.serieFolder && a.season === b.season && a.episode === b.episode;

/** `list` with `item` moved to index `position` (clamped to the end). */
function moveTo<T>(list: readonly T[], item: T, position: number): T[] {
  const rest = list.filter((x) => x !== item);
  rest.splice(Math.min(position, rest.length), 0, item);
  return rest;
}

/**
 * The queue in memory on the instance that runs it: items in queue order (by position) and
 * the rules of that order. It changes only memory; the caller persists what it returns.
 */
export class QueueModel {
  items: QueueItemRecord[] = [];
  private nextPosition = 1;

  /** Takes the queue as the store holds it. */
  load(items: QueueItemRecord[]): void {
    this.items = items;
    this.nextPosition = items.reduce((max, i) => Math.max(max, i.position), 0) + 1;
  }

  get(id: string): QueueItemRecord | null {
    return this.items.find((i) => i.id === id) ?? null;
  }

  /** Every item of one episode, whatever its status. */
  itemsOf(ref: EpisodeRef): QueueItemRecord[] {
    return this.items.filter((i) => sameEpisode(i, ref));
  }

  /** Items not yet finished: waiting, running or paused. */
  unfinished(): QueueItemRecord[] {
    return this.items.filter((i) => isOpen(i.status));
  }

  withStatus(status: QueueItemRecord['status']): QueueItemRecord[] {
    return this.items.filter((i) => i.status === status);
  }

  /**
   * The items for `episodes` (FIFO): an episode already unfinished (or named twice) is
   * returned as it is; `added` are the new ones, not yet in the queue (see append).
   */
  plan(episodes: readonly CheckedEpisode[]): { result: QueueItemRecord[]; added: QueueItemRecord[] } {
    const result: QueueItemRecord[] = [];
    const added: QueueItemRecord[] = [];
    for (const ep of episodes) {
      const existing = this.unfinished().find((i) => sameEpisode(i, ep)) ?? added.find((i) => sameEpisode(i, ep));
      if (existing) {
        if (!result.includes(existing)) result.push(existing);
        continue;
      }
      const item: QueueItemRecord = {
        id: randomUUID(),
        position: this.nextPosition++,
        serieFolder: ep.serieFolder,
        serieName: ep.serieName,
        season: ep.season,
        episode: ep.episode,
        status: 'PENDING',
        error: null,
        retryCount: 0,
        size: ep.size,
        addedAt: Date.now(),
        startedAt: null,
        completedAt: null,
        filePath: null,
      };
      added.push(item);
      result.push(item);
    }
    return { result, added };
  }

  append(items: readonly QueueItemRecord[]): void {
    this.items.push(...items);
  }

  /** Removes these items from memory. */
  drop(items: readonly QueueItemRecord[]): void {
    const gone = new Set(items);
    this.items = this.items.filter((i) => !gone.has(i));
  }

  /** Failed items (all, or those given) back in line at the end; each retry counts. Returns them. */
  retry(ids?: readonly string[] | null): QueueItemRecord[] {
    const wanted = ids ? new Set(ids) : null;
    const retried = this.items.filter((i) => i.status === 'FAILED' && (!wanted || wanted.has(i.id)));
    for (const item of retried) {
      item.status = 'PENDING';
      item.error = null;
      item.retryCount++;
      item.startedAt = null;
      item.completedAt = null;
      item.position = this.nextPosition++;
    }
    if (retried.length) this.sort();
    return retried;
  }

  /**
   * Moves a waiting (pending or paused) item to `position` among the waiting items: 0 starts
   * next, past the end is last. Returns the items whose position changed, and the new index.
   */
  reorder(item: QueueItemRecord, position: number): { changed: QueueItemRecord[]; index: number } {
    const waiting = this.items.filter((i) => i.status === 'PENDING' || i.status === 'PAUSED');
    const slots = waiting.map((i) => i.position);
    const order = moveTo(waiting, item, position);
    const changed = order.filter((it, k) => it.position !== slots[k]);
    order.forEach((it, k) => (it.position = slots[k]!));
    if (changed.length) this.sort();
    return { changed, index: order.indexOf(item) };
  }

  private sort(): void {
    this.items.sort((a, b) => a.position - b.position);
  }
}
