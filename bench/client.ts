/**
 * The client harness (its own process, pinned to the other core): N sockets speaking
 * graphql-transport-ws over plain `ws`, ONE subscription per socket. A delivery is any
 * message carrying the timestamp marker; the timestamp is read straight from the bytes
 * (no JSON.parse, no string conversion). Only control messages are parsed.
 */
import WebSocket from 'ws';
import { Histogram } from './lib/histogram.js';
import { TS_MARKER, nowMs, serveRpc, usage } from './lib/shared.js';

interface Conn {
  socket: WebSocket;
  query: string;
  variables: Record<string, unknown>;
  subId: number;
  stalled: boolean;
  recv: number;
  recvAtResume: number;
  lastTs: number;
  closeCode: number | null;
  closedAt: number | null;
}

const MARK = Buffer.from(TS_MARKER);
const C_0 = 48;
const C_DOT = 46;
const conns: Conn[] = [];
const healthy = new Histogram();
const stalledHist = new Histogram();
let win: { start: number; end: number } | null = null;
let count = 0;
let bytes = 0;
let stalledCount = 0;
let lastMsgAt = 0;
let errors = 0;
let lastError = '';
let completes = 0;
let unexpectedCloses = 0;
let closing = false;
let atStart: ReturnType<typeof usage> | null = null;
let atEnd: ReturnType<typeof usage> | null = null;

/** Reads `123.456` starting at byte i. */
function readTs(buf: Buffer, i: number): number {
  let int = 0;
  let c = buf[i]!;
  while (c >= C_0 && c <= C_0 + 9) {
    int = int * 10 + (c - C_0);
    c = buf[++i]!;
  }
  if (c !== C_DOT) return int;
  let frac = 0;
  let scale = 1;
  c = buf[++i]!;
  while (c >= C_0 && c <= C_0 + 9) {
    frac = frac * 10 + (c - C_0);
    scale *= 10;
    c = buf[++i]!;
  }
  return int + frac / scale;
}

function onMessage(conn: Conn, data: Buffer): void {
  const now = nowMs();
  lastMsgAt = now;
  const at = data.indexOf(MARK);
  if (at < 0) return control(data);
  const ts = readTs(data, at + MARK.length);
  conn.recv++;
  conn.lastTs = ts;
  if (win && ts >= win.start && ts <= win.end) {
    if (conn.stalled) {
      stalledCount++;
      stalledHist.add(now - ts);
    } else {
      count++;
      bytes += data.length;
      healthy.add(now - ts);
    }
  }
}

function control(data: Buffer): void {
  const msg = JSON.parse(data.toString()) as { type: string; payload?: unknown };
  if (msg.type === 'error') {
    errors++;
    lastError = JSON.stringify(msg.payload).slice(0, 300);
  } else if (msg.type === 'complete') completes++;
  else if (msg.type === 'ping') return;
  else if (msg.type === 'next') {
    // A result without the marker: an execution error delivered as a result.
    errors++;
    lastError = data.toString().slice(0, 300);
  }
}

function subscribe(conn: Conn): void {
  conn.socket.send(JSON.stringify({ id: String(conn.subId), type: 'subscribe', payload: { query: conn.query, variables: conn.variables } }));
}

function open(url: string, query: string, variables: Record<string, unknown>): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false, skipUTF8Validation: true });
    const conn: Conn = { socket, query, variables, subId: 1, stalled: false, recv: 0, recvAtResume: 0, lastTs: 0, closeCode: null, closedAt: null };
    const timer = setTimeout(() => reject(new Error('connection_ack timeout')), 20_000);
    socket.once('open', () => socket.send('{"type":"connection_init","payload":{}}'));
    socket.on('message', function first(data: Buffer) {
      if (data.indexOf('connection_ack') >= 0) {
        clearTimeout(timer);
        socket.off('message', first);
        socket.on('message', (d: Buffer) => onMessage(conn, d));
        subscribe(conn);
        resolve(conn);
      }
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', (code) => {
      conn.closeCode = code;
      conn.closedAt = nowMs();
      if (!closing) unexpectedCloses++;
    });
  });
}

