// Block fixtures (src/block/fixture.ts) with their transactions run in parallel: the
// fixture runner drives the block, driveParallel (executor.ts) supplies the
// transactions' outcomes. What `lanes block --workers N` runs. (The state before the
// transactions is captured with executeBlock directly: the runner would compute the
// transactions root first, once more.)

import { executeBlock } from '../block/execute.js';
import { prepareBlockFixture, runBlockFixture, type BlockFixture, type FixtureResult } from '../block/fixture.js';
import type { Evm } from '../evm/evm.js';
import { MAINNET_DAO_FORK_BLOCK } from '../fork/table.js';
import { driveParallel, type DriveOptions, type ParallelReport, type ReplayOptions } from './executor.js';
import type { WorkerPool } from './pool.js';

export interface ParallelFixtureResult extends FixtureResult {
  parallel: ParallelReport;
}

/**
 * runBlockFixture with the transactions on `pool`. timeMs covers what runBlockFixture's
 * does (the block's execution, here with the commit) plus all that parallel execution
 * adds (capture, probe, snapshot, the workers' run); like runBlockFixture's, not the
 * runner's own preparation (its copy of the pre-state, the transactions root), which is
 * done before the workers start so that they get no head start.
 */
export async function runBlockFixtureParallel(pool: WorkerPool | null, evm: Evm, f: BlockFixture, opts: DriveOptions = {}): Promise<ParallelFixtureResult> {
  const prepared = prepareBlockFixture(f);
  const t0 = performance.now();
  const block = { header: f.header, transactions: f.transactions, uncles: [], withdrawals: f.withdrawals };
  // The transactions' starting state and environment: fork, chain, BLOCKHASH and the DAO change as runBlockFixture sets them.
  const daoFork = f.mainnetSchedule && f.chainId === 1n && f.header.number === MAINNET_DAO_FORK_BLOCK;
  const capture = (e: Evm) => executeBlock(e, f.preState.copy(), block, {
    fork: f.fork, chainId: f.chainId, blockHash: (n) => f.blockHashes.get(n), daoFork, stateRoot: false, intermediateStateRoots: false,
  });
  // The runner's check of reads outside a partial pre-state needs only the reads the
  // pre-state could not answer: the workers send those (whole read sets cost ~10%).
  let driven = 0;
  const drive = (e: Evm, _phase: unknown, replay: ReplayOptions = {}) => {
    driven = performance.now();
    return runBlockFixture(e, f, prepared, replay);
  };
  const { result, parallel } = await driveParallel(pool, evm, f.transactions, { ...opts, readSets: false, preStateMisses: !f.complete }, drive, capture);
  // Up to drive's start, then the runner's own measure of the execution (its setup is the only difference).
  return { ...result, timeMs: driven - t0 + result.timeMs, parallel };
}

/** A block fixture's runs both ways (runFixtureBothWays): the untimed first pair, then the timed ones. */
export interface FixtureRuns {
  warmUp: { sequential: FixtureResult; parallel: ParallelFixtureResult };
  sequential: FixtureResult[];
  parallel: ParallelFixtureResult[];
}

/**
 * Runs `f` sequentially and on `pool`: once each untimed (the block's contracts are new
 * to both Evms and the JIT: whichever ran first was slower, and a block run
 * sequentially both ways measured 1.37x over the 53 mainnet blocks), then `runs` times
 * each, alternately, the order swapped every round so that load drift and each other's
 * garbage hit both alike. `first`: the order of the first timed round (0: sequential
 * first, 1: parallel first; the untimed pair runs the other way); callers vary it from
 * block to block.
 */
export async function runFixtureBothWays(pool: WorkerPool, evm: Evm, f: BlockFixture, runs: number, first = 0): Promise<FixtureRuns> {
  const sequential: FixtureResult[] = [];
  const parallel: ParallelFixtureResult[] = [];
  let warmUp: FixtureRuns['warmUp'] | undefined;
  for (let i = -1; i < runs; i++) {
    let s: FixtureResult;
    let p: ParallelFixtureResult;
    if (((i + first) & 1) === 0) {
      s = runBlockFixture(evm, f);
      p = await runBlockFixtureParallel(pool, evm, f);
    } else {
      p = await runBlockFixtureParallel(pool, evm, f);
      s = runBlockFixture(evm, f);
    }
    if (i < 0) warmUp = { sequential: s, parallel: p };
    else {
      sequential.push(s);
      parallel.push(p);
    }
  }
  return { warmUp: warmUp!, sequential, parallel };
}
