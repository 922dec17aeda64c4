/**
 * Reading what the client harness needs straight from a frame's bytes: the publish time
 * after the marker, and `"missed":N` (W4's conflation). No string conversion, no JSON.
 */
const C_0 = 48;
const C_9 = 57;
const C_DOT = 46;
const MISSED = Buffer.from('"missed":');

/** Reads `123.456` starting at byte i (digits, an optional dot, digits). */
export function readTs(buf: Buffer, i: number): number {
  let int = 0;
  let c = buf[i]!;
  while (c >= C_0 && c <= C_9) {
    int = int * 10 + (c - C_0);
    c = buf[++i]!;
  }
  if (c !== C_DOT) return int;
  let frac = 0;
  let scale = 1;
  c = buf[++i]!;
  while (c >= C_0 && c <= C_9) {
    frac = frac * 10 + (c - C_0);
    scale *= 10;
    c = buf[++i]!;
  }
  return int + frac / scale;
}

/** The value of `"missed":N` within buf[start, end), 0 when absent. */
export function readMissed(buf: Buffer, start: number, end: number): number {
  const at = buf.indexOf(MISSED, start);
  if (at < 0 || at >= end) return 0;
  return readTs(buf, at + MISSED.length);
}
