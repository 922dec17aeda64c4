import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { serveGraphqlWs } from '../../src/server/ws-adapter.js';
import { waitFor, withTimeout } from '../helpers/wait.js';

const INIT_WAIT_MS = 200;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(): Promise<string> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  const served = serveGraphqlWs({ connectionInitWaitTimeout: INIT_WAIT_MS, onConnect: () => true }, wss, pino({ level: 'silent' }));
  cleanups.push(() => served.dispose());
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
}

async function open(url: string): Promise<{ ws: WebSocket; closed: Promise<number>; messages: string[] }> {
  const ws = new WebSocket(url, 'graphql-transport-ws');
  cleanups.push(() => ws.terminate());
  const messages: string[] = [];
  ws.on('message', (data) => messages.push(String(data)));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await withTimeout(new Promise((resolve) => ws.once('open', resolve)), 5_000, 'the socket to open');
  return { ws, closed, messages };
}

describe('serveGraphqlWs', () => {
  it('closes a connection that sends no connection_init in time with 4408, and keeps one that did', async () => {
    const url = await start();
    const silent = await open(url);
    const greeted = await open(url);
    greeted.ws.send('{"type":"connection_init"}');
    expect(await withTimeout(silent.closed, 10 * INIT_WAIT_MS, 'the silent connection to be closed')).toBe(4408);
    await waitFor(() => greeted.messages.length > 0, { message: 'connection_ack' });
    expect(greeted.messages).toEqual(['{"type":"connection_ack"}']);
    expect(greeted.ws.readyState).toBe(WebSocket.OPEN);
  });
});
