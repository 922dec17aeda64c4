/**
 * The benchmark client's WebSocket reader (bench/lib/ws-frames.ts): frames written by a real
 * `ws` server, cut into chunks at every possible place, come out whole and in order; the
 * handshake and the masked frames it sends are accepted by that server.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { readMissed, readTs } from '../../bench/lib/marker.js';
import {
  FrameReader,
  OP_CLOSE,
  OP_TEXT,
  encodeClientFrame,
  handshakeRequest,
  parseHandshakeResponse,
} from '../../bench/lib/ws-frames.js';

/** A server frame (unmasked, FIN), as `ws` writes one. */
function serverFrame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, len]) : len < 0x10000 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (len >= 126 && len < 0x10000) {
    head[0] = 0x80 | opcode;
    head[1] = 126;
    head.writeUInt16BE(len, 2);
  } else if (len >= 0x10000) {
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeUInt32BE(0, 2);
    head.writeUInt32BE(len, 6);
  }
  return Buffer.concat([head, payload]);
}

function collect(chunks: Buffer[]): Array<{ op: number; text: string }> {
  const out: Array<{ op: number; text: string }> = [];
  const reader = new FrameReader((op, _fin, buf, start, end) => out.push({ op, text: buf.toString('utf8', start, end) }));
  for (const c of chunks) reader.push(c);
  return out;
}

// Sizes on every length encoding's edges: 7-bit, 16-bit, 64-bit.
const PAYLOADS = [0, 1, 125, 126, 127, 65_535, 65_536, 70_000].map((n, i) => String.fromCharCode(97 + i).repeat(n));

describe('FrameReader', () => {
  it('reads frames of every length encoding from one chunk', () => {
    const stream = Buffer.concat(PAYLOADS.map((p) => serverFrame(OP_TEXT, Buffer.from(p))));
    expect(collect([stream]).map((f) => f.text)).toEqual(PAYLOADS);
  });

  it('reads the same frames whatever the chunk boundaries', () => {
    const small = PAYLOADS.slice(0, 5);
    const stream = Buffer.concat(small.map((p) => serverFrame(OP_TEXT, Buffer.from(p))));
    // Every split point in two, then byte by byte.
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(collect([stream.subarray(0, cut), stream.subarray(cut)]).map((f) => f.text)).toEqual(small);
    }
    const bytes = Array.from({ length: stream.length }, (_, i) => stream.subarray(i, i + 1));
    expect(collect(bytes).map((f) => f.text)).toEqual(small);
  });

  it('holds a frame until its last byte', () => {
    const frame = serverFrame(OP_TEXT, Buffer.from('x'.repeat(70_000)));
    const got: string[] = [];
    const reader = new FrameReader((_op, _fin, buf, s, e) => got.push(buf.toString('utf8', s, e)));
    reader.push(frame.subarray(0, frame.length - 1));
    expect(got).toEqual([]);
    expect(reader.pending).toBe(frame.length - 1);
    reader.push(frame.subarray(frame.length - 1));
    expect(got).toEqual(['x'.repeat(70_000)]);
  });

  it('keeps a partial frame when the chunk was a read buffer that is reused', () => {
    const stream = Buffer.concat(['first', 'second'.repeat(50)].map((p) => serverFrame(OP_TEXT, Buffer.from(p))));
    const got: string[] = [];
    const reader = new FrameReader((_op, _fin, buf, s, e) => got.push(buf.toString('utf8', s, e)));
    const readBuffer = Buffer.alloc(stream.length);
    const cut = stream.length - 40;
    stream.copy(readBuffer, 0, 0, cut);
    reader.push(readBuffer.subarray(0, cut));
    readBuffer.fill(0x21); // the next read overwrites it
    stream.copy(readBuffer, 0, cut);
    reader.push(readBuffer.subarray(0, stream.length - cut));
    expect(got).toEqual(['first', 'second'.repeat(50)]);
  });

  it('unmasks a client frame (what it encodes, it reads back)', () => {
    for (const p of PAYLOADS) expect(collect([encodeClientFrame(OP_TEXT, p)])).toEqual([{ op: OP_TEXT, text: p }]);
  });
});

describe('marker reading', () => {
  it('reads the publish time and missed straight from the bytes, only inside the frame', () => {
    const buf = Buffer.from('{"missed":17,"title":"T ~t~1732512345678.125 pad"}{"missed":3}');
    const end = buf.indexOf('}') + 1;
    expect(readTs(buf, buf.indexOf('~t~') + 3)).toBeCloseTo(1732512345678.125, 3);
    expect(readMissed(buf, 0, end)).toBe(17);
    expect(readMissed(buf, end, buf.length)).toBe(3);
    expect(readMissed(buf, 2, end)).toBe(0);
  });
});

describe('against a real ws server', () => {
  let wss: WebSocketServer | null = null;
  afterEach(async () => {
    await new Promise<void>((r) => (wss ? wss.close(() => r()) : r()));
    wss = null;
  });

  it('handshakes, sends masked frames the server reads, and reads what it sends back', async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    await new Promise((r) => wss!.once('listening', r));
    wss.on('connection', (ws, req) => {
      expect(req.headers['sec-websocket-protocol']).toBe('graphql-transport-ws');
      ws.on('message', (data) => {
        // Echo each message three times at growing sizes, then close with a code.
        const text = String(data);
        if (text === 'bye') return ws.close(4321, 'done');
        for (const n of [1, 200, 70_000]) ws.send(text.repeat(n));
      });
    });
    const port = (wss.address() as AddressInfo).port;
    const url = new URL(`ws://127.0.0.1:${port}/graphql`);
    const socket = net.connect(port, '127.0.0.1');
    const hs = handshakeRequest(url, 'graphql-transport-ws');
    const got: string[] = [];
    let closeCode = 0;
    const reader = new FrameReader((op, _fin, buf, s, e) => {
      if (op === OP_TEXT) got.push(buf.toString('utf8', s, e));
      if (op === OP_CLOSE) closeCode = buf.readUInt16BE(s);
    });
    let head: Buffer | null = Buffer.alloc(0);
    const ended = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no close within 5 s')), 5_000);
      socket.on('data', (chunk: Buffer) => {
        if (head === null) {
          reader.push(chunk);
        } else {
          head = Buffer.concat([head, chunk]);
          const n = parseHandshakeResponse(head, hs.accept);
          if (n < 0) return;
          const rest = head.subarray(n);
          head = null;
          socket.write(encodeClientFrame(OP_TEXT, 'ab'));
          socket.write(encodeClientFrame(OP_TEXT, 'bye'));
          if (rest.length) reader.push(rest);
        }
        if (closeCode) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    socket.write(hs.request);
    await ended;
    socket.destroy();
    expect(got).toEqual(['ab', 'ab'.repeat(200), 'ab'.repeat(70_000)]);
    expect(closeCode).toBe(4321);
  });

  it('refuses a wrong accept hash', () => {
    const res = Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: nope\r\n\r\n');
    expect(() => parseHandshakeResponse(res, 'expected')).toThrow(/Sec-WebSocket-Accept/);
    expect(parseHandshakeResponse(res.subarray(0, 20), 'expected')).toBe(-1);
  });
});
