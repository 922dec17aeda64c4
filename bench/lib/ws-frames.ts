/**
 * The least a benchmark client needs of RFC 6455: the opening handshake, frame boundaries in
 * the byte stream the server sends, and masked frames to send. The client harness reads
 * deliveries straight out of the socket's chunks (no per-message Buffer, no event per message,
 * no JSON), so that it costs less per message than the servers it measures. Written here, not
 * taken from `ws`: `ws`'s receiver is a Writable stream that allocates and emits per message,
 * which is the per-message cost this file exists to avoid.
 */
import { createHash, randomBytes } from 'node:crypto';

export const OP_CONTINUATION = 0x0;
export const OP_TEXT = 0x1;
export const OP_BINARY = 0x2;
export const OP_CLOSE = 0x8;
export const OP_PING = 0x9;
export const OP_PONG = 0xa;

/** A frame found in the stream: its payload is `buf[start, end)` (only valid during the call). */
export type FrameHandler = (opcode: number, fin: boolean, buf: Buffer, start: number, end: number) => void;

/**
 * Splits a stream of server-to-client bytes into frames. A chunk may be a reused read buffer
 * (net's `onread`): complete frames are reported from it at once, and the bytes of a frame
 * split across chunks are copied, then joined once its last byte has arrived. Masked frames
 * (a client's, in tests) are unmasked in place; servers never mask.
 */
export class FrameReader {
  private parts: Buffer[] = [];
  private partsLen = 0;
  /** Bytes needed before parsing can go on (0: nothing pending). */
  private need = 0;

  constructor(private readonly onFrame: FrameHandler) {}

  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.need) {
      this.parts.push(Buffer.from(chunk));
      this.partsLen += chunk.length;
      if (this.partsLen < this.need) return;
      buf = Buffer.concat(this.parts, this.partsLen);
      this.parts = [];
      this.partsLen = 0;
      this.need = 0;
    }
    let i = 0;
    const n = buf.length;
    for (;;) {
      const avail = n - i;
      if (avail < 2) {
        if (avail) this.keep(buf, i, 2);
        return;
      }
      const b0 = buf[i]!;
      const b1 = buf[i + 1]!;
      let len = b1 & 0x7f;
      let hdr = 2;
      if (len === 126) {
        hdr = 4;
        if (avail < 4) return this.keep(buf, i, 4);
        len = buf.readUInt16BE(i + 2);
      } else if (len === 127) {
        hdr = 10;
        if (avail < 10) return this.keep(buf, i, 10);
        len = buf.readUInt32BE(i + 2) * 0x1_0000_0000 + buf.readUInt32BE(i + 6);
      }
      const masked = (b1 & 0x80) !== 0;
      if (masked) hdr += 4;
      const total = hdr + len;
      if (avail < total) return this.keep(buf, i, total);
      const start = i + hdr;
      if (masked) unmaskInPlace(buf, start, start + len, buf.subarray(start - 4, start));
      this.onFrame(b0 & 0x0f, (b0 & 0x80) !== 0, buf, start, start + len);
      i += total;
    }
  }

  /** Bytes held for an incomplete frame. */
  get pending(): number {
    return this.partsLen;
  }

  private keep(buf: Buffer, from: number, need: number): void {
    this.parts = [Buffer.from(buf.subarray(from))];
    this.partsLen = buf.length - from;
    this.need = need;
  }
}

function unmaskInPlace(buf: Buffer, start: number, end: number, mask: Buffer): void {
  for (let j = start; j < end; j++) buf[j]! ^= mask[(j - start) & 3]!;
}

/** One frame as a client must send it (FIN set, masked with a random key). */
export function encodeClientFrame(opcode: number, payload: Buffer | string): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const len = data.length;
  const hdr = len < 126 ? 2 : len < 0x10000 ? 4 : 10;
  const out = Buffer.allocUnsafe(hdr + 4 + len);
  out[0] = 0x80 | opcode;
  if (hdr === 2) out[1] = 0x80 | len;
  else if (hdr === 4) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(len, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeUInt32BE(Math.floor(len / 0x1_0000_0000), 2);
    out.writeUInt32BE(len >>> 0, 6);
  }
  const mask = randomBytes(4);
  mask.copy(out, hdr);
  for (let j = 0; j < len; j++) out[hdr + 4 + j] = data[j]! ^ mask[j & 3]!;
  return out;
}

/** The opening handshake's request and the `Sec-WebSocket-Accept` the server must answer. */
export function handshakeRequest(url: URL, protocol: string): { request: string; accept: string } {
  const key = randomBytes(16).toString('base64');
  const accept = createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  const request =
    `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`;
  return { request, accept };
}

/**
 * Checks the server's handshake response (status 101 and the accept hash). Returns the
 * header's length, -1 while it is incomplete; throws when the server refused.
 */
export function parseHandshakeResponse(buf: Buffer, accept: string): number {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return -1;
  const head = buf.toString('latin1', 0, end);
  if (!/^HTTP\/1\.1 101 /.test(head)) throw new Error(`handshake refused: ${head.split('\r\n')[0]}`);
  const m = /\r\nsec-websocket-accept:\s*(\S+)/i.exec(head);
  if (m?.[1] !== accept) throw new Error('handshake: wrong Sec-WebSocket-Accept');
  return end + 4;
}