serveRpc({
  connect: async (req) => {
    const url = String(req.url);
    const subs = req.subs as Array<{ query: string; variables: Record<string, unknown> }>;
    const concurrency = Number(req.concurrency ?? 50);
    let next = 0;
    const worker = async () => {
      while (next < subs.length) {
        const s = subs[next++]!;
        conns.push(await open(url, s.query, s.variables));
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { connected: conns.length };
  },
  arm: (req) => {
    const start = Number(req.start);
    const end = Number(req.end);
    win = { start, end };
    count = bytes = stalledCount = 0;
    healthy.reset();
    stalledHist.reset();
    atStart = atEnd = null;
    setTimeout(() => (atStart = usage()), Math.max(0, start - nowMs()));
    setTimeout(() => (atEnd = usage()), Math.max(0, end - nowMs()));
    return {};
  },
  collect: async () => {
    for (let i = 0; i < 600 && (!atStart || !atEnd); i++) await new Promise((r) => setTimeout(r, 50));
    if (!atStart || !atEnd || !win) throw new Error('window not finished');
    return {
      count,
      bytes,
      p50: healthy.quantile(0.5),
      p99: healthy.quantile(0.99),
      p999: healthy.quantile(0.999),
      max: healthy.max,
      stalledCount,
      stalledP99: stalledHist.quantile(0.99),
      cpuUs: atEnd.cpuUs - atStart.cpuUs,
      wallMs: atEnd.t - atStart.t,
      errors,
      lastError,
      completes,
      unexpectedCloses,
    };
  },
  idle: async (req) => {
    const quiet = Number(req.quietMs ?? 300);
    const max = Number(req.maxMs ?? 10_000);
    const began = nowMs();
    for (;;) {
      const now = nowMs();
      if (now - lastMsgAt >= quiet) return { idle: true, waitedMs: now - began };
      if (now - began >= max) return { idle: false, waitedMs: now - began };
      await new Promise((r) => setTimeout(r, 50));
    }
  },
  churn: async (req) => {
    const opsPerSec = Number(req.opsPerSec);
    const durationMs = Number(req.durationMs);
    const live = conns.filter((c) => !c.stalled && c.closeCode === null);
    const began = nowMs();
    let done = 0;
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        const now = nowMs();
        const due = Math.floor(((Math.min(now, began + durationMs) - began) * opsPerSec) / 1000);
        while (done < due) {
          const conn = live[Math.floor(Math.random() * live.length)]!;
          conn.socket.send(`{"id":"${conn.subId}","type":"complete"}`);
          conn.subId++;
          subscribe(conn);
          done++;
        }
        if (now >= began + durationMs) {
          clearInterval(t);
          resolve();
        }
      }, 10);
    });
    return { churnOps: done };
  },
  stall: (req) => {
    const n = Number(req.count);
    const step = Math.max(1, Math.floor(conns.length / Math.max(1, n)));
    let stalled = 0;
    for (let i = 0; i < conns.length && stalled < n; i += step) {
      conns[i]!.stalled = true;
      conns[i]!.socket.pause();
      stalled++;
    }
    return { stalled };
  },
  resume: () => {
    for (const c of conns) {
      if (!c.stalled) continue;
      c.recvAtResume = c.recv;
      c.socket.resume();
    }
    return {};
  },
  stalledReport: () => {
    const s = conns.filter((c) => c.stalled);
    return {
      stalled: s.length,
      closedByServer: s.filter((c) => c.closeCode !== null).length,
      closeCodes: [...new Set(s.map((c) => c.closeCode).filter((c) => c !== null))],
      afterResume: s.map((c) => c.recv - c.recvAtResume),
      healthyClosed: conns.filter((c) => !c.stalled && c.closeCode !== null).length,
    };
  },
  close: () => {
    closing = true;
    for (const c of conns) c.socket.terminate();
    setTimeout(() => process.exit(0), 50);
    return {};
  },
});
process.on('disconnect', () => process.exit(0));
process.send!({ rpc: 0, ok: true, ready: true });
