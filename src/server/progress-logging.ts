import type { Logger } from 'pino';
import type { ProgressService } from '../services/progress-service.js';
import type { ProgressEvent } from '../domain/progress-types.js';

/** Logs progress as a ProgressService subscriber: finishes at info/warn, the rest at debug. */
export function attachProgressLogging(progress: ProgressService, logger: Logger): () => void {
  const log = logger.child({ component: 'progress' });
  const onEvent = ({ progress: p, cursor }: ProgressEvent) => {
    const fields = { id: p.id, type: p.type, status: p.status, percent: Math.round(p.percent), cursor };
    if (p.status === 'FAILED') log.warn({ ...fields, error: p.error }, `${p.title}: failed`);
    else if (p.status === 'COMPLETED' || p.status === 'CANCELLED') log.info(fields, `${p.title}: ${p.status.toLowerCase()}`);
    else log.debug(fields, p.title);
  };
  progress.subscribe('progress', onEvent);
  return () => progress.unsubscribe('progress', onEvent);
}
