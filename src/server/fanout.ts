import {
  Kind,
  execute,
  getArgumentValues,
  getVariableValues,
  GraphQLError,
  locatedError,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { LiveQueue, type DropTally } from '../services/live-queue.js';
import type { ProgressService } from '../services/progress-service.js';
import type { Listening, PrefixPage, StreamOptions } from '../services/progress-streams.js';
import type { ProgressEvent } from '../domain/progress-types.js';
import { journalStreamOf, type JournalStreamMapping } from '../schema/journal-stream.js';
import { directWire, textFrame } from './ws-frame.js';

/** Past this many unsent bytes on a socket, its subscriber is stalled: it conflates. */
export const FANOUT_HIGH_WATER_BYTES = 1024 * 1024;
/** A stalled subscriber gets its conflated events once its socket is below this. */
export const FANOUT_LOW_WATER_BYTES = 256 * 1024;
/** A subscriber stalled this long is disconnected. */
export const FANOUT_STALL_TIMEOUT_MS = 30_000;
/** How often a stalled socket is checked. */
const STALL_POLL_MS = 50;
/** WebSocket close code for a subscriber that stopped reading (RFC 6455: policy violation). */
export const CLOSE_TOO_SLOW = 1008;
/** After the close frame, how long a subscriber that does not read gets before its socket is cut. */
export const FANOUT_CLOSE_GRACE_MS = 1_000;

export interface FanoutOptions {
  progress: ProgressService;
  logger: Logger;
  /** Turns an execution error into what clients see (the same masking as everywhere). */
  formatError: (error: GraphQLError) => GraphQLError;
  /** @default FANOUT_HIGH_WATER_BYTES */
  highWaterBytes?: number;
  /** @default FANOUT_LOW_WATER_BYTES */
  lowWaterBytes?: number;
  /** @default FANOUT_STALL_TIMEOUT_MS */
  stallTimeoutMs?: number;
  /** @default FANOUT_CLOSE_GRACE_MS */
  closeGraceMs?: number;
  /** Counts events dropped for slow subscribers, per reason (metrics). @default not counted */
  drops?: DropTally;
}

export interface FanoutTarget {
  socket: WebSocket;
  /** The graphql-ws operation id. */
  id: string;
  /** Everything that makes two subscriptions identical: query, operation, variables, auth. */
  groupKey: string;
}

/** An operation the fan-out serves: its single root field and how that field maps to the journal. */
export interface FanoutField {
  operation: OperationDefinitionNode;
  field: FieldNode;
  toStreamOptions: JournalStreamMapping;
}

/**
 * The operation's single root field when this path serves it (a subscription selecting only
 * one field that declares its journal mapping — see journalStream() — without directives),
 * else null: the normal graphql-ws path runs it.
 */
export function fanoutField(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): FanoutField | null {
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode =>
      d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
  const selections = operation?.selectionSet.selections ?? [];
  const field = selections[0];
  if (
    !operation ||
    operation.operation !== 'subscription' ||
    selections.length !== 1 ||
    field?.kind !== Kind.FIELD ||
    field.directives?.length
  ) {
    return null;
  }
  const toStreamOptions = journalStreamOf(schema.getSubscriptionType()?.getFields()[field.name.value]);
  return toStreamOptions ? { operation, field, toStreamOptions } : null;
}

/**
 * Progress subscriptions over WebSocket, executed and serialized once per event per group
 * of identical subscriptions, the same bytes then written to every member's socket.
 *
 * graphql-ws keeps the protocol (init/ack, ping/pong, complete, close codes): for an
 * operation of a field mapped to the journal (see fanoutField) it gets a parked iterator that never yields,
 * and this class writes the `next` messages itself. When graphql-ws ends the operation
 * (complete from the client, socket closed), it calls return() and the member leaves.
 */
export class ProgressFanout {
  private readonly groups = new Map<string, Group>();
  private readonly progress: ProgressService;
  readonly logger: Logger;
  readonly formatError: (error: GraphQLError) => GraphQLError;
  readonly highWater: number;
  readonly lowWater: number;
  readonly stallTimeoutMs: number;
  readonly closeGraceMs: number;
  readonly drops: DropTally | undefined;

  constructor(options: FanoutOptions) {
    this.drops = options.drops;
    this.progress = options.progress;
    this.logger = options.logger;
    this.formatError = options.formatError;
    this.highWater = options.highWaterBytes ?? FANOUT_HIGH_WATER_BYTES;
    this.lowWater = options.lowWaterBytes ?? FANOUT_LOW_WATER_BYTES;
    this.stallTimeoutMs = options.stallTimeoutMs ?? FANOUT_STALL_TIMEOUT_MS;
    this.closeGraceMs = options.closeGraceMs ?? FANOUT_CLOSE_GRACE_MS;
  }

  /** Groups and members, for metrics and tests. */
  get size(): { groups: number; members: number } {
    let members = 0;
    for (const g of this.groups.values()) members += g.members.size;
    return { groups: this.groups.size, members };
  }

  /**
   * Serves the operation if it is one this path handles (see fanoutField); returns null
   * otherwise, and the caller runs it as usual.
   */
  trySubscribe(
    args: ExecutionArgs,
    target: FanoutTarget,
  ): Promise<AsyncIterableIterator<never> | ExecutionResult> | AsyncIterableIterator<never> | ExecutionResult | null {
    const fast = fanoutField(args.schema, args.document, args.operationName);
    if (!fast) return null;
    const refuse = (err: unknown): ExecutionResult => {
      const error = err instanceof GraphQLError ? err : new GraphQLError((err as Error).message, { originalError: err as Error });
      return { errors: [this.formatError(error)] };
    };
    let options: StreamOptions;
    try {
      options = this.streamOptions(args, fast);
    } catch (err) {
      return refuse(err);
    }
    // What the stream refuses (a cursor) is the field's error, located as graphql-js locates
    // a subscribe resolver's: the same answer as on the normal path.
    const refuseField = (err: unknown) => refuse(locatedError(err, [fast.field], [fast.field.alias?.value ?? fast.field.name.value]));
    try {
      const member = this.join(args, options, target);
      // A cursor checked asynchronously (Redis): refused before the first event, as SQLite does.
      return member.ready ? member.ready.then(() => member.parked(), (err: unknown) => (member.close(), refuseField(err))) : member.parked();
    } catch (err) {
      return refuseField(err);
    }
  }

  /** The field's arguments, coerced as graphql-js would, through the field's own mapping. */
  private streamOptions(args: ExecutionArgs, { operation, field, toStreamOptions }: FanoutField): StreamOptions {
    const fieldDef = args.schema.getSubscriptionType()?.getFields()[field.name.value];
    if (!fieldDef) throw new GraphQLError(`unknown field ${field.name.value}`);
    const variables = getVariableValues(args.schema, operation.variableDefinitions ?? [], args.variableValues ?? {});
    if (variables.errors) throw variables.errors[0]!;
    return toStreamOptions(getArgumentValues(fieldDef, field, variables.coerced));
  }

  private join(args: ExecutionArgs, options: StreamOptions, target: FanoutTarget): Member {
    // The member's own snapshot or replay, computed in the same synchronous turn as it
    // joins the group: every live event the group sees from now on comes after `head`.
    const own = options.after != null || options.snapshot ? this.progress.prefixFor(options) : null;
    let group = this.groups.get(target.groupKey);
    if (!group) {
      group = new Group(this, args, target.groupKey);
      const created = group;
      const listening = this.progress.listen({ types: options.types, ids: options.ids }, (e) => created.onEvent(e));
      created.stopListening = listening.close;
      this.groups.set(target.groupKey, created);
    }
    // The member's copy of the key (a long string) can go; the group's serves.
    target.groupKey = group.key;
    const member = new Member(this, group, target, own);
    group.members.add(member);
    member.start();
    return member;
  }

  /** Called by a group with no members left. */
  dropGroup(group: Group): void {
    group.stopListening();
    this.groups.delete(group.key);
  }
}

class Group {
  readonly members = new Set<Member>();
  stopListening: () => void = () => undefined;

  constructor(
    private readonly fanout: ProgressFanout,
    private readonly args: ExecutionArgs,
    readonly key: string,
  ) {}

  /** The event as this group's document renders it: executed and serialized once. */
  render(event: ProgressEvent): string | null {
    try {
      // As graphql-js does for each event of a subscription: the event is the root value.
      const result = execute({ ...this.args, rootValue: event }) as ExecutionResult;
      if (typeof (result as unknown as Promise<unknown>).then === 'function') {
        throw new Error('progress resolvers must be synchronous on the fan-out path');
      }
      const payload = result.errors?.length ? { ...result, errors: result.errors.map((e) => this.fanout.formatError(e)) } : result;
      // A string, not a Buffer: ws writes strings to the socket without a copy of its own.
      return JSON.stringify(payload);
    } catch (err) {
      this.fanout.logger.error({ err, cursor: event.cursor }, 'could not render a progress event');
      return null;
    }
  }

  /** Runs inside ProgressService's publish: must never throw. */
  onEvent(event: ProgressEvent): void {
    if (this.members.size === 0) return;
    const payload = this.render(event);
    if (!payload) return;
    const out = new Outgoing(payload);
    for (const member of this.members) member.deliver(event, out);
  }

  leave(member: Member): void {
    this.members.delete(member);
    if (this.members.size === 0) this.fanout.dropGroup(this);
  }
}

/**
 * One event as a group sends it: the message after the member's id, and its WebSocket frame
 * per id (members of a group differ only in their operation id; clients mostly use the same
 * few ids, so most members of a group share one frame, built once).
 */
class Outgoing {
  /** Everything of the message after the member's id (payload and closing brace). */
  readonly tail: string;
  private head = '';
  private frame: Buffer | null = null;
  private others: Map<string, Buffer> | null = null;

  constructor(payload: string) {
    this.tail = payload + '}';
  }

  /** The whole frame for a member whose message starts with `head`. */
  frameFor(head: string): Buffer {
    if (this.frame === null) {
      this.head = head;
      return (this.frame = textFrame(head + this.tail));
    }
    if (head === this.head) return this.frame;
    this.others ??= new Map();
    let frame = this.others.get(head);
    if (!frame) this.others.set(head, (frame = textFrame(head + this.tail)));
    return frame;
  }
}

interface Frame {
  key: string;
  out: Outgoing;
  event: ProgressEvent;
  /** Events of this member dropped just before this one (set by the queue). */
  missed?: number;
}

class Member implements AsyncIterableIterator<never> {
  private readonly head: string;
  /** A cursor check in progress (Redis): settles before the operation is answered. */
  readonly ready: Promise<void> | null = null;
  private readonly prefix: Listening['prefix'] | null;
  private firstPage: Promise<PrefixPage> | null = null;
  /** What waits while priming or stalled; none while live (most members, most of the time). */
  private queue: LiveQueue<Frame> | null = null;
  /** priming: sending its snapshot/replay; live: sending directly; stalled: socket full. */
  private state: 'priming' | 'live' | 'stalled' | 'closed';
  private stalledSince = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Ends graphql-ws's wait on next(): set while it waits. */
  private release: ((result: IteratorResult<never>) => void) | null = null;

  constructor(
    private readonly fanout: ProgressFanout,
    private readonly group: Group,
    private readonly target: FanoutTarget,
    private readonly own: Listening | null,
  ) {
    this.head = `{"id":${JSON.stringify(target.id)},"type":"next","payload":`;
    this.state = own ? 'priming' : 'live';
    this.prefix = own?.prefix ?? null;
    if (own) {
      // The first page is asked for now: an asynchronous one checks the cursor first.
      const first = own.prefix();
      if (first instanceof Promise) {
        this.firstPage = first;
        this.ready = first.then(() => undefined);
      } else {
        this.firstPage = Promise.resolve(first);
      }
    }
  }

  start(): void {
    if (this.prefix) setImmediate(() => void this.prime());
  }

  /** Sends the snapshot or replay a page per turn; live events wait in the queue meanwhile. */
  private async prime(): Promise<void> {
    if (this.state !== 'priming') return;
    const first = this.firstPage !== null;
    try {
      const page = first ? await this.firstPage! : await this.prefix!();
      this.firstPage = null;
      if (this.state !== 'priming') return;
      if (page !== null) {
        for (const event of page) {
          const payload = this.group.render(event);
          if (payload) this.write(new Outgoing(payload));
        }
        setImmediate(() => void this.prime());
        return;
      }
    } catch (err) {
      if (first && this.ready) return; // refused before it started: trySubscribe answers the error
      this.fanout.logger.error({ err }, 'replay failed');
    }
    this.state = 'stalled';
    this.stalledSince = Date.now();
    this.flush();
  }

  /** The event as the group rendered it. The hot path. */
  deliver(event: ProgressEvent, out: Outgoing): void {
    // At or before the member's own prefix's end (a cursor another instance handed out).
    if (this.own !== null && event.seq <= this.own.head) return;
    if (this.state === 'live' && this.target.socket.bufferedAmount <= this.fanout.highWater) {
      this.write(out);
      return;
    }
    if (this.state === 'closed') return;
    if (this.state === 'live') {
      // The socket is full: from now on keep the latest frame per operation until it drains.
      this.state = 'stalled';
      this.stalledSince = Date.now();
      this.arm();
    }
    (this.queue ??= newQueue(this.fanout.drops)).push({ key: event.progress.id, out, event });
  }

  /** The first frame after a skip says how many were skipped: rendered for this member alone. */
  private withMissed(event: ProgressEvent, missed: number): Outgoing | null {
    const payload = this.group.render({ ...event, missed });
    return payload ? new Outgoing(payload) : null;
  }

  /**
   * Sends the message: the group's frame straight to the TCP socket when ws allows it (no
   * per-send callback: back-pressure is read from bufferedAmount), else through ws.send.
   */
  private write(out: Outgoing | null): void {
    if (out === null) return;
    const socket = this.target.socket;
    const wire = directWire(socket);
    if (wire !== null) wire.write(out.frameFor(this.head));
    else if (socket.readyState === socket.OPEN) socket.send(this.head + out.tail);
  }

  /** Sends what waits (conflated to the latest per operation) while the socket has room. */
  private flush(): void {
    if (this.state !== 'stalled') return;
    while (this.target.socket.bufferedAmount <= this.fanout.lowWater) {
      const next = this.queue?.poll();
      if (!next) {
        // Drained: an empty queue carries no missed count, so it can go until the next stall.
        this.queue = null;
        this.state = 'live';
        this.disarm();
        return;
      }
      this.write(next.missed ? this.withMissed(next.event, next.missed) : next.out);
    }
    if (Date.now() - this.stalledSince > this.fanout.stallTimeoutMs) {
      this.fanout.logger.warn({ id: this.target.id }, 'subscriber stopped reading: disconnecting it');
      const socket = this.target.socket;
      socket.close(CLOSE_TOO_SLOW, 'Subscriber too slow');
      // It is not reading, so the closing handshake may never finish: do not wait for it long.
      setTimeout(() => socket.terminate(), this.fanout.closeGraceMs).unref();
      this.queue?.abandon();
      this.close();
      return;
    }
    this.arm();
  }

  private arm(): void {
    this.timer ??= setInterval(() => this.flush(), STALL_POLL_MS);
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.disarm();
    this.queue?.close();
    this.queue = null;
    // Its prefix's head stays registered (reset when the log is lost) until the member goes.
    this.own?.close();
    this.group.leave(this);
    this.release?.(DONE);
    this.release = null;
  }

  /**
   * What graphql-ws iterates: the member itself (no closures of its own per operation), which
   * yields nothing and ends when the operation does.
   */
  parked(): AsyncIterableIterator<never> {
    return this;
  }

  next(): Promise<IteratorResult<never>> {
    if (this.state === 'closed') return Promise.resolve(DONE);
    return new Promise((resolve) => {
      this.release = resolve;
    });
  }

  return(): Promise<IteratorResult<never>> {
    this.close();
    return Promise.resolve(DONE);
  }

  throw(error?: unknown): Promise<IteratorResult<never>> {
    this.close();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<never> {
    return this;
  }
}

const DONE: IteratorResult<never> = Object.freeze({ value: undefined, done: true }) as IteratorResult<never>;

/** Frames of one member, bounded (LIVE_QUEUE_CAPACITY): past it, the latest per operation only. */
function newQueue(drops: DropTally | undefined): LiveQueue<Frame> {
  return new LiveQueue<Frame>({ keyOf: frameKey, markMissed: markFrameMissed, onDrop: drops?.add });
}

function frameKey(frame: Frame): string {
  return frame.key;
}

function markFrameMissed(frame: Frame, missed: number): Frame {
  return { ...frame, missed };
}
