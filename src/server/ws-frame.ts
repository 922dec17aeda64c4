import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/**
 * WebSocket text frames built once and written straight to the TCP socket under a `ws`
 * WebSocket: the fan-out sends the same message to every member of a group (but for the
 * operation id), so the frame is made once per event and id, not once per member as
 * `ws.send` would (its options object, byte count, header and UTF-8 encoding, per member).
 *
 * Written by hand because `ws` has no public call for "send these already framed bytes".
 * It relies on `ws` internals (`_socket`, `_extensions`, `_sender`), checked on every
 * write: when any of them is not as expected, `directWire` returns null and the caller
 * uses `ws.send` as before, so a `ws` upgrade that renames them costs speed, not bytes.
 */

/** FIN set, RSV bits clear (no extension), opcode 1 (text): RFC 6455 §5.2. */
const FIN_TEXT = 0x81;
/** `ws`'s readyState OPEN. */
const OPEN = 1;
/** Payload lengths up to this fit the 7-bit length field. */
const MAX_SHORT_LENGTH = 125;
/** Payload lengths up to this fit the 16-bit extended length. */
const MAX_MEDIUM_LENGTH = 65_535;

/** The parts of a server-side `ws` WebSocket this module reads (ws 8). */
interface WsInternals {
  _readyState?: number;
  _socket?: Socket;
  _extensions?: Record<string, unknown>;
  _sender?: { _state?: number; _queue?: unknown[] };
}

/**
 * The TCP socket under `ws` when a frame written to it now goes out as if `ws.send` had
 * sent it, in order with everything `ws` sent before: the WebSocket is open, no extension
 * was negotiated (permessage-deflate would need its own framing and its compressor's
 * order), and `ws`'s sender holds nothing back (it queues only while compressing or
 * reading a Blob). Null otherwise: send with `ws.send`.
 */
export function directWire(ws: WebSocket): Socket | null {
  const w = ws as unknown as WsInternals;
  const sender = w._sender;
  if (w._readyState !== OPEN || sender === undefined || sender._state !== 0 || sender._queue?.length !== 0) return null;
  const extensions = w._extensions;
  if (extensions === undefined || extensions['permessage-deflate'] !== undefined) return null;
  return w._socket ?? null;
}

/**
 * `message` as one unmasked, unfragmented text frame (what a server's `ws.send(message)`
 * puts on the wire). Its own allocation, not a slice of Node's shared buffer pool: a frame
 * that waits in a slow socket's queue should keep only its own bytes alive.
 */
export function textFrame(message: string): Buffer {
  const length = Buffer.byteLength(message);
  const header = length <= MAX_SHORT_LENGTH ? 2 : length <= MAX_MEDIUM_LENGTH ? 4 : 10;
  const frame = Buffer.allocUnsafeSlow(header + length);
  frame[0] = FIN_TEXT;
  if (header === 2) {
    frame[1] = length;
  } else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.write(message, header, 'utf8');
  return frame;
}
