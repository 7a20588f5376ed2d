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
// Where parallelism cannot help (one worker, a tiny block, light transactions, conflicts
// dominating the first executions) or the pool fails, the block runs sequentially and
// the result says why.

import type { Evm, FullTxResult } from '../evm/evm.js';
import { applyResultWriteSet } from '../evm/sets.js';
import type { BlockEnv, Tx } from '../evm/types.js';
import type { Fork } from '../fork/table.js';
import { EMPTY_CODE_HASH, NO_CODE, accountWith, type WorldState } from '../state/world.js';
import { bytesToKey, equalBytes } from '../util/hex.js';
import type { Block } from '../block/block.js';
import { executeBlock, type BlockResult, type ExecuteOptions } from '../block/execute.js';
import { rememberLogsParts } from '../block/receipt.js';
import {
  C_ARENA_TOP, C_COMMIT_IDX, C_ERROR, C_LOC_COUNT, C_MAIN_WAITS, C_NTX, C_POSTS, C_WORKER_SLOTS, MAX_WORKERS, T_FINAL, controlWords, txWord,
} from './layout.js';
import { acquireMvBuffers, LOC_CHUNK, locationBuckets, releaseMvBuffers } from './mvmemory.js';
import type { OutcomeStream, WorkerPool } from './pool.js';
import { emptyStats, type BlockJob, type BlockReply, type TxOutcome, type WorkerStats } from './protocol.js';
import { stopBlock } from './scheduler.js';
import { openLane, type Lane } from './stm-worker.js';
import { releaseSnapshot, serializeSnapshot } from './snapshot.js';
import { encodeTxs } from './tx-codec.js';
import { decodeOutcomes } from './outcome-codec.js';
import { ReceiptsFeed, acquireReceiptsBuffer, releaseReceiptsBuffer } from './receipts.js';

export interface ParallelOptions extends ExecuteOptions {
  /** Use Block-STM even where the executor would choose sequential execution (tests, benchmarks). */
  force?: boolean;
  /** Blocks with fewer transactions run sequentially (default 8). */
  minTransactions?: number;
  /** Blocks whose transactions average a lower gas limit (plain transfers) run sequentially (default 40,000). */
  minMeanGasLimit?: number;
  /**
   * Give a block up for sequential execution when conflicts dominate its first
   * executions or they are light (default true; false runs Block-STM to the end
   * whatever happens).
   */
  adaptive?: boolean;
  /** See DriveOptions.callerLane (default true). */
  callerLane?: boolean;
}

export interface ParallelReport {
  mode: 'parallel' | 'sequential';
  /** Why the block ran sequentially. */
  reason?: string;
  /** Lanes that executed transactions: the pool's workers, and the calling thread where it took part (callerLane). */
  workers: number;
  /** Fees reached the fee recipient as commit-time deltas (needs Evm.executeTx's deferCoinbaseFee). */
  feesDeferred: boolean;
  /** Summed over the lanes. */
  stats: WorkerStats;
  /** The calling thread's own share, where it was a lane (callerLane); its wasmMemoryBytes is not in `stats`. */
  callerStats?: WorkerStats;
  /**
   * Milliseconds: pre-state capture and snapshot, Block-STM run (or the sequential
   * run), in-order commit and roots, and a parallel attempt given up before a
   * sequential run.
   */
  timings: { snapshotMs: number; executeMs: number; commitMs: number; abandonedMs: number };
}

export interface ParallelBlockResult extends BlockResult {
  parallel: ParallelReport;
}

const DEFAULT_MIN_TRANSACTIONS = 8;
const DEFAULT_MIN_MEAN_GAS_LIMIT = 40_000;
let nextJobId = 1;

/**
 * Executes `block` on `state` (mutated in place) like executeBlock, its transactions
 * in parallel on `pool`. Results are identical to executeBlock's: state, receipts,
 * logs, gas. Throws InvalidBlockError as executeBlock does.
 */
