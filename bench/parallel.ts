// Parallel block execution against sequential on generated blocks: independent heavy
// transactions (the case Block-STM exists for), plain transfers (light: overheads
// show), deposits into one address, a fully dependent chain and a random mix.
// `parallelBench()` prints a table; run alone with `node dist/bench/parallel.js [N...]`.

import { availableParallelism } from 'node:os';
import { executeBlock } from '../src/block/execute.js';
import { Evm } from '../src/evm/evm.js';
import { executeBlockParallel, type ParallelReport } from '../src/parallel/executor.js';
import { NodeWorkerPool } from '../src/parallel/pool.js';
import * as W from '../src/parallel/workloads.js';

export interface ParallelBenchOptions {
  /** Worker counts to measure (default [2], and the core count if larger). */
  workers?: number[];
  /** Timed runs per configuration; the median is reported (default 7). */
  runs?: number;
  /** Smaller blocks and fewer runs. */
  quick?: boolean;
}

export interface ParallelBenchRow {
  workload: string;
  transactions: number;
  gas: bigint;
  sequentialMs: number;
  parallel: { workers: number; ms: number; speedup: number; report: ParallelReport }[];
}

export function benchWorkloads(quick = false): W.Workload[] {
  const k = quick ? 4 : 1;
  return [
    W.independentWorkload(64 / k, 6000),
    W.mixedWorkload(200 / k, 7, 3000, undefined, 64),
    W.chainWorkload(64 / k, 3000),
    W.transfersWorkload(400 / k),
    W.hotRecipientWorkload(400 / k),
  ];
}

export async function parallelBench(opts: ParallelBenchOptions = {}): Promise<ParallelBenchRow[]> {
  const cores = availableParallelism();
  const counts = opts.workers ?? [...new Set([2, cores])].filter((n) => n >= 2);
  const runs = opts.runs ?? (opts.quick ? 3 : 7);
  const evm = await Evm.create();
  const pools = new Map<number, NodeWorkerPool>();
  for (const n of counts) pools.set(n, await NodeWorkerPool.create(n));
  const rows: ParallelBenchRow[] = [];
  try {
    console.log(`\n## parallel blocks (Block-STM), ${cores} cores, median of ${runs} alternating runs after 2 warm-ups`);
    const head = ['workload', 'txs', 'Mgas', 'sequential ms', ...counts.flatMap((n) => [`${n} workers ms`, 'speedup']), 'notes'];
    console.log(head.join(' | '));
    for (const w of benchWorkloads(opts.quick)) {
      const seqRun = () => {
        const s = w.pre.copy();
        const t = performance.now();
        const r = executeBlock(evm, s, w.block, { fork: w.fork, stateRoot: false });
        return { ms: performance.now() - t, gas: r.gasUsed, failed: r.results.filter((x) => x.status !== 'success').length };
      };
      const parRun = (n: number) => async () => {
        const s = w.pre.copy();
        const t = performance.now();
        const r = await executeBlockParallel(pools.get(n)!, evm, s, w.block, { fork: w.fork, stateRoot: false });
        return { ms: performance.now() - t, gas: r.gasUsed, report: r.parallel };
      };
      // Sequential and parallel runs alternate, so that drift in the machine's load hits both alike.
      const seq: ReturnType<typeof seqRun>[] = [];
      const par = new Map(counts.map((n) => [n, [] as Awaited<ReturnType<ReturnType<typeof parRun>>>[]]));
      for (let i = -2; i < runs; i++) {
        const a = seqRun();
        if (i >= 0) seq.push(a);
        for (const n of counts) {
          const b = await parRun(n)();
          if (b.gas !== a.gas) throw new Error(`${w.name}: parallel gas ${b.gas}, sequential ${a.gas}`);
          if (i >= 0) par.get(n)!.push(b);
        }
      }
      const s = median(seq);
      const row: ParallelBenchRow = { workload: w.name, transactions: w.block.transactions.length, gas: s.gas, sequentialMs: s.ms, parallel: [] };
      for (const n of counts) {
        const p = median(par.get(n)!);
        row.parallel.push({ workers: n, ms: p.ms, speedup: s.ms / p.ms, report: p.report });
      }
      rows.push(row);
      const r0 = row.parallel[0]?.report;
      const notes = (r0 === undefined ? '' : r0.mode === 'sequential' ? `sequential: ${r0.reason}`
        : `${r0.stats.executions} executions, ${r0.stats.validationAborts} aborts${r0.feesDeferred ? '' : ', fees not deferred'}`) +
        (s.failed ? `; ${s.failed} transactions revert` : '');
      console.log([w.name, row.transactions, (Number(row.gas) / 1e6).toFixed(1), row.sequentialMs.toFixed(1),
        ...row.parallel.flatMap((p) => [p.ms.toFixed(1), `${p.speedup.toFixed(2)}x`]), notes].join(' | '));
    }
    if (rows.some((r) => r.parallel.some((p) => p.report.mode === 'parallel' && !p.report.feesDeferred))) {
      console.log('(fees not deferred: this Evm.executeTx has no deferCoinbaseFee, so every transaction conflicts on the fee recipient)');
    }
  } finally {
    for (const p of pools.values()) await p.close();
  }
  return rows;
}

function median<M extends { ms: number }>(xs: M[]): M {
  return [...xs].sort((a, b) => a.ms - b.ms)[xs.length >> 1];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const workers = process.argv.slice(2).filter((a) => /^\d+$/.test(a)).map(Number);
  await parallelBench({ workers: workers.length > 0 ? workers : undefined, quick: process.argv.includes('--quick') });
}
