// Runs one workload on both engines: first once each to check that they agree
// (status, gas used, refund, output, logs, created address), then timed with
// tinybench. Time per engine and row is bounded, so the slow rows of the slower
// engine still finish in reasonable time.

import { Bench } from 'tinybench';
import { compareOutcomes, ethjsRunner, lanesRunner, type Outcome, type Runner, type Workload } from './engines.js';

export interface Budget {
  /** Minimum measured time per engine and row (tinybench `time`), ms. */
  timeMs: number;
  /** Minimum samples, unless one run alone exceeds maxRowMs / minIterations. */
  minIterations: number;
  /** Rough ceiling on the measured time per engine and row, ms. */
  maxRowMs: number;
  warmupMs: number;
}

export interface EngineStats {
  medianMs: number;
  meanMs: number;
  minMs: number;
  /** Relative margin of error of the mean, percent. */
  rme: number;
  samples: number;
  mgasPerSec: number;
  nsPerOp?: number;
}

export interface RowResult {
  suite: string;
  group: string;
  name: string;
  fork: string;
  /** Execution gas of one run (Lanes' figure). */
  gasUsed: number;
  ops?: number;
  status: string;
  lanes?: EngineStats;
  ethereumjs?: EngineStats;
  /** ethereumjs median time / Lanes median time: how many times faster Lanes is. */
  ratio?: number;
  agree: boolean;
  differences: string[];
  /** An engine threw. */
  error?: string;
}

export interface Check {
  lanes: Outcome;
  ethereumjs: Outcome;
  differences: string[];
  lanesMs: number;
  ethereumjsMs: number;
  runners: { lanes: Runner; ethereumjs: Runner };
}

async function once(r: Runner): Promise<{ outcome: Outcome; ms: number }> {
  await r.reset();
  const t = performance.now();
  const outcome = await r.run();
  const ms = performance.now() - t;
  await r.release();
  return { outcome, ms };
}

/** Runs the workload once on each engine and compares the outcomes. */
export async function checkWorkload(w: Workload): Promise<Check> {
  const lanes = await lanesRunner(w);
  const l = await once(lanes);
  const ethereumjs = await ethjsRunner(w);
  const e = await once(ethereumjs);
  return {
    lanes: l.outcome, ethereumjs: e.outcome, differences: compareOutcomes(l.outcome, e.outcome),
    lanesMs: l.ms, ethereumjsMs: e.ms, runners: { lanes, ethereumjs },
  };
}

async function time(name: string, r: Runner, gas: bigint, firstMs: number, b: Budget, ops?: number): Promise<EngineStats> {
  const iterations = Math.max(1, Math.min(b.minIterations, Math.floor(b.maxRowMs / Math.max(firstMs, 0.001))));
  const warmup = b.warmupMs > 0 && firstMs < b.warmupMs;
  const bench = new Bench({
    time: Math.min(b.timeMs, b.maxRowMs), iterations, warmup, warmupTime: b.warmupMs, warmupIterations: 1, throws: true,
  });
  const check = (o: Outcome) => {
    if (o.gasUsed !== gas) throw new Error(`${name}: ${r.engine} used ${o.gasUsed} gas on a repeat run, ${gas} on the first`);
  };
  const fn = r.async
    ? async () => check(await r.run())
    : () => check(r.run() as Outcome);
  bench.add(name, fn, { async: r.async, beforeEach: () => r.reset(), afterEach: () => r.release() });
  await bench.run();
  const res = bench.tasks[0].result;
  if (res.state !== 'completed') throw new Error(`${name}: ${r.engine}: ${res.state === 'errored' ? res.error.message : res.state}`);
  const medianMs = res.latency.p50;
  return {
    medianMs, meanMs: res.latency.mean, minMs: res.latency.min, rme: res.latency.rme, samples: res.latency.samplesCount,
    mgasPerSec: Number(gas) / 1e6 / (medianMs / 1e3),
    nsPerOp: ops ? (medianMs * 1e6) / ops : undefined,
  };
}

/** A row for a workload, with the outcome of its check (or the error that stopped it). */
export function newRow(w: Workload, c: Check | Error): RowResult {
  const row: RowResult = {
    suite: w.suite, group: w.group, name: w.name, fork: w.fork, gasUsed: 0, ops: w.ops, status: '', agree: false, differences: [],
  };
  if (c instanceof Error) {
    row.error = c.message;
    return row;
  }
  row.gasUsed = Number(c.lanes.gasUsed);
  row.status = c.lanes.status + (c.lanes.error ? ` (${c.lanes.error})` : '');
  row.differences = c.differences;
  row.agree = c.differences.length === 0;
  return row;
}

/**
 * Times a checked workload on both engines into its row; never throws (an engine
 * error becomes the row's error). Rows that disagree are timed too: the figures are
 * still informative, and the row stays flagged.
 */
export async function timeWorkload(w: Workload, c: Check, row: RowResult, b: Budget): Promise<void> {
  try {
    row.lanes = await time(w.name, c.runners.lanes, c.lanes.gasUsed, c.lanesMs, b, w.ops);
    row.ethereumjs = await time(w.name, c.runners.ethereumjs, c.ethereumjs.gasUsed, c.ethereumjsMs, b, w.ops);
    row.ethereumjs.mgasPerSec = Number(c.ethereumjs.gasUsed) / 1e6 / (row.ethereumjs.medianMs / 1e3);
    row.ratio = row.ethereumjs.medianMs / row.lanes.medianMs;
  } catch (e) {
    row.error = e instanceof Error ? e.message : String(e);
    row.agree = false;
  }
}

/** Checks and times one workload. */
export async function measureWorkload(w: Workload, b: Budget): Promise<RowResult> {
  const c = await checkWorkload(w).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
  const row = newRow(w, c);
  if (!(c instanceof Error)) await timeWorkload(w, c, row, b);
  return row;
}