export async function executeBlockParallel(pool: WorkerPool | null, evm: Evm, state: WorldState, block: Block, opts: ParallelOptions): Promise<ParallelBlockResult> {
  const { result, parallel } = await driveParallel(pool, evm, block.transactions, { ...opts, readSets: opts.onTx !== undefined },
    (e, _phase, replay = {}) => executeBlock(e, state, block, { ...opts, ...replay }),
    // The capture runs on the state itself, marked first: a copy of every account cost more than the block on large states.
    (e) => {
      state.checkpoint();
      return executeBlock(e, state, block, { ...opts, stateRoot: false, intermediateStateRoots: false, onTx: undefined });
    },
    () => state.revert());
  return { ...result, parallel };
}

/** What a replay's executeBlock takes from the parallel run (see ExecuteOptions). */
export type ReplayOptions = Pick<ExecuteOptions, 'receiptsRoot'>;

export interface DriveOptions {
  force?: boolean;
  minTransactions?: number;
  minMeanGasLimit?: number;
  adaptive?: boolean;
  /** The results' read sets are used (default true); without, they come back empty. */
  readSets?: boolean;
  /**
   * With readSets false: the read sets of results from the workers hold only what a
   * partial pre-state's check needs (storage reads the pre-state has no value for,
   * BLOCKHASH reads); see BlockJob.preStateMisses. Results run on the calling thread
   * (probe, fallback) keep whole read sets.
   */
  preStateMisses?: boolean;
  /**
   * With a pool that streams its outcomes: the calling thread executes transactions
   * too, whenever the commit waits for one (default true). It is then one of
   * `pool.size + 1` lanes.
   */
  callerLane?: boolean;
}

/**
 * Runs `drive` (which executes a block through an Evm: executeBlock, or a fixture
 * runner around it) with the block's transactions `txs` executed in parallel.
 * `capture` executes the same block up to its first transaction on a state drive will
 * not see as it left it (a copy, or one `release` then brings back: it is called once
 * the captured state is no longer needed, before drive runs): its runTx hands over the
 * state and environment the transactions start from. Then drive runs with an Evm whose
 * runTx commits the parallel outcomes ('replay'), or with the real Evm ('sequential':
 * fallbacks, and a block that fails before its first transaction, so that the
 * reference reports it).
 */
