// The blocks suite: real mainnet blocks ($LANES_VECTORS/mainnet-blocks) through
// Lanes' sequential block executor (src/block: runBlockFixture, which runs
// executeBlock and checks gas used, receipts root and logs bloom against what mainnet
// recorded). Lanes only: whole blocks on ethereumjs would need @ethereumjs/vm.
// mainnetParallelBench: the same blocks sequentially and on worker threads (Block-STM),
// beside the speedups `lanes block --analyze` predicts for them.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import type { Budget } from './measure.js';
import { readBlockFixture, runBlockFixture, type BlockFixture } from '../src/block/fixture.js';
import { Evm } from '../src/evm/evm.js';
import { REPORTED_WORKERS, analyzeBlockFixture, reported } from '../src/parallel/analyze.js';
import type { ParallelReport } from '../src/parallel/executor.js';
import { runBlockFixtureParallel, runFixtureBothWays } from '../src/parallel/fixture.js';
import { NodeWorkerPool } from '../src/parallel/pool.js';
import { vectorsDir } from '../src/util/vectors.js';
import { median } from './report.js';
import { SequentialTwin } from './twin.js';

export interface BlockRow {
  suite: 'blocks';
  name: string;
  fork: string;
  transactions: number;
  gasUsed: number;
  /** Median time of executeBlock (the fixture's pre-state copy and checks excluded), ms. */
  medianMs?: number;
  minMs?: number;
  samples?: number;
  mgasPerSec?: number;
  pass: boolean;
  reason: string | null;
}

export function mainnetBlocksDir(): string {
  return join(vectorsDir(), 'mainnet-blocks');
}

const pad = (s: string, n: number, left = false) => (left ? s.padEnd(n) : s.padStart(n));
const COLS = ['block', 'fork', 'txs', 'gas', 'Lanes ms', 'Lanes Mgas/s', 'mainnet checks'];
const WIDTHS = [9, 16, 5, 11, 9, 12, 14];

function printRow(cells: string[]): void {
  console.log(cells.map((c, i) => pad(c, WIDTHS[i], i === 1 || i === 6)).join('  '));
}

function blockFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => /^\d+\.json$/.test(f)).sort((x, y) => parseInt(x) - parseInt(y));
}

/** Runs the suite; returns its rows (empty when skipped). */
export async function runBlocksSuite(b: Budget, filter?: RegExp): Promise<BlockRow[]> {
  console.log('\n## blocks (mainnet, sequential executor, Lanes only)');
  const dir = mainnetBlocksDir();
  if (!existsSync(dir)) {
    console.log(`mainnet-blocks vectors not found at ${dir} (set LANES_VECTORS): skipping them`);
    return [];
  }
  console.log('Each block from its pre-state with runBlockFixture: the time is executeBlock\'s own (signature checks,');
  console.log('transactions, receipts), median of the runs; checks = gas used, receipts root, logs bloom as mainnet recorded.\n');
  printRow(COLS);
  printRow(WIDTHS.map((w) => '-'.repeat(w)));
  const files = blockFiles(dir);
  const evm = await Evm.create();
  const rows: BlockRow[] = [];
  let gas = 0;
  let ms = 0;
  for (const f of files) {
    if (filter && !filter.test(f.replace('.json', ''))) continue;
    const row: BlockRow = { suite: 'blocks', name: f.replace('.json', ''), fork: '', transactions: 0, gasUsed: 0, pass: false, reason: null };
    try {
      const fx = readBlockFixture(join(dir, f));
      const first = runBlockFixture(evm, fx);
      Object.assign(row, { fork: first.fork, transactions: first.transactions, gasUsed: Number(first.gasUsed), pass: first.pass, reason: first.reason });
      const iterations = Math.max(1, Math.min(b.minIterations, Math.floor(b.maxRowMs / Math.max(first.timeMs, 0.001))));
      const bench = new Bench({ time: Math.min(b.timeMs, b.maxRowMs), iterations, warmup: false, throws: true });
      bench.add(row.name, () => ({ overriddenDuration: runBlockFixture(evm, fx).timeMs }), { async: false });
      await bench.run();
      const res = bench.tasks[0].result;
      if (res.state !== 'completed') throw new Error(res.state === 'errored' ? res.error.message : res.state);
      row.medianMs = res.latency.p50;
      row.minMs = res.latency.min;
      row.samples = res.latency.samplesCount;
      row.mgasPerSec = row.medianMs > 0 ? row.gasUsed / 1e6 / (row.medianMs / 1e3) : undefined;
      gas += row.gasUsed;
      ms += row.medianMs;
    } catch (e) {
      row.pass = false;
      row.reason = `threw: ${(e as Error).message.split('\n')[0]}`;
    }
    rows.push(row);
    printRow([
      row.name, row.fork, String(row.transactions), row.gasUsed.toLocaleString('en-US'),
      row.medianMs === undefined ? '-' : row.medianMs.toFixed(1),
      row.mgasPerSec === undefined ? '-' : row.mgasPerSec.toFixed(0),
      row.pass ? 'pass' : 'FAIL',
    ]);
    if (!row.pass) console.log(`   !!! ${row.reason}`);
  }
  if (ms > 0) console.log(`\n${rows.length} blocks, ${(gas / 1e6).toFixed(0)} Mgas in ${(ms / 1e3).toFixed(2)} s: ${(gas / 1e3 / ms).toFixed(0)} Mgas/s overall`);
  return rows;
}

