/**
 * The client harness (its own process, pinned to the other core; the runner may start
 * several, see lib/client-pool.ts): N sockets speaking graphql-transport-ws over plain TCP
 * with a minimal WebSocket reader (lib/ws-frames.ts), ONE subscription per socket. A delivery
 * is a text frame carrying the timestamp marker; the timestamp is read straight from the
 * shared read buffer (no per-read Buffer or event, no per-message Buffer, no JSON.parse, no
 * string conversion). Only control messages are parsed.
 */
import net from 'node:net';
import { Histogram } from './lib/histogram.js';
import { TS_MARKER, nowMs, serveRpc, usage } from './lib/shared.js';
import { FrameReader, OP_CLOSE, OP_PING, OP_PONG, OP_TEXT, OP_CONTINUATION, encodeClientFrame, handshakeRequest, parseHandshakeResponse } from './lib/ws-frames.js';
import { readMissed, readTs } from './lib/marker.js';

interface Conn {
  socket: net.Socket;
  query: string;
  variables: Record<string, unknown>;
  subId: number;
  stalled: boolean;
  /** Stalled until resume() (else: never reads again). */
  resumable: boolean;
  recv: number;
  recvAtResume: number;
  recvAtStall: number;
  /** Frames with `missed` > 0 after resume, and the sum of their `missed`. */
  missedFrames: number;
  missedSum: number;
  closeCode: number | null;
  closedAt: number | null;
  stalledAt: number;
}

const MARK = Buffer.from(TS_MARKER);
/**
 * One read buffer for every socket (net's `onread`): no Buffer and no 'data' event per read;
 * each chunk is parsed before the next read reuses it.
 */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);
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

function onText(conn: Conn, buf: Buffer, start: number, end: number): void {
  const now = nowMs();
  lastMsgAt = now;
  const at = buf.indexOf(MARK, start);
  if (at < 0 || at >= end) return control(buf.toString('utf8', start, end));
  const ts = readTs(buf, at + MARK.length);
  conn.recv++;
  if (conn.stalled) {
    const missed = readMissed(buf, start, end);
    if (missed > 0) {
      conn.missedFrames++;
      conn.missedSum += missed;
    }
  }
  if (win && ts >= win.start && ts <= win.end) {
    if (conn.stalled) {
      stalledCount++;
      stalledHist.add(now - ts);
    } else {
      count++;
      bytes += end - start;
      healthy.add(now - ts);
    }
  }
}

function control(text: string): void {
  const msg = JSON.parse(text) as { type: string; payload?: unknown };
  if (msg.type === 'error') {
    errors++;
    lastError = JSON.stringify(msg.payload).slice(0, 300);
  } else if (msg.type === 'complete') completes++;
  else if (msg.type === 'ping') return;
  else if (msg.type === 'next') {
    // A result without the marker: an execution error delivered as a result.
    errors++;
    lastError = text.slice(0, 300);
  }
}

const sendText = (conn: Conn, text: string) => conn.socket.write(encodeClientFrame(OP_TEXT, text));

function subscribe(conn: Conn): void {
  sendText(conn, JSON.stringify({ id: String(conn.subId), type: 'subscribe', payload: { query: conn.query, variables: conn.variables } }));
}