export async function driveParallel<R>(pool: WorkerPool | null, evm: Evm, txs: Tx[], opts: DriveOptions,
  drive: (evm: Evm, phase: 'replay' | 'sequential', replay?: ReplayOptions) => R, capture: (evm: Evm) => unknown,
  release: () => void = () => {}): Promise<{ result: R; parallel: ParallelReport }> {
  // The calling thread is a lane too where it commits while the pool runs (streaming).
  const callerLane = pool?.stream !== undefined && opts.callerLane !== false && pool.size < MAX_WORKERS;
  const workers = (pool?.size ?? 1) + (callerLane ? 1 : 0);
  const n = txs.length;
  const begin = performance.now();
  /** The block run sequentially; `probed`: the probe's results, committed as they are instead of run again. */
  const sequential = (reason: string, stats = emptyStats(), probed: FullTxResult[] = []) => {
    const t0 = performance.now();
    const result = drive(probed.length === 0 ? evm : afterProbe(evm, txs, probed), 'sequential');
    const timings = { snapshotMs: 0, executeMs: performance.now() - t0, commitMs: 0, abandonedMs: t0 - begin };
    const parallel: ParallelReport = { mode: 'sequential', reason, workers, feesDeferred: false, stats, timings };
    return { result, parallel };
  };
  if (pool === null) return sequential('no worker pool');
  if (n === 0) return sequential('no transactions');
  if (!opts.force) {
    if (workers < 2) return sequential('one worker: nothing to run in parallel');
    const min = opts.minTransactions ?? DEFAULT_MIN_TRANSACTIONS;
    if (n < min) return sequential(`${n} transaction${n === 1 ? '' : 's'}: below ${min}, parallel start-up would cost more than it saves`);
    // Per transaction, the commit and multi-version memory cost about what a plain transfer does.
    const mean = txs.reduce((s, tx) => s + Number(tx.gasLimit), 0) / n;
    const minMean = opts.minMeanGasLimit ?? DEFAULT_MIN_MEAN_GAS_LIMIT;
    if (mean < minMean) return sequential(`light transactions (mean gas limit ${Math.round(mean)}, below ${minMean}): too little work per transaction to share`);
  }

  const t0 = performance.now();
  // The probe: unless forced, the first transactions run here, sequentially, for real
  // (their results are the reference's). Too light on average, and the block stays
  // sequential before any worker starts; otherwise the workers take the rest.
  const adaptive = opts.adaptive !== false && !opts.force;
  const maxProbe = adaptive ? Math.min(n - 1, PROBE_PER_WORKER * workers + 2) : 0;
  const probed: FullTxResult[] = [];
  const probeMs: number[] = [];
  // The slowest left out: one transaction that met a garbage collection or a contract's
  // first analysis (milliseconds) must not decide the block.
  const meanMicros = () => {
    const kept = probeMs.length > 1 ? [...probeMs].sort((a, b) => a - b).slice(0, -1) : probeMs;
    return probeMs.length === 0 ? Infinity : (1000 * kept.reduce((x, y) => x + y, 0)) / kept.length;
  };
  let start: Captured | undefined;
  let snapshot: SharedArrayBuffer | undefined;
  try {
    try {
      capture(standIn(evm, (state, env, tx, fork) => {
        // Clearly heavy after two: the workers start at once (every transaction run here is one they do not share).
        if (probed.length === maxProbe || (probed.length >= 2 && meanMicros() >= HEAVY_MICROS)) throw new Captured(state, env, fork);
        const t = performance.now();
        const r = evm.runTx(state, env, tx, fork);
        probeMs.push(performance.now() - t);
        probed.push(r);
        return r;
      }));
    } catch (e) {
      if (e instanceof Captured) start = e;
    }
    if (start !== undefined && meanMicros() >= LIGHT_MICROS) snapshot = serializeSnapshot(start.state);
  } finally {
    release();
  }
  const probe = probed.length;
  if (start === undefined) return sequential(probe === 0 ? 'the block stopped before its first transaction' : `the block stopped within its first ${probe} transactions`);
  const micros = meanMicros();
  if (snapshot === undefined) {
    return sequential(`light transactions: the first ${probe} took ${Math.round(micros)} us each on average (the slowest left out), below ${LIGHT_MICROS}`, undefined, probed);
  }
  const t1 = performance.now();

  const streaming = pool.stream !== undefined;
  // Receipts with a status (EIP-658) can have their leaves hashed beside a streamed commit (receipts.ts).
  const receipts = streaming && start.fork.eips.has(658) ? acquireReceiptsBuffer(n) : undefined;
  const job = makeJob(txs.slice(probe), start.env, start.fork, snapshot, workers, opts.adaptive !== false, opts.readSets !== false, opts.preStateMisses === true, streaming, receipts);
  if (streaming) return streamedCommit(pool, evm, txs, job, probed, drive, sequential, t0, t1, callerLane);
  let outcomes: TxOutcome[];
  const stats = emptyStats();
  try {
    const replies = await pool.broadcast(job);
    const why = settle(job, replies, stats);
    if (why !== undefined) return sequential(`${why}; ran sequentially`, stats);
    outcomes = new Array(n);
    for (let i = 0; i < probe; i++) outcomes[i] = { tx: i, result: probed[i] };
    for (const r of replies) if (r.type === 'block-done' && r.outcomes !== null) decodeOutcomes(r.outcomes, outcomes, probe);
    for (let i = 0; i < n; i++) if (outcomes[i] === undefined) return sequential(`parallel execution lost transaction ${i}; ran sequentially`, stats);
  } catch (e) {
    // A worker died, failed or stalled: the pool has stopped this block's workers. Its
    // buffers are dropped, not released for reuse.
    return sequential(`${poolFailure(e)}; ran sequentially`, stats);
  }
  const t2 = performance.now();
  const result = drive(inBlockOrder(evm, txs, (i, state, env, tx, fork) => commitOutcome(state, env, tx, fork, outcomes[i])), 'replay');
  const t3 = performance.now();
  return {
    result,
    parallel: {
      mode: 'parallel', workers, feesDeferred: outcomes.some((o) => o.fee !== undefined), stats,
      timings: { snapshotMs: t1 - t0, executeMs: t2 - t1, commitMs: t3 - t2, abandonedMs: 0 },
    },
  };
}

