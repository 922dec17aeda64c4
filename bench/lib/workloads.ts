/** The subscription workloads W1–W5 (bench/README.md says what each measures). */
import { sleep } from './child.js';
import { kernelQueued, type QueuedStats } from './queued.js';
import { P, REDIS_VARIANTS, log, type VariantName } from './options.js';
import { fmtInt, median, perRep, results, stepLog, type W1Result, type W2Result, type W3Result, type W4Result, type W5Result } from './results.js';
import { type Sub, fanout, layout, search, startRig, step, stopRig, eventsPerSec } from './rig.js';
import { BENCH_TYPES, nowMs, subscriptionDocument, subscriptionDocumentWithMissed } from './shared.js';

export async function runW1(variant: VariantName, rep: number): Promise<W1Result> {
  const subs = layout('W1', P.subscribers);
  const heap = { before: 0, after: 0, rssBefore: 0, rssAfter: 0 };
  const rig = await startRig(variant, subs, { heap });
  try {
    const first = stepLog.length;
    const fixed = await step(rig, 'W1@10k', P.fixedRate);
    const high = await step(rig, 'W1@40k', P.highRate);
    const cpuStep = fixed;
    const latStep = fixed;
    const prev = results.W1.get(variant)?.[0]?.sustainedTarget;
    // The Redis variants are measured for CPU per message (issue 10's target), not for the highest rate.
    const { best, saturated } = REDIS_VARIANTS.has(variant)
      ? { best: null, saturated: false }
      : rep > 0 && prev
        ? await search(rig, 'W1 search', prev, P.searchFactorLater, 0)
        : await search(rig, 'W1 search', P.searchStart, P.searchFactor, P.searchRefine, [fixed, high].filter((x) => x.pass));
    return {
      sustained: best?.msgsPerSec ?? NaN,
      sustainedTarget: best?.target ?? 0,
      sustainedSaturated: saturated,
      cpuUsPerMsg: cpuStep.serverCpuUsPerMsg,
      cpuUsPerMsgHigh: high.serverCpuUsPerMsg,
      highPass: high.pass,
      contended: stepLog.slice(first).some((s) => s.contended),
      redisCpuUsPerMsg: fixed.redisCpuUsPerMsg,
      p50: latStep.p50,
      p99: latStep.p99,
      heapPerSub: (heap.after - heap.before) / subs.length,
      rssPerSub: (heap.rssAfter - heap.rssBefore) / subs.length,
      avgBytes: cpuStep.avgBytes,
      latencySaturated: latStep.clientSaturated,
    };
  } finally {
    await stopRig(rig);
  }
}

export async function runW2(variant: VariantName, rep: number): Promise<W2Result> {
  const rig = await startRig(variant, layout('W2', P.subscribers));
  try {
    const prev = results.W2.get(variant)?.[0]?.sustainedTarget;
    // The first repetition starts from this repetition's W1 figure of the same variant.
    const w1 = perRep[rep]?.W1.get(variant)?.sustainedTarget;
    const { best, saturated } =
      rep > 0 && prev
        ? await search(rig, 'W2 search', prev, P.searchFactorLater, 0)
        : await search(rig, 'W2 search', w1 || P.searchStart, w1 ? 1.3 : P.searchFactor, P.searchRefine);
    return { sustained: best?.msgsPerSec ?? 0, sustainedTarget: best?.target ?? 0, sustainedSaturated: saturated };
  } finally {
    await stopRig(rig);
  }
}

export async function runW3(variant: VariantName): Promise<W3Result> {
  const rig = await startRig(variant, layout('W1', P.subscribers));
  try {
    const h0 = await rig.servers[0]!.call<{ heap: number }>('heap');
    await rig.servers[0]!.call('rate', { eventsPerSec: eventsPerSec(P.churnRate, rig.fan) });
    const churn = rig.client.churn(P.churnOpsPerSec, P.warmupMs + P.churnMs + P.drainMs);
    const s = await step(rig, 'W3 churn', P.churnRate, { windowMs: P.churnMs, rate: false });
    const churnOps = await churn;
    await rig.servers[0]!.call('rate', { eventsPerSec: 0 });
    await rig.client.idle(300, 10_000);
    const h1 = await rig.servers[0]!.call<{ heap: number; uncaught: number }>('heap');
    return {
      churnOpsPerSec: churnOps / ((P.warmupMs + P.churnMs + P.drainMs) / 1000),
      msgsPerSec: s.msgsPerSec,
      p99: s.p99,
      heapGrowthPerOp: churnOps ? (h1.heap - h0.heap) / churnOps : 0,
      rssGrowth: s.rssGrowth,
      errors: s.errors,
      uncaught: h1.uncaught,
    };
  } finally {
    await stopRig(rig);
  }
}

