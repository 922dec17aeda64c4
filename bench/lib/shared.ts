/**
 * What every server variant and the client harness agree on: the subscription document, the
 * event payload (same fields, same order, ~450 bytes on the wire), the timestamp marker and
 * the IPC protocol between the runner and its child processes.
 */

/** Progress types the benchmark spreads subscribers and events over. */
export const BENCH_TYPES = ['DOWNLOAD', 'SCAN', 'QUEUE', 'SYSTEM'] as const;
export type BenchType = (typeof BENCH_TYPES)[number];

/** Operations (ids) per type the publisher cycles through. */
export const OPS_PER_TYPE = 10;

export const EVENT_TYPE: Record<BenchType, string> = {
  DOWNLOAD: 'download_progress',
  SCAN: 'scan_progress',
  QUEUE: 'queue_progress',
  SYSTEM: 'system_progress',
};
export const ROOM: Record<BenchType, string> = { DOWNLOAD: 'downloads', SCAN: 'scan', QUEUE: 'downloads', SYSTEM: 'system' };

/** The one selection every variant serves. */
export const SELECTION = '{ type room cursor progress { id type status title percent current total speed eta updatedAt } }';

/** A document; `name` varies the document text without changing the selection (W2's groups). */
export function subscriptionDocument(name = 'Progress'): string {
  return `subscription ${name}($types: [ProgressType!]) { progressEvents(types: $types) ${SELECTION} }`;
}

/** The same selection plus `missed` (the service's conflation count, W4; the plain SDL lacks it). */
export function subscriptionDocumentWithMissed(): string {
  return `subscription Progress($types: [ProgressType!]) { progressEvents(types: $types) { missed ${SELECTION.slice(2)} }`;
}

/** Minimal SDL with exactly the fields the benchmark selects (for the variants that are not the service). */
export const BENCH_SDL = /* GraphQL */ `
enum ProgressType { DOWNLOAD SCAN QUEUE SYSTEM ERROR }
enum ProgressStatus { PENDING IN_PROGRESS COMPLETED FAILED CANCELLED }
type Progress {
  id: ID!
  type: ProgressType!
  status: ProgressStatus!
  title: String!
  percent: Float!
  current: Float!
  total: Float
  speed: Float
  eta: Float
  updatedAt: String!
}
type ProgressEvent { type: String! room: String! cursor: String! progress: Progress! }
type Query { ok: Boolean }
type Subscription { progressEvents(types: [ProgressType!]): ProgressEvent! }
`;

/** Precedes the publish time (ms, performance.timeOrigin + performance.now(), 3 decimals) in `progress.title`. */
export const TS_MARKER = '~t~';

export const opId = (type: BenchType, op: number) => `download_benchmark-series-${type.toLowerCase()}_1_${op + 1}`;
export const opTitle = (type: BenchType, op: number) => `Benchmark Series ${type} ${op + 1} - S01E${String(op + 1).padStart(2, '0')}`;
export const TOTAL_BYTES = 734_003_200;

/** Filler after the timestamp in every title (BENCH_TITLE_PAD bytes; W4 sends ~4.6 KB messages). */
const TITLE_PAD = process.env.BENCH_TITLE_PAD ? ' ' + 'x'.repeat(Number(process.env.BENCH_TITLE_PAD)) : '';

/** The title of an update: the operation's title, the marker, the publish time, the filler. */
export const stampedTitle = (type: BenchType, op: number, ts: number) => `${opTitle(type, op)} ${TS_MARKER}${ts.toFixed(3)}${TITLE_PAD}`;

/** The clock both ends use (same machine): monotonic within a process, comparable across processes. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

export interface BenchProgress {
  id: string;
  type: BenchType;
  status: 'IN_PROGRESS';
  title: string;
  percent: number;
  current: number;
  total: number;
  speed: number;
  eta: number;
  updatedAt: string;
}
export interface BenchEvent {
  type: string;
  room: string;
  cursor: string;
  progress: BenchProgress;
}

/**
 * The event the plain variants publish, shaped like the service's (field order = selection
 * order, so JSON.stringify gives the bytes graphql-js would).
 */
export function makeEvent(type: BenchType, op: number, seq: number, ts: number): BenchEvent {
  const current = (seq * 1_048_576) % TOTAL_BYTES;
  const speed = 4_194_304.123456789 + (seq % 1000);
  return {
    type: EVENT_TYPE[type],
    room: ROOM[type],
    cursor: String(seq),
    progress: {
      id: opId(type, op),
      type,
      status: 'IN_PROGRESS',
      title: stampedTitle(type, op, ts),
      percent: (current / TOTAL_BYTES) * 100,
      current,
      total: TOTAL_BYTES,
      speed,
      eta: (TOTAL_BYTES - current) / speed,
      updatedAt: new Date(Date.now()).toISOString(),
    },
  };
}

// ---- IPC ----------------------------------------------------------------------------------

export interface RpcRequest {
  rpc: number;
  cmd: string;
  [k: string]: unknown;
}
export interface RpcReply {
  rpc: number;
  ok: boolean;
  error?: string;
  [k: string]: unknown;
}

/** Answers the runner's requests in a child process. */
export function serveRpc(handlers: Record<string, (req: RpcRequest) => unknown>): void {
  process.on('message', (msg: RpcRequest) => {
    const handler = handlers[msg.cmd];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${msg.cmd}`);
        return handler(msg);
      })
      .then(
        (result) => process.send!({ rpc: msg.rpc, ok: true, ...(result as object) }),
        (err: unknown) => process.send!({ rpc: msg.rpc, ok: false, error: String((err as Error)?.stack ?? err) }),
      );
  });
}

/** CPU (user+system, µs) and memory of this process. */
export function usage() {
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  return { cpuUs: cpu.user + cpu.system, rss: mem.rss, heapUsed: mem.heapUsed, t: nowMs() };
}

/** Heap after full GCs (needs --expose-gc). */
export async function heapAfterGc(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 50));
  }
  return process.memoryUsage().heapUsed;
}
