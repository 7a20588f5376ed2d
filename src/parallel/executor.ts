// Parallel block execution: the sequential executor's block (src/block/execute.ts)
// with its transactions run by Block-STM on a worker pool.
//
//   1. The state before the first transaction (DAO change, system calls) comes from
//      executeBlock itself, run on a copy and stopped at its first transaction.
//   2. That state is serialised once into shared memory; the workers execute and
//      validate the transactions optimistically (stm-worker.ts) until every one has a
//      final, validated incarnation.
//   3. executeBlock runs again on the real state with an Evm stand-in whose runTx
//      commits those results in block order: write sets, then deferred fees. Receipts,
//      logs, cumulative gas, block gas checks, withdrawals, rewards and roots are thus
//      computed by the reference code, not a copy of it.
// Where parallelism cannot help (one worker, a tiny block) or the pool fails, the block
// runs sequentially and the result says why.

import type { Evm, FullTxResult } from '../evm/evm.js';
import { applyWriteSet } from '../evm/sets.js';
import type { BlockEnv, Tx } from '../evm/types.js';
import type { Fork } from '../fork/table.js';
import { createAccount, type WorldState } from '../state/world.js';
import { bytesToKey } from '../util/hex.js';
import type { Block } from '../block/block.js';
import { executeBlock, type BlockResult, type ExecuteOptions } from '../block/execute.js';
import { C_ARENA_TOP, C_NTX, C_WORKER_SLOTS, MAX_WORKERS, controlWords } from './layout.js';
import { allocateMvBuffers } from './mvmemory.js';
import type { WorkerPool } from './pool.js';
import { emptyStats, type BlockJob, type TxOutcome, type WorkerStats } from './protocol.js';
import { serializeSnapshot } from './snapshot.js';

export interface ParallelOptions extends ExecuteOptions {
  /** Use Block-STM even where the executor would choose sequential execution (tests, benchmarks). */
  force?: boolean;
  /** Blocks with fewer transactions run sequentially (default 8). */
  minTransactions?: number;
}

export interface ParallelReport {
  mode: 'parallel' | 'sequential';
  /** Why the block ran sequentially. */
  reason?: string;
  workers: number;
  /** Fees reached the fee recipient as commit-time deltas (needs Evm.executeTx's deferCoinbaseFee). */
  feesDeferred: boolean;
  /** Summed over the workers. */
  stats: WorkerStats;
  /** Milliseconds: pre-state snapshot, Block-STM run, in-order commit and roots. */
  timings: { snapshotMs: number; executeMs: number; commitMs: number };
}

export interface ParallelBlockResult extends BlockResult {
  parallel: ParallelReport;
}

const DEFAULT_MIN_TRANSACTIONS = 8;
let nextJobId = 1;

/**
 * Executes `block` on `state` (mutated in place) like executeBlock, its transactions
 * in parallel on `pool`. Results are identical to executeBlock's: state, receipts,
 * logs, gas. Throws InvalidBlockError as executeBlock does.
 */
export async function executeBlockParallel(pool: WorkerPool | null, evm: Evm, state: WorldState, block: Block, opts: ParallelOptions): Promise<ParallelBlockResult> {
  const { result, parallel } = await driveParallel(pool, evm, block.transactions, opts, (e, phase) =>
    executeBlock(e, phase === 'capture' ? state.copy() : state, block, phase === 'capture' ? { ...opts, stateRoot: false, intermediateStateRoots: false, onTx: undefined } : opts));
  return { ...result, parallel };
}

/**
 * Runs `drive` (which executes a block through an Evm: executeBlock, or a fixture
 * runner around it) with the block's transactions `txs` executed in parallel:
 *   'capture'     drive runs up to its first transaction, which hands over the state
 *                 and environment the transactions start from (drive must then work
 *                 on a copy of its state);
 *   'replay'      drive runs again; each runTx commits the parallel outcome;
 *   'sequential'  drive runs with the real Evm (fallbacks).
 */
export async function driveParallel<R>(pool: WorkerPool | null, evm: Evm, txs: Tx[], opts: { force?: boolean; minTransactions?: number },
  drive: (evm: Evm, phase: 'capture' | 'replay' | 'sequential') => R): Promise<{ result: R; parallel: ParallelReport }> {
  const workers = pool?.size ?? 1;
  const n = txs.length;
  const sequential = (reason: string, stats = emptyStats()) => {
    const t0 = performance.now();
    const result = drive(evm, 'sequential');
    const parallel: ParallelReport = { mode: 'sequential', reason, workers, feesDeferred: false, stats, timings: { snapshotMs: 0, executeMs: performance.now() - t0, commitMs: 0 } };
    return { result, parallel };
  };
  if (pool === null) return sequential('no worker pool');
  if (n === 0) return sequential('no transactions');
  if (!opts.force) {
    if (workers < 2) return sequential('one worker: nothing to run in parallel');
    const min = opts.minTransactions ?? DEFAULT_MIN_TRANSACTIONS;
    if (n < min) return sequential(`${n} transaction${n === 1 ? '' : 's'}: below ${min}, parallel start-up would cost more than it saves`);
  }

  const t0 = performance.now();
  let start: Captured | undefined;
  try {
    const early = drive(standIn(evm, (state, env, _tx, fork) => {
      throw new Captured(state, env, fork);
    }), 'capture');
    // Stopped before any transaction ran (an invalid block): that is the whole result.
    return { result: early, parallel: { mode: 'sequential', reason: 'the block stopped before its first transaction', workers, feesDeferred: false, stats: emptyStats(), timings: { snapshotMs: 0, executeMs: performance.now() - t0, commitMs: 0 } } };
  } catch (e) {
    if (!(e instanceof Captured)) throw e;
    start = e;
  }
  const snapshot = serializeSnapshot(start.state);
  const t1 = performance.now();

  const job = makeJob(txs, start.env, start.fork, snapshot, workers);
  let outcomes: TxOutcome[];
  const stats = emptyStats();
  try {
    const replies = await pool.broadcast(job);
    for (const r of replies) addStats(stats, r.stats);
    const failed = replies.find((r) => r.type === 'block-failed');
    if (failed && failed.type === 'block-failed') return sequential(`parallel execution failed (${failed.message}); ran sequentially`, stats);
    outcomes = new Array(n);
    for (const r of replies) if (r.type === 'block-done') for (const o of r.outcomes) outcomes[o.tx] = o;
    for (let i = 0; i < n; i++) if (outcomes[i] === undefined) return sequential(`parallel execution lost transaction ${i}; ran sequentially`, stats);
  } catch (e) {
    return sequential(`worker pool failed (${e instanceof Error ? e.message : String(e)}); ran sequentially`, stats);
  }
  const t2 = performance.now();
  const result = drive(replayer(evm, txs, outcomes), 'replay');
  const t3 = performance.now();
  return {
    result,
    parallel: {
      mode: 'parallel', workers, feesDeferred: outcomes.some((o) => o.fee !== undefined), stats,
      timings: { snapshotMs: t1 - t0, executeMs: t2 - t1, commitMs: t3 - t2 },
    },
  };
}

