import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { startKeepAlive } from '../../src/server/ws-keep-alive.js';
import { withTimeout } from '../helpers/wait.js';

const PERIOD_MS = 240;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(): Promise<{ wss: WebSocketServer; url: string; accepted: WebSocket[] }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  const accepted: WebSocket[] = [];
  wss.on('connection', (socket) => accepted.push(socket));
  cleanups.push(() => new Promise((resolve) => wss.close(resolve)));
  await new Promise((resolve) => wss.once('listening', resolve));
  const keepAlive = startKeepAlive(wss, PERIOD_MS);
  cleanups.push(() => keepAlive.stop());
  return { wss, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, accepted };
}

async function client(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  cleanups.push(() => ws.terminate());
  await withTimeout(new Promise((resolve) => ws.once('open', resolve)), 5_000, 'the client to open');
  return ws;
}

describe('startKeepAlive', () => {
  it('pings every socket each period, keeps those that answer and cuts the one that does not', async () => {
    const { wss, url, accepted } = await server();
    const answering = await client(url);
    let pings = 0;
    answering.on('ping', () => pings++);
    const silent = await client(url);
    // A peer that is gone: it reads nothing, so it answers no ping.
    (silent as unknown as { _socket: Socket })._socket.pause();
    await withTimeout(
      new Promise<void>((resolve) => (accepted.length === 2 ? resolve() : wss.once('connection', () => resolve()))),
      5_000,
      'the server to accept both',
    );
    const cut = new Promise<number>((resolve) => accepted[1]!.once('close', (code) => resolve(code)));
    // 1006: terminated, no closing handshake (as graphql-ws's keep-alive does).
    expect(await withTimeout(cut, 10 * PERIOD_MS, 'the silent socket to be cut')).toBe(1006);
    // Meanwhile the answering one was pinged about once a period and is still open.
    await new Promise((resolve) => setTimeout(resolve, 2 * PERIOD_MS));
    expect(pings).toBeGreaterThanOrEqual(2);
    expect(answering.readyState).toBe(WebSocket.OPEN);
    expect(wss.clients.size).toBe(1);
  });
});
