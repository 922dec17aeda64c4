import cliProgress from 'cli-progress';
import type { ProgressEventMessage } from '../../client/index.js';
import { truncate } from '../format.js';
import { finishedLine, isPaused, progressDetail, progressIcon, statusIcon, type Progress } from './describe.js';
import type { WatchRenderer } from './renderer.js';

const BAR_SIZE = 24;
const DETAIL_WIDTH = 38;

interface Payload {
  icon: string;
  title: string;
  detail: string;
}

/**
 * Live bars in a terminal (cli-progress MultiBar): an overall queue bar on top, then one bar
 * per unfinished operation; a finished operation's bar goes away and a ✔ / ✖ line is printed
 * above the bars, once.
 */
export function createTtyRenderer(stream: NodeJS.WriteStream, options: { showQueue: boolean }): WatchRenderer {
  const multibar = new cliProgress.MultiBar({
    format: '{icon} {title} {bar} {percentage}% {detail}',
    barsize: BAR_SIZE,
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
    clearOnComplete: false,
    stopOnComplete: false,
    autopadding: true,
    linewrap: false,
    gracefulExit: false,
    fps: 10,
    stream,
  });
  const titleWidth = () => Math.max(12, Math.min(44, (stream.columns || 100) - (BAR_SIZE + DETAIL_WIDTH + 10)));
  const payload = (icon: string, title: string, detail: string): Payload => ({
    icon,
    title: truncate(title, titleWidth()).padEnd(titleWidth()),
    detail: truncate(detail, Math.max(10, (stream.columns || 100) - titleWidth() - BAR_SIZE - 10)),
  });

  const bars = new Map<string, cliProgress.SingleBar>();
  let queue: Progress | null = null;
  let queueDone = '';
  const queueBar = options.showQueue ? multibar.create(100, 0, payload('≡', 'Queue', 'idle')) : null;
  let anyBar = queueBar !== null;

  const log = (text: string) => {
    if (anyBar) multibar.log(`${text}\n`);
    else stream.write(`${text}\n`);
  };

  /**
   * The queue's own percent (download_queue), which is queue.overallPercent: the service keeps
   * one definition of it (bytes of the current run; README "The queue's overall percent").
   */
  const drawQueue = () => {
    if (!queueBar) return;
    if (!queue) {
      queueBar.update(100, payload('≡', 'Queue', queueDone ? `idle · ${queueDone}` : 'idle'));
      return;
    }
    queueBar.update(Math.floor(queue.percent), payload(statusIcon(queue.status), 'Queue', queue.message ?? ''));
  };

  return {
    update(event: ProgressEventMessage) {
      const p = event.progress;
      if (p.type === 'QUEUE') {
        queue = p;
        drawQueue();
        return;
      }
      const data = payload(progressIcon(p), p.title, p.status === 'PENDING' && !isPaused(p) ? 'queued' : progressDetail(p));
      const bar = bars.get(p.id);
      if (bar) bar.update(Math.floor(p.percent), data);
      else {
        bars.set(p.id, multibar.create(100, Math.floor(p.percent), data));
        anyBar = true;
      }
      drawQueue();
    },
    finish(event) {
      const p = event.progress;
      if (p.type === 'QUEUE') {
        queue = null;
        queueDone = p.message ?? '';
        drawQueue();
      } else {
        const bar = bars.get(p.id);
        if (bar) {
          bars.delete(p.id);
          multibar.remove(bar);
        }
        drawQueue();
      }
      log(finishedLine(p));
    },
    notice(text) {
      log(`  ${text}`);
    },
    close() {
      multibar.stop();
    },
  };
}
