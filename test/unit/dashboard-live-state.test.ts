import { describe, expect, it } from 'vitest';
import { applyEvent, emptyLiveState, MAX_LINES, type LiveEvent, type LiveState } from '../../src/dashboard/live-state.js';

let seq = 0;
function event(id: string, status: LiveEvent['progress']['status'], type: LiveEvent['progress']['type'] = 'DOWNLOAD'): LiveEvent {
  seq++;
  return {
    cursor: `c${seq}`,
    type: `${type.toLowerCase()}_progress`,
    progress: {
      id,
      type,
      status,
      title: id,
      message: null,
      percent: status === 'COMPLETED' ? 100 : 10,
      current: 1,
      total: 10,
      speed: null,
      eta: null,
      error: status === 'FAILED' ? 'boom' : null,
      metadata: {},
      updatedAt: '2026-01-01T00:00:00.000Z',
      completedAt: null,
    },
  };
}
const run = (events: LiveEvent[], from: LiveState = emptyLiveState()) => events.reduce(applyEvent, from);

describe('the dashboard live state', () => {
  it('keeps a bar while an operation runs and turns it into one line when it ends', () => {
    const s = run([event('a', 'PENDING'), event('a', 'IN_PROGRESS'), event('a', 'COMPLETED')]);
    expect([...s.active.keys()]).toEqual([]);
    expect(s.finished.map((l) => [l.progress.id, l.progress.status])).toEqual([['a', 'COMPLETED']]);
    expect(s.lastCursor).toBe(`c${seq}`);
  });

  it('shows one line per id: an operation that runs again is a bar again, then its new outcome', () => {
    let s = run([event('q', 'IN_PROGRESS'), event('q', 'FAILED')]);
    s = applyEvent(s, event('q', 'IN_PROGRESS'));
    expect(s.finished).toEqual([]);
    expect(s.active.get('q')?.status).toBe('IN_PROGRESS');
    s = applyEvent(s, event('q', 'COMPLETED'));
    expect(s.finished.map((l) => l.progress.status)).toEqual(['COMPLETED']);
  });

  it('puts ERROR events in their own feed, each one, newest first', () => {
    const s = run([event('error_x', 'FAILED', 'ERROR'), event('error_x', 'FAILED', 'ERROR'), event('b', 'IN_PROGRESS')]);
    expect(s.errors.map((l) => l.cursor)).toEqual([`c${seq - 1}`, `c${seq - 2}`]);
    expect(s.finished).toEqual([]);
    expect([...s.active.keys()]).toEqual(['b']);
  });

  it('keeps at most MAX_LINES lines', () => {
    const s = run(Array.from({ length: MAX_LINES + 5 }, (_, i) => event(`d${i}`, 'COMPLETED')));
    expect(s.finished).toHaveLength(MAX_LINES);
    expect(s.finished[0]!.progress.id).toBe(`d${MAX_LINES + 4}`);
  });
});
