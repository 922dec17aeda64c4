import type { WebSocket, WebSocketServer } from 'ws';

/** Every socket is pinged once per this period; one that has not answered by its next ping is cut. */
export const WS_KEEP_ALIVE_MS = 12_000;
/**
 * The period is walked in this many steps, a slice of the sockets each: no burst of pings
 * (20,000 sockets: about 400 pings every 250 ms, not 20,000 at once).
 */
const KEEP_ALIVE_STEPS = 48;
/** ws's readyState OPEN. */
const OPEN = 1;

/**
 * Pings every socket of `wss` and terminates those that stop answering: what graphql-ws's
 * `useServer` does with an interval, a timeout and a `once('pong')` listener per socket,
 * done here with one timer and one Set for all of them (a subscriber costs memory for as long
 * as it is connected, and 20,000 idle ones should cost little). The same bounds: a socket
 * is pinged about every `periodMs` and has until its next ping (about `periodMs`) to answer.
 */
export function startKeepAlive(wss: WebSocketServer, periodMs = WS_KEEP_ALIVE_MS): { stop(): void } {
  /** Pinged and not answered yet. */
  const unanswered = new Set<WebSocket>();
  function answered(this: WebSocket): void {
    unanswered.delete(this);
  }
  wss.on('connection', (socket) => {
    socket.on('pong', answered);
    socket.on('close', answered);
  });
  let round: WebSocket[] = [];
  let step = KEEP_ALIVE_STEPS;
  const timer = setInterval(() => {
    // A round takes KEEP_ALIVE_STEPS ticks however many sockets there are.
    if (step === KEEP_ALIVE_STEPS) {
      round = [...wss.clients];
      step = 0;
    }
    const slice = Math.ceil(round.length / KEEP_ALIVE_STEPS);
    for (const socket of round.slice(step * slice, (step + 1) * slice)) {
      if (socket.readyState !== OPEN) continue;
      if (unanswered.has(socket)) {
        unanswered.delete(socket);
        socket.terminate();
        continue;
      }
      unanswered.add(socket);
      socket.ping();
    }
    step++;
  }, periodMs / KEEP_ALIVE_STEPS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      unanswered.clear();
      round = [];
    },
  };
}