/** Conflicts among the first executions that send a block to sequential execution (see stm-worker.ts, conflict()). */
const CONFLICT_SHARE = 0.5;
/**
 * Transactions shorter than this on average (the probe's, on a warm main thread) keep
 * a block sequential: per transaction, multi-version memory, validation, the outcome's
 * transport and the commit would cost about what sharing the execution saves.
 */
const LIGHT_MICROS = 300;
/** The probe runs this many transactions per worker, plus two. */
const PROBE_PER_WORKER = 2;
/** ...or stops after two whose mean (the slower left out) is at least this. */
const HEAVY_MICROS = 3 * LIGHT_MICROS;

function makeJob(txs: Tx[], env: BlockEnv, fork: Fork, snapshot: SharedArrayBuffer, workers: number, adaptive: boolean, readSets: boolean, preStateMisses: boolean,
  streamOutcomes: boolean, receipts: SharedArrayBuffer | undefined): BlockJob {
  const n = txs.length;
  if (workers > MAX_WORKERS) throw new RangeError(`at most ${MAX_WORKERS} workers`);
  const ctrl = new SharedArrayBuffer(controlWords(n) * 4);
  const c = new Int32Array(ctrl);
  c[C_NTX] = n;
  c[C_ARENA_TOP] = 8; // word 0 is the null entry
  for (let w = 0; w < MAX_WORKERS; w++) c[C_WORKER_SLOTS + w] = -1;
  // Bounds: a location costs at least ~2000 gas cold from Berlin (EIP-2929), far less
  // before; a transaction's own sender, recipient and the fee recipient cost nothing
  // extra (8 records: each account's ACCOUNT and META), nor does its intrinsic gas buy
  // any. The arena holds write entries (about 100 bytes an account, 50 a slot), logs
  // (at most a byte per 8 gas) and code (a byte per 200 gas), once per incarnation.
  // Outgrowing them only sends the block to sequential execution; the records and
  // arena a block does not use are never touched. The location table is sized for the
  // locations the block is likely to use instead (locationBuckets): one far larger
  // makes every look-up a cache miss. Measured use: 3,000 locations and under 1 MiB of
  // arena on the largest mainnet blocks, 40,000 and 4.8 MiB on (a).
  let gas = 0;
  for (const tx of txs) {
    const limit = Number(tx.gasLimit < env.gasLimit ? tx.gasLimit : env.gasLimit);
    gas += Math.max(0, limit - 21_000);
  }
  const perLocation = fork.eips.has(2929) ? 1000 : 100;
  const locations = Math.min(1 << 21, Math.max(1 << 13, Math.ceil(gas / perLocation) + 8 * n)) + LOC_CHUNK * workers;
  const arenaBytes = Math.min(1 << 30, Math.max(16 << 20, 4096 * n + Math.ceil(gas / 4))) & ~0xffff;
  const hashes: [bigint, Uint8Array][] = [];
  for (let k = env.number > 256n ? env.number - 256n : 0n; k < env.number; k++) {
    const h = env.blockHash(k);
    if (h) hashes.push([k, h]);
  }
  const { blockHash: _, ...envData } = env;
  return {
    type: 'block', id: nextJobId++, ctrl, mv: acquireMvBuffers(locations, locationBuckets(n, locations), arenaBytes), snapshot, txs: encodeTxs(txs),
    env: { ...envData, blockHashes: hashes }, fork: fork.name, deferFees: true, workers, readSets, preStateMisses: preStateMisses && !readSets,
    // Decide early (what ran before giving up is lost), but late enough for the first
    // validations: light transactions run far ahead of them.
    conflictWindow: adaptive ? Math.min(64, Math.max(8 * workers, Math.ceil(n / 4))) : 0,
    conflictShare: CONFLICT_SHARE, streamOutcomes, ...(receipts === undefined ? {} : { receipts }),
  };
}