function makeJob(txs: Tx[], env: BlockEnv, fork: Fork, snapshot: SharedArrayBuffer, workers: number): BlockJob {
  const n = txs.length;
  if (workers > MAX_WORKERS) throw new RangeError(`at most ${MAX_WORKERS} workers`);
  const ctrl = new SharedArrayBuffer(controlWords(n) * 4);
  const c = new Int32Array(ctrl);
  c[C_NTX] = n;
  c[C_ARENA_TOP] = 8; // word 0 is the null entry
  for (let w = 0; w < MAX_WORKERS; w++) c[C_WORKER_SLOTS + w] = -1;
  // Bounds: a location costs at least ~2000 gas cold from Berlin (EIP-2929), far less before.
  let gas = 0;
  for (const tx of txs) gas += Number(tx.gasLimit < env.gasLimit ? tx.gasLimit : env.gasLimit);
  const perLocation = fork.eips.has(2929) ? 1000 : 100;
  const locations = Math.min(1 << 21, Math.max(1 << 13, Math.ceil(gas / perLocation) + 64 * n));
  const arenaBytes = Math.min(1 << 30, Math.max(64 << 20, n * (1 << 20)));
  const hashes: [bigint, Uint8Array][] = [];
  for (let k = env.number > 256n ? env.number - 256n : 0n; k < env.number; k++) {
    const h = env.blockHash(k);
    if (h) hashes.push([k, h]);
  }
  const { blockHash: _, ...envData } = env;
  return {
    type: 'block', id: nextJobId++, ctrl, mv: allocateMvBuffers(locations, arenaBytes), snapshot, txs,
    env: { ...envData, blockHashes: hashes }, fork: fork.name, deferFees: true, workers,
  };
}

/** Thrown by the capturing stand-in at the first transaction: where the transactions start. */
class Captured {
  constructor(readonly state: WorldState, readonly env: BlockEnv, readonly fork: Fork) {}
}

/** An Evm for executeBlock whose runTx commits the parallel outcomes in block order. */
function replayer(evm: Evm, txs: Tx[], outcomes: TxOutcome[]): Evm {
  let next = 0;
  return standIn(evm, (state, env, tx, fork) => {
    const i = next++;
    if (txs[i] !== tx) throw new Error(`replay out of order at transaction ${i}`);
    const o = outcomes[i];
    applyWriteSet(state, o.result.writeSet);
    if (o.fee !== undefined) payFee(state, env.coinbase, o.fee, fork.eips.has(161));
    return o.result;
  });
}

/**
 * The part of Evm that executeBlock uses, with runTx replaced and the rest (system
 * calls through runCall) forwarded. executeBlock takes an Evm; this stands in for one.
 */
function standIn(evm: Evm, runTx: (state: WorldState, env: BlockEnv, tx: Tx, fork: Fork) => FullTxResult): Evm {
  const s = {
    get state() { return evm.state; },
    set state(v: WorldState) { evm.state = v; },
    get block() { return evm.block; },
    set block(v: BlockEnv) { evm.block = v; },
    get fork() { return evm.fork; },
    runCall: evm.runCall.bind(evm),
    runTx,
  };
  return s as unknown as Evm;
}

/**
 * A deferred fee: what the fee payment inside the transaction would have done. The
 * recipient is created if missing (from Spurious Dragon only for a nonzero amount);
 * the payment touches it, so an account left empty is removed (EIP-161). The same
 * rule as applyDelta in mvmemory.ts.
 */
export function payFee(state: WorldState, coinbase: Uint8Array, fee: bigint, eip161: boolean): void {
  const key = bytesToKey(coinbase);
  const a = state.getAccount(key);
  if (a === undefined) {
    if (fee > 0n || !eip161) state.putAccount(key, createAccount({ balance: fee }));
    return;
  }
  a.balance += fee;
  if (eip161 && a.balance === 0n && a.nonce === 0n && a.code.length === 0) state.deleteAccount(key);
}

function addStats(into: WorkerStats, s: WorkerStats): void {
  for (const k of Object.keys(into) as (keyof WorkerStats)[]) into[k] += s[k];
}