function open(url: string, query: string, variables: Record<string, unknown>, deferred: boolean): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const socket = net.connect({
      host: u.hostname,
      port: Number(u.port),
      onread: {
        buffer: READ_BUFFER,
        callback: (n: number, buf: Uint8Array) => {
          onBytes(Buffer.from(buf.buffer, buf.byteOffset, n));
          return true;
        },
      },
    });
    socket.setNoDelay(true);
    const conn: Conn = {
      socket,
      query,
      variables,
      subId: 1,
      stalled: false,
      resumable: true,
      recv: 0,
      recvAtResume: 0,
      recvAtStall: 0,
      missedFrames: 0,
      missedSum: 0,
      closeCode: null,
      closedAt: null,
      stalledAt: 0,
    };
    const timer = setTimeout(() => fail(new Error('connection_ack timeout')), 20_000);
    let acked = false;
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    // A fragmented message (servers here send none) counts at its last frame.
    let fragment = false;
    const reader = new FrameReader((op, fin, buf, start, end) => {
      if (op === OP_TEXT || op === OP_CONTINUATION) {
        if (op === OP_TEXT && !fin) fragment = true;
        if (!acked) {
          if (buf.indexOf('connection_ack', start) >= 0) {
            acked = true;
            clearTimeout(timer);
            if (!deferred) subscribe(conn);
            resolve(conn);
          }
          return;
        }
        if (fragment) {
          if (fin) fragment = false;
          else return;
        }
        onText(conn, buf, start, end);
      } else if (op === OP_PING) socket.write(encodeClientFrame(OP_PONG, Buffer.from(buf.subarray(start, end))));
      else if (op === OP_CLOSE) {
        conn.closeCode = end - start >= 2 ? buf.readUInt16BE(start) : 1005;
        conn.closedAt = nowMs();
        if (!closing) unexpectedCloses++;
        if (!socket.destroyed) socket.end(encodeClientFrame(OP_CLOSE, Buffer.from(buf.subarray(start, Math.min(end, start + 2)))));
      }
    });
    const hs = handshakeRequest(u, 'graphql-transport-ws');
    let head: Buffer | null = Buffer.alloc(0);
    socket.once('connect', () => socket.write(hs.request));
    const onBytes = (chunk: Buffer) => {
      if (head === null) return reader.push(chunk);
      head = Buffer.concat([head, chunk]);
      let n: number;
      try {
        n = parseHandshakeResponse(head, hs.accept);
      } catch (err) {
        return fail(err as Error);
      }
      if (n < 0) return;
      const rest = head.subarray(n);
      head = null;
      socket.write(encodeClientFrame(OP_TEXT, '{"type":"connection_init","payload":{}}'));
      if (rest.length) reader.push(rest);
    };
    socket.once('error', (err) => {
      if (!acked) fail(err);
    });
    socket.on('close', () => {
      if (conn.closeCode === null) {
        conn.closeCode = 1006;
        conn.closedAt = nowMs();
        if (!closing) unexpectedCloses++;
      }
    });
  });
}

serveRpc({
  connect: async (req) => {
    const subs = req.subs as Array<{ url: string; query: string; variables: Record<string, unknown>; deferred?: boolean }>;
    const concurrency = Number(req.concurrency ?? 50);
    // conns[k] is subscriber k of this process, whatever order the connections complete in.
    const offset = conns.length;
    let next = 0;
    const began = nowMs();
    const worker = async () => {
      while (next < subs.length) {
        const k = next++;
        const s = subs[k]!;
        conns[offset + k] = await open(s.url, s.query, s.variables, s.deferred === true);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { connected: conns.length, ms: nowMs() - began };
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
      hist: healthy.toJSON(),
      stalledCount,
      cpuUs: atEnd.cpuUs - atStart.cpuUs,
      wallMs: atEnd.t - atStart.t,
      errors,
      lastError,
      completes,
      unexpectedCloses,
    };
  },
  lastMsgAt: () => ({ lastMsgAt }),
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
          sendText(conn, `{"id":"${conn.subId}","type":"complete"}`);
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
  /** Stops reading on the sockets at `indexes` (this process's); `resumable: false` ones never read again. */
  stall: (req) => {
    const resumable = req.resumable !== false;
    for (const i of req.indexes as number[]) {
      const c = conns[i]!;
      c.stalled = true;
      c.resumable = resumable;
      c.stalledAt = nowMs();
      c.recvAtStall = c.recv;
      c.socket.pause();
      // A deferred subscriber subscribes now, already not reading: its kernel receive buffer
      // never grew (autotuning grows it with what the application reads).
      if (req.subscribe) subscribe(c);
    }
    return {};
  },
  /** dead: also the ones that never read (to see how their connection ended). */
  resume: (req) => {
    for (const c of conns) {
      if (!c.stalled || (!c.resumable && !req.dead)) continue;
      c.recvAtResume = c.recv;
      c.socket.resume();
    }
    return {};
  },
  stalledReport: () => {
    const report = (s: Conn[]) => ({
      stalled: s.length,
      closedByServer: s.filter((c) => c.closeCode !== null).length,
      closeCodes: [...new Set(s.map((c) => c.closeCode).filter((c) => c !== null))],
      closedAfterMs: s.filter((c) => c.closedAt !== null).map((c) => c.closedAt! - c.stalledAt),
      afterResume: s.map((c) => c.recv - c.recvAtResume),
      sinceStall: s.map((c) => c.recv - c.recvAtStall),
      missedFrames: s.map((c) => c.missedFrames),
      missedSum: s.map((c) => c.missedSum),
    });
    return {
      resumable: report(conns.filter((c) => c.stalled && c.resumable)),
      dead: report(conns.filter((c) => c.stalled && !c.resumable)),
      healthyClosed: conns.filter((c) => !c.stalled && c.closeCode !== null).length,
    };
  },
  close: () => {
    closing = true;
    for (const c of conns) c.socket.destroy();
    setTimeout(() => process.exit(0), 50);
    return {};
  },
});
process.on('disconnect', () => process.exit(0));
process.send!({ rpc: 0, ok: true, ready: true });