/**
 * The commit overlapping execution (a pool with `stream`): drive runs at once, and its
 * runTx waits (Atomics.wait, this thread blocked) for each transaction to be final
 * (below C_COMMIT_IDX, which the workers advance over the validated prefix), then
 * commits its streamed outcome. If the workers fail or give up, the transactions not
 * committed yet run sequentially right there, on the state the committed ones left:
 * the result is the sequential executor's either way.
 *
 * With `callerLane`, this thread is the job's last lane: instead of sleeping while the
 * transaction it commits next is not final, it takes a task from the scheduler (an
 * execution or a validation) and runs it with `evm`, as a worker would, its outcomes
 * handed over directly. On a machine with as many workers as cores this keeps every
 * core busy without a third thread competing for them.
 */
async function streamedCommit<R>(pool: WorkerPool, evm: Evm, txs: Tx[], job: BlockJob, probed: FullTxResult[],
  drive: (evm: Evm, phase: 'replay' | 'sequential', replay?: ReplayOptions) => R, sequential: (reason: string, stats?: WorkerStats) => { result: R; parallel: ParallelReport },
  t0: number, t1: number, callerLane: boolean): Promise<{ result: R; parallel: ParallelReport }> {
  const stats = emptyStats();
  let stream: OutcomeStream;
  try {
    stream = await pool.stream!(job);
  } catch (e) {
    return sequential(`${poolFailure(e)}; ran sequentially`, stats);
  }
  stream.replies.catch(() => {}); // awaited below; a rejection before that is not unhandled
  const ctrl = new Int32Array(job.ctrl);
  const probe = probed.length;
  const outcomes: TxOutcome[] = new Array(txs.length - probe);
  let failed = false;
  let fellBackAt = -1;
  let waitedMs = 0;
  /** Takes the posted batches into `outcomes`; false once the pool has failed the block. */
  const takeBatches = (): boolean => {
    const batches = stream.take();
    if (batches === null) return false;
    for (const b of batches) decodeOutcomes(b, outcomes, 0, true);
    return true;
  };
  const lane = callerLane ? openLane(evm, job, job.workers - 1, (o) => {
    if ((outcomes[o.tx]?.inc ?? -1) <= o.inc!) outcomes[o.tx] = o;
  }, takeBatches, txs.slice(probe)) : null;
  /** Outcome `j` of the job once it is committed and here, else undefined. */
  const ready = (j: number, committed: number): TxOutcome | undefined => {
    const o = outcomes[j];
    // A transaction re-executed after its commit (a validation begun before) gives the same outcome again.
    return committed > j && o !== undefined && o.inc! >= Atomics.load(ctrl, txWord(j, T_FINAL)) - 1 ? o : undefined;
  };
  /** Outcome `j` (of the job) once it is final; null when the block failed. */
  const final = (j: number): TxOutcome | null => {
    const early = Atomics.load(ctrl, C_ERROR) === 0 ? ready(j, Atomics.load(ctrl, C_COMMIT_IDX)) : undefined;
    if (early !== undefined) return early;
    const t = performance.now();
    try {
      for (;;) {
        if (Atomics.load(ctrl, C_ERROR) !== 0) return null;
        const committed = Atomics.load(ctrl, C_COMMIT_IDX);
        const posts = Atomics.load(ctrl, C_POSTS);
        if (!takeBatches()) return null;
        const o = ready(j, committed);
        if (o !== undefined) return o;
        if (lane !== null && lane.step()) continue;
        // Nothing to execute: a receipt leaf hashed now is one fewer after the last commit.
        if (feed !== null && feed.hashOne()) continue;
        // Woken by the next batch posted (a commit of `j` comes with one: the outcome
        // that completed it), so at most once per batch. Workers notify only a main
        // thread that says it sleeps; one that posted first ends the wait at once.
        Atomics.store(ctrl, C_MAIN_WAITS, 1);
        Atomics.wait(ctrl, C_POSTS, posts, STREAM_WAIT_MS);
        Atomics.store(ctrl, C_MAIN_WAITS, 0);
      }
    } finally {
      waitedMs += performance.now() - t;
    }
  };
  const feed = job.receipts === undefined ? null : new ReceiptsFeed(job.receipts);
  const commit = (i: number, state: WorldState, env: BlockEnv, tx: Tx, fork: Fork): FullTxResult => {
    if (i < probe) return commitOutcome(state, env, tx, fork, { tx: i, result: probed[i] });
    const o = failed ? null : final(i - probe);
    if (o === null) {
      if (!failed) fellBackAt = i;
      failed = true;
      return evm.runTx(state, env, tx, fork);
    }
    return commitOutcome(state, env, tx, fork, o);
  };
  let result: R;
  try {
    result = drive(inBlockOrder(evm, txs, (i, state, env, tx, fork) => {
      const r = commit(i, state, env, tx, fork);
      // Once the block fell back, the rest runs as sequentially as it can: the receipts root is then computed as there.
      if (feed !== null && !failed && r.invalid === undefined) feed.add(tx.type, r.status === 'success', r.gasUsed, r);
      return r;
    }), 'replay', feed === null ? {} : { receiptsRoot: (rs) => feed.root(rs) });
  } catch (e) {
    feed?.complete();
    stopBlock(ctrl);
    await stream.replies.catch(() => {});
    throw e;
  }
  feed?.complete();
  const t2 = performance.now();
  // The workers may still be leaving (a stopped block's, or ones finishing their last flush).
  if (failed && Atomics.load(ctrl, C_ERROR) === 0) stopBlock(ctrl);
  let why: string | undefined;
  let callerStats: WorkerStats | undefined;
  try {
    why = settle(job, await stream.replies, stats, lane?.failure);
  } catch (e) {
    why = poolFailure(e);
  }
  if (lane !== null) {
    // stats.wasmMemoryBytes stays the worker threads' largest: the calling thread's Evm
    // also serves sequential blocks, and its code cache keeps their contracts.
    addStats(stats, { ...lane.stats, wasmMemoryBytes: 0 });
    callerStats = lane.stats;
  }
  const timings = { snapshotMs: t1 - t0, executeMs: waitedMs, commitMs: t2 - t1 - waitedMs, abandonedMs: 0 };
  const caller = callerStats === undefined ? {} : { callerStats };
  if (failed) {
    const from = fellBackAt < 0 ? 'none' : `${fellBackAt - probe} of ${txs.length - probe} committed from the workers, the rest`;
    const parallel: ParallelReport = {
      mode: 'sequential', reason: `${why ?? 'parallel execution stopped'}; ${from} ran sequentially`, workers: job.workers,
      feesDeferred: false, stats, ...caller, timings,
    };
    return { result, parallel };
  }
  return {
    result,
    parallel: { mode: 'parallel', workers: job.workers, feesDeferred: outcomes.some((o) => o.fee !== undefined), stats, ...caller, timings },
  };
}