export async function runW4(variant: VariantName): Promise<W4Result> {
  const n = P.w4Subscribers;
  const resumable = Array.from({ length: P.w4Resumable }, (_, i) => i);
  const dead = Array.from({ length: P.w4Dead }, (_, i) => P.w4Resumable + i);
  const stalledIdx = new Set([...resumable, ...dead]);
  const query = variant === 'service' ? subscriptionDocumentWithMissed() : subscriptionDocument();
  // The stalled subscribers take every type (4× the messages of the others).
  // They subscribe only when they stop reading: a socket that has been reading fast gets a
  // kernel receive buffer autotuned to several MB, which would hide the backlog from the server.
  const subs: Sub[] = Array.from({ length: n }, (_, i) =>
    stalledIdx.has(i) ? { query, variables: { types: [...BENCH_TYPES] }, deferred: true } : { query, variables: { types: [BENCH_TYPES[i % 4]!] } },
  );
  const rig = await startRig(variant, subs, {
    env: {
      BENCH_TITLE_PAD: String(P.w4PadBytes),
      BENCH_FANOUT_HIGH_WATER: String(P.w4HighWater),
      BENCH_FANOUT_LOW_WATER: String(P.w4LowWater),
      BENCH_FANOUT_STALL_MS: String(P.w4StallTimeoutMs),
    },
  });
  const server = rig.servers[0]!;
  const port = Number(new URL(rig.urls[0]!).port);
  try {
    const first = stepLog.length;
    const base = await step(rig, 'W4 no-stall', P.w4Rate, { windowMs: P.stallMs });
    const seqAtStall = (await server.call<{ seq: number }>('seq')).seq;
    await Promise.all([rig.client.stall(resumable, true, true), rig.client.stall(dead, false, true)]);
    const stallBegan = nowMs();
    // Where the backlog sits, sampled through the stall.
    const queued = { service: 0, servicePerSocket: 0, kernel: 0, kernelPerSocket: 0, atResume: 0 };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const q = await server.call<QueuedStats>('queued');
        const k = kernelQueued(port);
        queued.service = Math.max(queued.service, q.bytes);
        queued.servicePerSocket = Math.max(queued.servicePerSocket, q.max);
        if (k) {
          queued.kernel = Math.max(queued.kernel, k.bytes);
          queued.kernelPerSocket = Math.max(queued.kernelPerSocket, k.max);
        }
        await sleep(250);
      }
    })();
    const resumeTimer = setTimeout(() => {
      queued.atResume = queued.service;
      void rig.client.resume();
    }, P.w4ResumeAtMs);
    const stalled = await step(rig, 'W4 stall', P.w4Rate, { windowMs: P.stallMs, fan: fanout(subs, stalledIdx) });
    clearTimeout(resumeTimer);
    const stallMs = nowMs() - stallBegan;
    const seqAtEnd = (await server.call<{ seq: number }>('seq')).seq;
    await rig.client.idle(500, 15_000);
    // The ones that never read are closed a stall timeout after their socket filled: wait for the server to send
    // that close (bounded; they cannot see it without reading), then let them read to see their connection end.
    let q = await server.call<QueuedStats>('queued');
    while ((q.closesSent['1008'] ?? 0) < P.w4Dead && nowMs() - stallBegan < P.stallMs + P.w4StallTimeoutMs + 5_000) {
      await sleep(250);
      q = await server.call<QueuedStats>('queued');
    }
    sampling = false;
    await sampler;
    // The server cuts the socket FANOUT_CLOSE_GRACE_MS (1 s) after its close frame; then the client reads to the end.
    await sleep(1_500);
    await rig.client.resume(true);
    let rep = await rig.client.stalledReport();
    for (const until = nowMs() + 10_000; rep.dead.closedByServer < rep.dead.stalled && nowMs() < until; ) {
      await sleep(250);
      rep = await rig.client.stalledReport();
    }
    const after = await server.call<QueuedStats>('queued');
    const { dropped } = await server.call<{ dropped: Record<string, number> }>('dropped');
    const h = await server.call<{ uncaught: number }>('heap');
    const med = (a: number[]) => median(a);
    const publishedWhileStalled = seqAtEnd - seqAtStall;
    return {
      subscribers: n,
      baseP99: base.p99,
      stallP99: stalled.p99,
      ratio: stalled.p99 / base.p99,
      healthyDelivered: stalled.ratio,
      rssGrowth: stalled.rssMax - stalled.rssStart,
      uncaught: h.uncaught,
      queuedService: queued.service,
      queuedServicePerSocket: queued.servicePerSocket,
      queuedKernel: queued.kernel,
      queuedKernelPerSocket: queued.kernelPerSocket,
      queuedAfter: after.bytes,
      dropped,
      stallMs,
      publishedWhileStalled,
      resumable: {
        n: rep.resumable.stalled,
        closed: rep.resumable.closedByServer,
        missedFrames: med(rep.resumable.missedFrames),
        // What it received since it stopped reading plus what it was told it missed, over what was published meanwhile.
        accounted: med(rep.resumable.sinceStall.map((r, i) => (r + rep.resumable.missedSum[i]!) / publishedWhileStalled)),
        received: med(rep.resumable.sinceStall),
        missed: med(rep.resumable.missedSum),
      },
      closesSent: after.closesSent,
      dead: {
        n: rep.dead.stalled,
        closed: rep.dead.closedByServer,
        codes: rep.dead.closeCodes,
        closedAfterMs: med(rep.dead.closedAfterMs),
      },
      healthyClosed: rep.healthyClosed,
      contended: stepLog.slice(first).some((s) => s.contended),
    };
  } finally {
    await stopRig(rig);
  }
}

export async function runW5(variant: VariantName): Promise<W5Result> {
  const subs = layout('W1', P.w5Subscribers);
  const heap = { before: 0, after: 0, rssBefore: 0, rssAfter: 0 };
  const rig = await startRig(variant, subs, { heap, clientProcs: P.w5ClientProcs });
  try {
    log(`  ${variant}: ${fmtInt(subs.length)} subscribed in ${(rig.subscribeMs / 1000).toFixed(1)} s`);
    const first = stepLog.length;
    const s = await step(rig, 'W5@10k', P.fixedRate, { windowMs: P.w5WindowMs });
    return {
      subscribers: subs.length,
      subscribeMs: rig.subscribeMs,
      rssPerSub: (heap.rssAfter - heap.rssBefore) / subs.length,
      heapPerSub: (heap.after - heap.before) / subs.length,
      p50: s.p50,
      p99: s.p99,
      delivered: s.ratio,
      clientSaturated: s.clientSaturated,
      pass: s.pass,
      contended: stepLog.slice(first).some((x) => x.contended),
    };
  } finally {
    await stopRig(rig);
  }
}

