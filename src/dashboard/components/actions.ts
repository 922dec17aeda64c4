import type { Api } from '../api.ts';

/** What a panel needs to act: the typed request, and `run`, which reports how an action went. */
export interface Actions {
  request: Api['request'];
  /** Runs a user's action: a failure is shown (role=alert) with `what` and the service's reason. */
  run(what: string, action: () => Promise<unknown>): Promise<void>;
}