/** How long the blocked main thread sleeps between looks at the stream (its batches, the watchdog). */
const STREAM_WAIT_MS = 20;

/** Thrown by the capturing stand-in after the probe: where the workers' transactions start. */
class Captured {
  constructor(readonly state: WorldState, readonly env: BlockEnv, readonly fork: Fork) {}
}

/** An Evm for executeBlock whose runTx hands each transaction, with its index, to `commit` (they come in block order). */
function inBlockOrder(evm: Evm, txs: Tx[], commit: (i: number, state: WorldState, env: BlockEnv, tx: Tx, fork: Fork) => FullTxResult): Evm {
  let next = 0;
  return standIn(evm, (state, env, tx, fork) => {
    const i = next++;
    if (txs[i] !== tx) throw new Error(`replay out of order at transaction ${i}`);
    return commit(i, state, env, tx, fork);
  });
}

/** An Evm for executeBlock that commits the probe's results, then runs the other transactions. */
function afterProbe(evm: Evm, txs: Tx[], probed: FullTxResult[]): Evm {
  return inBlockOrder(evm, txs, (i, state, env, tx, fork) =>
    i < probed.length ? commitOutcome(state, env, tx, fork, { tx: i, result: probed[i] }) : evm.runTx(state, env, tx, fork));
}