/** The set of mainnet blocks for the parallel speedup: those of at least 4M gas. */
export const MAINNET_PARALLEL_MIN_GAS = 4_000_000n;

export interface MainnetParallelRow {
  block: string;
  transactions: number;
  gasUsed: number;
  sequentialMs: number;
  parallelMs: number;
  speedup: number;
  report: ParallelReport;
  /** --analyze's predictions at 2, 8 and 32 workers: transaction execution, and the whole block with one lane committing (see BlockAnalysis). */
  predicted: { workers: number; speedup: number }[];
  predictedBlock: { workers: number; speedup: number }[];
  /** Two copies of the sequential executor at once (bench/twin.ts): 2 x their own solo median / the pair's median. */
  twoSequential: number;
}

/**
 * The mainnet blocks sequentially (runBlockFixture) and on `workers` threads
 * (runBlockFixtureParallel), after an untimed run of each, alternately `runs` times
 * (runFixtureBothWays; medians), each beside the
 * speedups --analyze predicts. Quick: the first four blocks of at least 4M gas.
 */
export async function mainnetParallelBench(opts: { workers: number; runs: number; quick?: boolean; evm?: Evm }): Promise<MainnetParallelRow[]> {
  const dir = mainnetBlocksDir();
  console.log(`\n## mainnet blocks of at least ${Number(MAINNET_PARALLEL_MIN_GAS) / 1e6}M gas, sequential and ${opts.workers} lanes (medians of ${opts.runs} runs after a warm-up, in alternating order)`);
  if (!existsSync(dir)) {
    console.log(`mainnet-blocks vectors not found at ${dir} (set LANES_VECTORS): skipping them`);
    return [];
  }
  console.log('times: the fixture runner\'s (parallel: snapshot, workers and commit included); pred: --analyze\'s list schedule of the');
  console.log('transactions\' dependency graph; pred blk: --analyze\'s whole block with one lane committing in order (a ceiling for this design)\n');
  console.log('2 seq: the block on this thread and on a twin worker thread at once, two sequential executors sharing nothing (bench/twin.ts):');
  console.log('2 x the sequential median of its own solo runs / the median of the pair\'s slower; the ceiling of any two lanes on this machine\n');
  console.log(['block', 'txs', 'Mgas', 'seq ms', 'par ms', 'speedup', 'mode', 'reexec', '2 seq', 'pred 2', 'pred 8', 'pred 32', 'pred blk 2', 'pred blk 8', 'pred blk 32', 'why sequential'].join(' | '));
  const evm = opts.evm ?? await Evm.create();
  const pool = await NodeWorkerPool.forLanes(opts.workers);
  const twin = SequentialTwin.start();
  const rows: MainnetParallelRow[] = [];
  try {
    const fixtures = blockFiles(dir).map((name) => ({ path: join(dir, name), f: readBlockFixture(join(dir, name)) }))
      .filter(({ f }) => f.expected.gasUsed >= MAINNET_PARALLEL_MIN_GAS);
    const chosen = opts.quick ? fixtures.slice(0, 4) : fixtures;
    // The pool's worker is new, and its JIT cold: a block's forced parallel runs took
    // 15-20 rounds to fall from 199 to about 20 ms (14396881), the sequential runs, on
    // this thread warmed by the workloads before, 5 to fall from 134 to 20. One untimed
    // pass over the blocks both ways, so that the first blocks are not timed cold.
    const warm = performance.now();
    for (const { f } of chosen) {
      runBlockFixture(evm, f);
      await runFixtureParallelUntimed(pool, evm, f);
    }
    console.log(`(warm-up: one untimed pass over the ${chosen.length} blocks, sequential and forced onto ${opts.workers} lanes, ${((performance.now() - warm) / 1000).toFixed(1)} s)\n`);
    for (const { path, f } of chosen) {
      const { sequential: seq, parallel: par } = await runFixtureBothWays(pool, evm, f, opts.runs);
      await twin.load({ fixture: path });
      const twoSequential = await twoSequentialCeiling(evm, f, twin, opts.runs);
      const s = medianBy(seq);
      const p = medianBy(par);
      if (!s.pass || !p.pass || s.gasUsed !== p.gasUsed) throw new Error(`block ${f.header.number}: sequential ${s.reason ?? 'pass'}, parallel ${p.reason ?? 'pass'}`);
      const a = analyzeBlockFixture(evm, f, opts.runs);
      const row: MainnetParallelRow = {
        block: String(f.header.number), transactions: f.transactions.length, gasUsed: Number(s.gasUsed), sequentialMs: s.timeMs, parallelMs: p.timeMs,
        speedup: s.timeMs / p.timeMs, report: p.parallel, predicted: reported(a.predicted),
        predictedBlock: reported(a.predictedBlock), twoSequential,
      };
      rows.push(row);
      const reexec = p.parallel.mode === 'parallel' ? String(Math.max(0, p.parallel.stats.executions - row.transactions)) : '-';
      console.log([row.block, row.transactions, (row.gasUsed / 1e6).toFixed(1), s.timeMs.toFixed(1), p.timeMs.toFixed(1), `${row.speedup.toFixed(2)}x`,
        p.parallel.mode, reexec, `${twoSequential.toFixed(2)}x`, ...row.predicted.map((x) => `${x.speedup.toFixed(2)}x`),
        ...row.predictedBlock.map((x) => `${x.speedup.toFixed(2)}x`), p.parallel.reason ?? ''].join(' | '));
    }
  } finally {
    await pool.close();
    await twin.close();
  }
  if (rows.length > 0) {
    const mean = (f: (r: MainnetParallelRow) => number) => rows.reduce((s, r) => s + f(r), 0) / rows.length;
    const means = (key: 'predicted' | 'predictedBlock') =>
      REPORTED_WORKERS.map((w, k) => `${w} workers ${mean((r) => r[key][k].speedup).toFixed(2)}x`).join(', ');
    const seqMs = rows.reduce((s, r) => s + r.sequentialMs, 0);
    const parMs = rows.reduce((s, r) => s + r.parallelMs, 0);
    const parallel = rows.filter((r) => r.report.mode === 'parallel').length;
    console.log(`\n${rows.length} blocks (${parallel} run in parallel, the rest given up for sequential execution): mean speedup ${mean((r) => r.speedup).toFixed(2)}x ` +
      `(target >= 1.3x), all together ${(seqMs / parMs).toFixed(2)}x; two sequential executors at once ${mean((r) => r.twoSequential).toFixed(2)}x; mean predicted ` +
      `${means('predicted')}; whole blocks, one lane committing, ${means('predictedBlock')}`);
  }
  return rows;
}

