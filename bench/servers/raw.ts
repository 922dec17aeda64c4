/**
 * The practical limit: `ws` speaking just enough graphql-transport-ws. Each event is
 * serialized once; each subscriber gets a precomputed prefix with its id + that body.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { BENCH_TYPES, type BenchType, makeEvent } from '../lib/shared.js';
import { runVariant } from './harness.js';

interface Sub {
  socket: WebSocket;
  prefix: string;
  types: BenchType[];
}

const byType = new Map<BenchType, Set<Sub>>(BENCH_TYPES.map((t) => [t, new Set()]));
let wss: WebSocketServer;

function onConnection(socket: WebSocket) {
  const subs = new Map<string, Sub>();
  const drop = (id: string) => {
    const sub = subs.get(id);
    if (!sub) return;
    subs.delete(id);
    for (const t of sub.types) byType.get(t)!.delete(sub);
  };
  socket.on('message', (data) => {
    let msg: { type?: string; id?: string; payload?: { variables?: { types?: BenchType[] } } };
    try {
      msg = JSON.parse(String(data));
    } catch {
      socket.close(4400, 'Invalid message');
      return;
    }
    if (msg.type === 'connection_init') socket.send('{"type":"connection_ack"}');
    else if (msg.type === 'ping') socket.send('{"type":"pong"}');
    else if (msg.type === 'subscribe' && msg.id) {
      const types = msg.payload?.variables?.types?.length ? msg.payload.variables.types : [...BENCH_TYPES];
      const sub: Sub = { socket, prefix: `{"id":${JSON.stringify(msg.id)},"type":"next","payload":{"data":{"progressEvents":`, types };
      subs.set(msg.id, sub);
      for (const t of types) byType.get(t)?.add(sub);
    } else if (msg.type === 'complete' && msg.id) drop(msg.id);
  });
  socket.on('close', () => {
    for (const id of [...subs.keys()]) drop(id);
  });
  socket.on('error', () => undefined);
}

runVariant({
  start: () =>
    new Promise((resolve) => {
      wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/graphql', perMessageDeflate: false });
      wss.on('connection', onConnection);
      wss.on('listening', () => resolve(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}/graphql`));
    }),
  publish(type, op, seq, ts) {
    const body = JSON.stringify(makeEvent(type, op, seq, ts)) + '}}}';
    for (const sub of byType.get(type)!) sub.socket.send(sub.prefix + body);
  },
  subscribers: () => [...byType.values()].reduce((a, set) => a + set.size, 0),
  stop: () =>
    new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => resolve());
    }),
});