/** Applies an outcome (its write set, then its deferred credits) as runTx would have, and returns its result. */
function commitOutcome(state: WorldState, env: BlockEnv, tx: Tx, fork: Fork, o: TxOutcome): FullTxResult {
  if (o.encodedLogs !== undefined) rememberLogsParts(o.result, o.logsBloom!, o.encodedLogs);
  applyResultWriteSet(state, o.result);
  if (o.credit !== undefined) credit(state, bytesToKey(tx.to!), o.credit, fork.eips.has(161));
  if (o.fee !== undefined) credit(state, feeRecipientKey(env.coinbase), o.fee, fork.eips.has(161));
  return o.result;
}

/** The last fee recipient's bytes and key: every transaction of a block pays the same one. */
let feeRecipient = { bytes: new Uint8Array(0), key: '' };

/** The state key of `coinbase`, built once per fee recipient (its bytes compared, not its identity: a caller may reuse an array). */
function feeRecipientKey(coinbase: Uint8Array): string {
  if (!equalBytes(coinbase, feeRecipient.bytes)) feeRecipient = { bytes: coinbase.slice(), key: bytesToKey(coinbase) };
  return feeRecipient.key;
}

/**
 * The part of Evm that executeBlock uses, with runTx replaced and the rest (system
 * calls through runCall) forwarded. executeBlock takes an Evm; this stands in for one.
 */
export function standIn(evm: Evm, runTx: (state: WorldState, env: BlockEnv, tx: Tx, fork: Fork) => FullTxResult): Evm {
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
 * A deferred credit (a fee, a transfer's value): what the payment inside the
 * transaction would have done. The account is created if missing (from Spurious Dragon
 * only for a nonzero amount); the payment touches it, so an account left empty is
 * removed (EIP-161). The same rule as applyDelta in mvmemory.ts.
 */
export function credit(state: WorldState, key: string, amount: bigint, eip161: boolean): void {
  const a = state.getAccountFields(key);
  if (a === undefined) {
    if (amount > 0n || !eip161) state.putAccount(key, accountWith(0n, amount, NO_CODE, EMPTY_CODE_HASH));
    return;
  }
  a.balance += amount;
  if (eip161 && a.balance === 0n && a.nonce === 0n && a.code.length === 0) state.deleteAccount(key);
}

/**
 * Every worker of `job` has answered: releases its buffers (nobody touches them any
 * more), adds up the workers' stats; returns why the block failed, if it did, from
 * the workers' replies and the calling thread's lane (`lane`, counted after them): a
 * give-up first, it says the most, then an error; 'stopped' only follows another's
 * failure.
 */
function settle(job: BlockJob, replies: BlockReply[], stats: WorkerStats, lane?: Lane['failure']): string | undefined {
  releaseMvBuffers(job.mv, Atomics.load(new Int32Array(job.ctrl), C_LOC_COUNT));
  if (job.receipts !== undefined) releaseReceiptsBuffer(job.receipts);
  releaseSnapshot(job.snapshot);
  for (const r of replies) addStats(stats, r.stats);
  const reported: { cause?: string; message: string }[] = replies.flatMap((r) => (r.type === 'block-failed' ? [r] : []));
  if (lane !== undefined) reported.push(lane);
  const failures = reported.filter((f) => f.cause !== 'stopped');
  const gaveUp = failures.find((r) => r.cause === 'gave-up');
  if (gaveUp) return gaveUp.message;
  return failures.length > 0 ? `parallel execution failed (${failures[0].message})` : undefined;
}

/** Why a block's run on the pool was abandoned (the pool rejected it: a worker died, failed or stalled). */
function poolFailure(e: unknown): string {
  return `worker pool failed (${e instanceof Error ? e.message : String(e)})`;
}

function addStats(into: WorkerStats, s: WorkerStats): void {
  for (const k of Object.keys(into) as (keyof WorkerStats)[]) into[k] = k === 'wasmMemoryBytes' ? Math.max(into[k], s[k]) : into[k] + s[k];
}
