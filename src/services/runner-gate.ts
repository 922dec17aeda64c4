import { ServiceError } from './errors.js';

/**
 * Work that runs on one instance only (downloads, scans, every change of the queue) goes
 * through the gate: run here while this instance runs the queue, else sent to the one that
 * does (several instances) and answered with its result or its error.
 */
export interface RunnerGate {
  /** This instance runs the queue now. */
  readonly local: boolean;
  /** Runs the named operation on the queue runner. */
  call(name: string, args: unknown[]): Promise<unknown>;
}

/** One process: it always runs the queue. */
export const LOCAL_GATE: RunnerGate = {
  local: true,
  call: (name) => Promise.reject(new ServiceError('UNAVAILABLE', `"${name}" has no queue runner to go to`)),
};
