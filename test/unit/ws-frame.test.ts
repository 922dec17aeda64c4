import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import * as wsModule from 'ws';
import WebSocket, { WebSocketServer } from 'ws';
import { directWire, textFrame } from '../../src/server/ws-frame.js';
import { withTimeout } from '../helpers/wait.js';

/** ws's own framing, the reference: what a server's `ws.send(message)` puts on the wire. */
function wsFrame(message: string): Buffer {
  const { Sender } = wsModule as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } };
  const list = Sender.frame(Buffer.from(message), {
    fin: true,
    opcode: 1,
    mask: false,
    readOnly: false,
    rsv1: false,
  });
  return Buffer.concat(list);
}

const servers: WebSocketServer[] = [];
const clients: WebSocket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate();
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
});

/** A real server/client pair on a free port: resolves with the server's side of the socket. */
async function pair(perMessageDeflate: boolean): Promise<{ server: WebSocket; client: WebSocket }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate });
  servers.push(wss);
  await new Promise((resolve) => wss.once('listening', resolve));
  const server = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { perMessageDeflate });
  clients.push(client);
  await withTimeout(new Promise((resolve) => client.once('open', resolve)), 5_000, 'the client to open');
  return { server: await server, client };
}

describe('textFrame', () => {
  it.each([0, 1, 125, 126, 127, 65_535, 65_536, 70_000])('frames %i bytes as ws.send does', (bytes) => {
    const message = 'a'.repeat(bytes);
    expect(textFrame(message).equals(wsFrame(message))).toBe(true);
  });

  it('counts UTF-8 bytes, not characters, for the length', () => {
    // 'é' is 2 bytes and '🎬' 4: 42 characters, 126 bytes (past the 7-bit length).
    const message = 'é'.repeat(21) + '🎬'.repeat(21);
    expect(Buffer.byteLength(message)).toBe(126);
    expect(textFrame(message).equals(wsFrame(message))).toBe(true);
  });
});

describe('directWire', () => {
  it('gives the TCP socket of an open WebSocket without extensions, and a client reads the frame as a text message', async () => {
    const { server, client } = await pair(false);
    const wire = directWire(server);
    expect(wire).toBe((server as unknown as { _socket: unknown })._socket);
    const received = new Promise<{ text: string; binary: boolean }>((resolve) =>
      client.once('message', (data, binary) => resolve({ text: String(data), binary })),
    );
    wire!.write(textFrame('{"id":"1","type":"next","payload":{"data":{"x":"é"}}}'));
    expect(await withTimeout(received, 5_000, 'the frame')).toEqual({
      text: '{"id":"1","type":"next","payload":{"data":{"x":"é"}}}',
      binary: false,
    });
  });

  it('gives none when permessage-deflate was negotiated, or once the socket is closing', async () => {
    const deflating = await pair(true);
    expect(directWire(deflating.server)).toBeNull();
    const plain = await pair(false);
    plain.server.close();
    expect(directWire(plain.server)).toBeNull();
  });
});
