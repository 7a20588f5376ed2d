// The playground's parallel block run: the sample block on a pool of Web Workers
// (Block-STM), reported like runBlockSequential so the two can be compared.

import type { Evm } from '../evm/evm.js';
import { forkByName } from '../fork/table.js';
import { executeBlockParallel } from '../parallel/executor.js';
import { WebWorkerPool, webPoolUnavailable } from '../parallel/web-pool.js';
import { bytesToHex } from '../util/hex.js';
import { BLOCK_FORK, sampleBlock, type BlockReport, type SampleBlockSpec } from './playground.js';

/** The self-contained worker script built by `npm run build:browser` (esbuild). */
export const WORKER_URL = new URL('../../browser/lanes-worker.js', import.meta.url);

export interface ParallelBlockReport extends BlockReport {
  /** Milliseconds to start the pool and warm it up (paid once; not in `ms`). */
  poolStartMs: number;
  /** Incarnations beyond one per transaction (Block-STM re-executions). */
  reexecutions: number;
  stats: Record<string, number>;
  timings: { snapshotMs: number; executeMs: number; commitMs: number };
}

let pool: WebWorkerPool | null = null;

/**
 * A pool of `size` workers, kept between runs (started again when the size changes).
 * A new pool runs a small block first, so that the measured run does not pay for the
 * workers' JIT warming up.
 */
export async function webPool(evm: Evm, size: number, workerUrl: string | URL = WORKER_URL): Promise<{ pool: WebWorkerPool; startMs: number }> {
  if (pool && pool.size === size) return { pool, startMs: 0 };
  await pool?.close();
  pool = null;
  const t0 = performance.now();
  const p = await WebWorkerPool.create(size, { workerUrl });
  const warm = sampleBlock({ txs: 4 * size, rounds: 50, conflictEvery: 2 });
  await executeBlockParallel(p, evm, warm.pre, warm.block, { fork: forkByName(BLOCK_FORK), force: true });
  pool = p;
  return { pool, startMs: performance.now() - t0 };
}

export async function closeWebPool(): Promise<void> {
  await pool?.close();
  pool = null;
}

/**
 * Runs the sample block with Block-STM on `workers` Web Workers. Where the page cannot
 * (not cross-origin isolated) the block runs sequentially and `fallback` says why.
 */
export async function runBlockParallel(evm: Evm, spec: SampleBlockSpec, workers: number): Promise<ParallelBlockReport> {
  const { pre, block } = sampleBlock(spec);
  const fork = forkByName(BLOCK_FORK);
  const why = webPoolUnavailable();
  const started = why ? null : await webPool(evm, workers);
  const t0 = performance.now();
  // The page demonstrates Block-STM: no timing-based fallback, which would make the run
  // (and its test) depend on how loaded the machine is. The static fallbacks still apply.
  const r = await executeBlockParallel(started?.pool ?? null, evm, pre, block, { fork, adaptive: false });
  const ms = performance.now() - t0;
  const p = r.parallel;
  return {
    mode: p.mode, workers: p.mode === 'parallel' ? p.workers : 1,
    fallback: p.mode === 'parallel' ? null : why ?? p.reason ?? 'ran sequentially',
    txs: block.transactions.length, gasUsed: r.gasUsed.toString(), stateRoot: bytesToHex(r.stateRoot!),
    receiptsRoot: bytesToHex(r.receiptsRoot), ms,
    perTx: r.results.map((x) => ({ gasUsed: x.gasUsed.toString(), status: x.status })), txMs: [],
    poolStartMs: started?.startMs ?? 0,
    reexecutions: Math.max(0, p.stats.executions - block.transactions.length),
    stats: { ...p.stats }, timings: p.timings,
  };
}
