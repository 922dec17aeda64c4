import type { Pruned } from './progress-writer.js';

/**
 * Least time between two system_maintenance records: pruning runs every 500 events, and a
 * record each time would crowd the history; counts add up in between. The first pruning of
 * a run is reported at once.
 */
export const MAINTENANCE_REPORT_MS = 10 * 60_000;
/** Progress id of the record that says pruning ran (the contract's). */
export const MAINTENANCE_PROGRESS_ID = 'system_maintenance';

/** Adds up what pruning removed and says so at most once per MAINTENANCE_REPORT_MS. */
export class MaintenanceReports {
  /** Pruned and not yet reported. */
  private unreported: Pruned = { events: 0, history: 0 };
  private lastReport: number | null = null;

  constructor(
    private readonly now: () => number,
    /** Records what was pruned since the last report (the system_maintenance record). */
    private readonly report: (pruned: Pruned) => void,
  ) {}

  add(pruned: Pruned): void {
    this.unreported.events += pruned.events;
    this.unreported.history += pruned.history;
    if (this.unreported.events === 0 && this.unreported.history === 0) return;
    const now = this.now();
    if (this.lastReport !== null && now - this.lastReport < MAINTENANCE_REPORT_MS) return;
    this.lastReport = now;
    const due = this.unreported;
    this.unreported = { events: 0, history: 0 };
    this.report(due);
  }
}
