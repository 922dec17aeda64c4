/**
 * Where a stalled subscriber's backlog sits (W4): in this process (each `ws` socket's
 * `bufferedAmount`: what the server queued and the kernel did not take yet) or in the
 * kernel (the server socket's Send-Q and the client socket's Recv-Q, read with `ss`).
 *
 * Bench-only instrumentation: every `ws` WebSocketServer in the benchmark's server process
 * is observed through its 'connection' event (wrapping WebSocketServer.prototype.emit before
 * the server starts); the service itself is not changed and exposes no such endpoint.
 */
import { spawnSync } from 'node:child_process';
import { WebSocketServer, type WebSocket } from 'ws';

export interface QueuedStats {
  sockets: number;
  /** Sum of bufferedAmount over the open sockets. */
  bytes: number;
  /** The largest bufferedAmount of one socket. */
  max: number;
  /** Close codes the server sent (ws.close(code)), counted: a client that does not read never sees its own. */
  closesSent: Record<string, number>;
}

const live = new Set<WebSocket>();
const closesSent: Record<string, number> = {};
const emit = WebSocketServer.prototype.emit;
WebSocketServer.prototype.emit = function (this: WebSocketServer, event: string | symbol, ...args: unknown[]) {
  if (event === 'connection') {
    const ws = args[0] as WebSocket;
    live.add(ws);
    ws.once('close', () => live.delete(ws));
    const close = ws.close;
    ws.close = function (this: WebSocket, code?: number, reason?: string | Buffer) {
      const key = String(code ?? 1005);
      closesSent[key] = (closesSent[key] ?? 0) + 1;
      return close.call(this, code, reason);
    } as typeof close;
  }
  return emit.call(this, event, ...args);
} as typeof emit;

export function trackedSockets(): QueuedStats {
  let bytes = 0;
  let max = 0;
  for (const ws of live) {
    const b = ws.bufferedAmount;
    bytes += b;
    if (b > max) max = b;
  }
  return { sockets: live.size, bytes, max, closesSent: { ...closesSent } };
}

/**
 * Bytes the kernel holds on the connections to `port` (server Send-Q + client Recv-Q), and
 * the largest per connection; null without `ss`.
 */
export function kernelQueued(port: number): { bytes: number; max: number } | null {
  const r = spawnSync('ss', ['-tnH', 'state', 'established', `( sport = :${port} or dport = :${port} )`], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  return parseSs(r.stdout, port);
}

/** Parses `ss -tnH` lines: Recv-Q Send-Q Local Peer. */
export function parseSs(out: string, port: number): { bytes: number; max: number } {
  const perConn = new Map<string, number>();
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    const [recvQ, sendQ, local, peer] = [Number(f[0]), Number(f[1]), f[2]!, f[3]!];
    const serverSide = local.endsWith(`:${port}`);
    // Key the connection by its client end so both sides add up per connection.
    const key = serverSide ? peer : local;
    perConn.set(key, (perConn.get(key) ?? 0) + (serverSide ? sendQ : recvQ));
  }
  let bytes = 0;
  let max = 0;
  for (const b of perConn.values()) {
    bytes += b;
    if (b > max) max = b;
  }
  return { bytes, max };
}