/** A forced run of `f` on `pool` (Block-STM whatever the block), for the warm-up; it must pass. */
async function runFixtureParallelUntimed(pool: NodeWorkerPool, evm: Evm, f: BlockFixture): Promise<void> {
  const r = await runBlockFixtureParallel(pool, evm, f, { force: true, adaptive: false });
  if (!r.pass) throw new Error(`block ${f.header.number} failed in the warm-up: ${r.reason}`);
}

/**
 * `runs` rounds (after an untimed one) of a solo sequential run of `f` here, then one
 * here at the same moment as the twin's (loaded with the same block): 2 x the solo
 * median / the median of the pair's slower run.
 */
async function twoSequentialCeiling(evm: Evm, f: BlockFixture, twin: SequentialTwin, runs: number): Promise<number> {
  const solo: number[] = [];
  const pair: number[] = [];
  // An untimed first round: the twin's isolate has not run this block's contracts yet.
  for (let i = -1; i < runs; i++) {
    const alone = runBlockFixture(evm, f).timeMs;
    const theirs = twin.run();
    const mine = runBlockFixture(evm, f);
    const other = await theirs;
    if (!mine.pass || other.check !== 'pass' || other.gas !== mine.gasUsed) throw new Error(`block ${f.header.number}: the twin's run ${other.check}, gas ${other.gas}; this thread's ${mine.reason ?? 'pass'}, gas ${mine.gasUsed}`);
    if (i < 0) continue;
    solo.push(alone);
    pair.push(Math.max(mine.timeMs, other.ms));
  }
  return (2 * median(solo)) / median(pair);
}

function medianBy<R extends { timeMs: number }>(xs: R[]): R {
  return [...xs].sort((a, b) => a.timeMs - b.timeMs)[xs.length >> 1];
}
