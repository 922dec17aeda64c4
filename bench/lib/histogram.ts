/**
 * A fixed-bucket latency histogram (HDR-ish): 10 µs buckets below 10 ms, 100 µs to 100 ms,
 * 1 ms to 2 s, 50 ms to 60 s. Percentiles are reported as the bucket's upper edge.
 */
const EDGES = [
  { upTo: 10, step: 0.01 },
  { upTo: 100, step: 0.1 },
  { upTo: 2_000, step: 1 },
  { upTo: 60_000, step: 50 },
];

interface Band {
  from: number;
  upTo: number;
  step: number;
  offset: number;
}
const BANDS: Band[] = [];
let size = 0;
{
  let from = 0;
  for (const e of EDGES) {
    BANDS.push({ from, upTo: e.upTo, step: e.step, offset: size });
    size += Math.round((e.upTo - from) / e.step);
    from = e.upTo;
  }
}
const BUCKETS = size + 1; // last: overflow

export interface HistogramJson {
  buckets: Array<[number, number]>;
  total: number;
  max: number;
}

export class Histogram {
  readonly counts = new Float64Array(BUCKETS);
  total = 0;
  max = 0;

  add(ms: number): void {
    if (ms < 0) ms = 0;
    if (ms > this.max) this.max = ms;
    this.total++;
    for (const b of BANDS) {
      if (ms < b.upTo) {
        this.counts[b.offset + Math.floor((ms - b.from) / b.step)]!++;
        return;
      }
    }
    this.counts[BUCKETS - 1]!++;
  }

  /** q in [0,1]; ms (upper edge of the bucket holding the q-quantile). */
  quantile(q: number): number {
    if (this.total === 0) return NaN;
    const rank = Math.ceil(q * this.total);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.max, upperEdge(i));
    }
    return this.max;
  }

  /** The counts for another process (IPC): only the non-empty buckets. */
  toJSON(): HistogramJson {
    const buckets: Array<[number, number]> = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]) buckets.push([i, this.counts[i]!]);
    return { buckets, total: this.total, max: this.max };
  }

  /** Adds another histogram's counts (e.g. from another client process). */
  merge(h: HistogramJson): this {
    for (const [i, n] of h.buckets) this.counts[i]! += n;
    this.total += h.total;
    this.max = Math.max(this.max, h.max);
    return this;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.max = 0;
  }
}

function upperEdge(i: number): number {
  for (const b of BANDS) {
    const n = Math.round((b.upTo - b.from) / b.step);
    if (i < b.offset + n) return b.from + (i - b.offset + 1) * b.step;
  }
  return Infinity;
}
