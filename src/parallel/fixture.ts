// Block fixtures (src/block/fixture.ts) with their transactions run in parallel: the
// fixture runner drives the block, driveParallel (executor.ts) supplies the
// transactions' outcomes. What `lanes block --workers N` runs.

import type { Evm } from '../evm/evm.js';
import { runBlockFixture, type BlockFixture, type FixtureResult } from '../block/fixture.js';
import { driveParallel, type ParallelReport } from './executor.js';
import type { WorkerPool } from './pool.js';

export interface ParallelFixtureResult extends FixtureResult {
  parallel: ParallelReport;
}

/** runBlockFixture with the transactions on `pool`; timeMs covers the whole run (snapshot, workers, commit). */
export async function runBlockFixtureParallel(pool: WorkerPool | null, evm: Evm, f: BlockFixture, opts: { force?: boolean; minTransactions?: number } = {}): Promise<ParallelFixtureResult> {
  const t0 = performance.now();
  // runBlockFixture executes on its own copy of the pre-state, so every phase may run it.
  const { result, parallel } = await driveParallel(pool, evm, f.transactions, opts, (e) => runBlockFixture(e, f));
  return { ...result, timeMs: performance.now() - t0, parallel };
}
