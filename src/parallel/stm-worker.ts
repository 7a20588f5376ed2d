// One Block-STM worker's share of a block: takes tasks from the shared scheduler,
// executes transactions against multi-version memory with its own Evm, validates
// others' read logs. Host-independent: worker.ts (Node) runs it; a Web Worker can too.

import type { Evm, FullTxResult } from '../evm/evm.js';
import type { BlockEnv, Tx } from '../evm/types.js';
import { forkByName, type Fork } from '../fork/table.js';
import { RAW_BALANCE, RAW_CODE_HASH, RAW_CODE_SIZE, RAW_EXISTS, RAW_FLAGS, RAW_HAS_STORAGE, RAW_NONCE_HI, RAW_NONCE_LO, type AccountView, type StateSource } from '../state/source.js';
import { W_ACCOUNT, W_CODE, W_DELETED, W_STORAGE_CLEARED } from '../../assembly/shared/config.js';
import { WriteRecords, putWriteSet, writeSetBytesOf, type ReadSet } from '../evm/sets.js';
import { EMPTY_CODE_HASH } from '../state/world.js';
import { equalBytes, equalBytesAt, u32At } from '../util/hex.js';
import { addressKeyAt, slotKeyAt } from '../wasm/keys.js';
import { tryLock, unlock, waitWhile } from './atomics.js';
import { hexToWords } from './keys.js';
import { ReceiptLeaves } from './receipts.js';
import {
  C_COMMIT_IDX, C_COMMIT_LOCK, C_CONFLICTS, C_MAIN_WAITS, C_POSTS, C_ERROR, C_EXECUTIONS, C_NTX, C_WAKE, C_WORKER_SLOTS, ST_EXECUTED, ST_EXECUTING, T_FINAL, T_FLAGS,
  T_READS, T_STATUS, T_WRITES, TF_EXACT_COINBASE, txWord,
} from './layout.js';
import {
  AV_BALANCE, AV_CODE_HASH, AV_CODE_LEN, AV_CODE_OFF, AV_CODE_SRC, AV_FLAGS, AV_HAS_STORAGE, AV_NONCE_HI, AV_NONCE_LO, AV_WORDS,
  CODE_ARENA, CODE_SNAPSHOT, EK_ABS, EK_DELTA, META_CLEAR, META_NZ, MvMemory,
  Q_ACCOUNT, Q_CODE, Q_STORAGE, RESOLVED, RESOLVED_WORDS, readBEWords, writeBE,
} from './mvmemory.js';
import type { BlockJob, BlockReply, OutcomeBatch, TxOutcome, WorkerStats } from './protocol.js';
import { emptyStats } from './protocol.js';
import { Scheduler, TASK_EXECUTE, type Task } from './scheduler.js';
import { Snapshot } from './snapshot.js';
import { TxList } from './tx-codec.js';
import { OutcomeEncoder, type EncodedOutcomes } from './outcome-codec.js';

/** The block is better run sequentially (conflicts dominate its first executions). */
class GiveUp extends Error {}

/** Another worker failed: this one stops. */
class Stopped extends Error {}

/** Unwinds an execution that must wait for another transaction (Block-STM's READ_ERROR). */
class DependencyAbort extends Error {
  constructor(readonly blocking: number) {
    super(`waits for transaction ${blocking}`);
  }
}

type ExecuteWithOptions = (source: StateSource, block: BlockEnv, tx: Tx, fork: Fork, opts: { deferCoinbaseFee: boolean; recordReads: boolean }) =>
  FullTxResult & { coinbaseFee?: bigint };

const EMPTY = new Uint8Array(0);

/**
 * Runs this worker's part of a block until the scheduler says it is done. With
 * job.streamOutcomes and `post` (the host's outcome port), outcomes go out in batches
 * as they are executed, and the reply carries none.
 */
export function runBlockJob(evm: Evm, job: BlockJob, workerIndex: number, post?: (batch: OutcomeBatch) => void): BlockReply {
  const t0 = performance.now();
  const stats = emptyStats();
  try {
    return runBlockJob1(evm, job, workerIndex, stats, job.streamOutcomes && post !== undefined ? post : null);
  } finally {
    stats.jobMs = performance.now() - t0;
    stats.wasmMemoryBytes = evm.memoryBytes;
  }
}

/** Stops every worker of `job` (this one's thread is ending): the executor then finishes the block sequentially. */
export function stopBlock(job: BlockJob): void {
  const ctrl = new Int32Array(job.ctrl);
  new Scheduler(ctrl, Atomics.load(ctrl, C_NTX)).fail();
}

function runBlockJob1(evm: Evm, job: BlockJob, workerIndex: number, stats: WorkerStats, post: ((batch: OutcomeBatch) => void) | null): BlockReply {
  let ctx: BlockContext | undefined;
  try {
    ctx = new BlockContext(evm, job, workerIndex, stats, post);
    ctx.run();
    if (Atomics.load(ctx.ctrl, C_ERROR) !== 0) return { type: 'block-failed', id: job.id, cause: 'stopped', message: 'another worker stopped', stats };
    return { type: 'block-done', id: job.id, outcomes: post !== null ? null : ctx.finalOutcomes(), stats };
  } catch (e) {
    // A context that failed to build has no scheduler yet: stop the block through its control words.
    if (ctx !== undefined) ctx.sched.fail();
    else stopBlock(job);
    return { type: 'block-failed', id: job.id, ...failureOf(e), stats };
  }
}

/** Why a worker's or lane's loop ended with `e`: a give-up, another's failure, or an error of its own. */
function failureOf(e: unknown): { cause: 'gave-up' | 'stopped' | 'error'; message: string } {
  const cause = e instanceof GiveUp ? 'gave-up' : e instanceof Stopped ? 'stopped' : 'error';
  return { cause, message: e instanceof Error ? (cause === 'error' ? `${e.name}: ${e.message}` : e.message) : String(e) };
}

/** The committing thread's share of a block (see openLane). */
export interface Lane {
  /** Runs the scheduler's next task, and those it brings, if it has one now; false when it has none (or the lane failed). */
  step(): boolean;
  readonly stats: WorkerStats;
  /** Set once the lane failed (it then stopped the block), as a worker's reply would say it. */
  failure?: ReturnType<typeof failureOf>;
}

/**
 * Makes the calling thread lane `index` of a streamed `job` (job.workers counts it):
 * between commits it executes and validates transactions with `evm` like a worker,
 * and hands each outcome to `deliver` instead of posting it. `onWait` runs about once
 * a second while the lane waits for another transaction.
 */
export function openLane(evm: Evm, job: BlockJob, index: number, deliver: (o: TxOutcome) => void, onWait: () => void, txs?: readonly Tx[]): Lane {
  const stats = emptyStats();
  const ctx = new BlockContext(evm, job, index, stats, null, deliver, onWait, txs);
  const lane: Lane = {
    stats,
    step() {
      if (lane.failure !== undefined) return false;
      const t0 = performance.now();
      try {
        return ctx.step();
      } catch (e) {
        ctx.sched.fail();
        lane.failure = failureOf(e);
        return false;
      } finally {
        stats.jobMs += performance.now() - t0;
        stats.wasmMemoryBytes = evm.memoryBytes;
      }
    },
  };
  return lane;
}

class BlockContext {
  readonly ctrl: Int32Array;
  readonly txs: { readonly length: number; get(i: number): Tx };
  readonly sched: Scheduler;
  readonly mv: MvMemory;
  readonly snapshot: Snapshot;
  readonly env: BlockEnv;
  readonly fork: Fork;
  deferFees: boolean;
  /**
   * Without streaming: the outcome of every execution, encoded at once (the result's
   * objects then die young), and by transaction the record and incarnation of the last.
   */
  private readonly encoded: OutcomeEncoder | null;
  private readonly recordOf: Int32Array;
  private readonly incOf: Int32Array;
  private readonly precompiles: Set<number>;
  /** The read log of the execution in progress (one at a time per worker). */
  readonly readLog = new ReadLog();
  /** Scratch for its reads' slot values, as 8 words (copied into the log, and from there into the result). */
  readonly scratchValue32 = new Int32Array(8);
  /** Scratch for a location's key bytes (MvMemory.keyBytesOf). */
  readonly scratchKey = new Uint8Array(52);
  /** BlockJob.preStateMisses. */
  readonly notesMisses: boolean;
  readonly scratchCode = new Int32Array(9);
  readonly scratchAccount = new Int32Array(RESOLVED_WORDS);
  /** Resolved accounts of the execution in progress. */
  readonly resolved = new WordSlab();
  private readonly key = new Int32Array(13);
  private readonly keyBytes = new Uint8Array(this.key.buffer);
  /** The address words of the last storageLocAt, and its ACCOUNT location (-1: none yet). */
  private readonly lastAddress = new Int32Array(5);
  lastAccountLoc = -1;
  /** The writes of the execution in progress. */
  private readonly writes = new PendingWrites();
  /** A cursor over write sets' bytes (collectWrites, takeCredit: one at a time). */
  private readonly records = new WriteRecords();
  /** The state as the execution in progress reads it. */
  private readonly src: MvSource;
  private readonly slot: number;
  /** A worker thread of a streamed block: hashes receipt leaves for the commit when it has no task (receipts.ts). */
  private readonly leaves: ReceiptLeaves | null;

  /** Streamed outcomes not posted yet, and when the oldest of them was executed. */
  private pending: OutcomeEncoder | null = null;
  /** Outcomes in the last batch posted: the next one's buffer is sized for as many (most batches end at STREAM_DELAY_MS, not STREAM_BATCH). */
  private lastBatch = 16;
  private pendingSince = 0;
  /** Outcomes go to the commit as they are executed (posted, or handed over in a lane), which C_COMMIT_IDX follows. */
  private readonly streamed: boolean;

  /**
   * `post`: the host's outcome port (streamed batches); `deliver`: a lane on the
   * committing thread (openLane) takes each outcome as it is; neither: the final
   * outcomes go back in the reply. `onWait` runs about every second while this context
   * waits for another transaction (the lane samples the pool's watchdog there).
   * `txs`: the job's transactions as objects already (the committing thread has
   * them), instead of decoding job.txs.
   */
  constructor(private readonly evm: Evm, readonly job: BlockJob, readonly worker: number, readonly stats: WorkerStats,
    private readonly post: ((batch: OutcomeBatch) => void) | null, private readonly deliver: ((o: TxOutcome) => void) | null = null,
    private readonly onWait: (() => void) | null = null, txs?: readonly Tx[]) {
    this.ctrl = new Int32Array(job.ctrl);
    this.txs = txs === undefined ? new TxList(job.txs) : { length: txs.length, get: (i) => txs[i] };
    this.sched = new Scheduler(this.ctrl, this.txs.length);
    this.snapshot = new Snapshot(job.snapshot);
    this.fork = forkByName(job.fork);
    this.mv = new MvMemory(job.mv, this.ctrl, this.snapshot, this.fork.eips.has(161));
    const hashes = new Map(job.env.blockHashes.map(([n, h]) => [n, h] as const));
    const { blockHashes: _, ...env } = job.env;
    this.notesMisses = job.preStateMisses;
    this.env = {
      ...env,
      blockHash: (n) => {
        if (this.notesMisses) this.src.blockHashReads.push(n);
        return hashes.get(n);
      },
    };
    this.deferFees = job.deferFees;
    this.slot = C_WORKER_SLOTS + worker;
    this.precompiles = new Set(this.fork.precompiles);
    this.streamed = post !== null || deliver !== null;
    const n = this.streamed ? 0 : this.txs.length;
    this.encoded = this.streamed ? null : new OutcomeEncoder(n, job.readSets || job.preStateMisses, true);
    this.recordOf = new Int32Array(n).fill(-1);
    this.incOf = new Int32Array(n);
    this.src = new MvSource(this);
    this.leaves = post !== null && job.receipts !== undefined ? new ReceiptLeaves(job.receipts) : null;
  }

  // ---------------------------------------------------------- locations

  /**
   * The ACCOUNT location of an address key, found in the shared table each time: a
   * per-worker map of key strings cost more in insertions (most locations are new to
   * a worker) than its hits saved.
   */
  accountLoc(addr: string): number {
    hexToWords(addr, this.key, 0, 5);
    return this.mv.locateAccount(this.key);
  }

  /** The STORAGE location of `slot` (a key string) of the account at ACCOUNT location `account` (no maps of key strings: see accountLoc). */
  storageLoc(account: number, slot: string): number {
    hexToWords(slot, this.key, 5, 8);
    return this.mv.locateStorage(account, this.key);
  }

  /**
   * The STORAGE location of the address and slot bytes at mem[addressAt] and
   * mem[slotAt] (no key strings); its account's ACCOUNT location is then lastAccountLoc.
   */
  storageLocAt(mem: Uint8Array, addressAt: number, slotAt: number): number {
    const k8 = this.keyBytes;
    for (let i = 0; i < 20; i++) k8[i] = mem[addressAt + i];
    for (let i = 0; i < 32; i++) k8[20 + i] = mem[slotAt + i];
    const key = this.key;
    const last = this.lastAddress;
    if (this.lastAccountLoc < 0 || key[0] !== last[0] || key[1] !== last[1] || key[2] !== last[2] || key[3] !== last[3] || key[4] !== last[4]) {
      this.lastAccountLoc = this.mv.locateAccount(key);
      for (let i = 0; i < 5; i++) last[i] = key[i];
    }
    return this.mv.locateStorage(this.lastAccountLoc, key);
  }

  /** The ACCOUNT location of the 20 address bytes at mem[addressAt] (no key string). */
  accountLocAt(mem: Uint8Array, addressAt: number): number {
    const k8 = this.keyBytes;
    for (let i = 0; i < 20; i++) k8[i] = mem[addressAt + i];
    return this.mv.locateAccount(this.key);
  }

  private coinbaseAt = -1;

  /** The fee recipient's ACCOUNT location (every transaction pays it). */
  coinbaseLoc(): number {
    if (this.coinbaseAt < 0) this.coinbaseAt = this.accountLocAt(this.job.env.coinbase, 0);
    return this.coinbaseAt;
  }

  // ---------------------------------------------------------- the loop

  run(): void {
    const sched = this.sched;
    let task: Task | null = null;
    while (!sched.done()) {
      if (task !== null) {
        task = this.perform(task);
        // A receipt leaf between tasks too, not only when idle: the committing thread is
        // the block's bottleneck, and hashed what was left at the end (about 15 ms a pass
        // over the forced mainnet blocks).
        if (task === null) this.leaves?.hashOne();
        continue;
      }
      const seen = Atomics.load(this.ctrl, C_WAKE);
      task = sched.nextTask();
      // Sleep only when both indices are past the block (tasks may come back when one decreases).
      if (task === null && !sched.done() && sched.exhausted()) {
        // The pending outcomes may be what the main thread waits for.
        this.flush();
        if (this.leaves?.hashOne()) continue;
        Atomics.wait(this.ctrl, C_WAKE, seen, 1000);
      }
    }
    if (Atomics.load(this.ctrl, C_ERROR) === 0 && this.post !== null) {
      this.tryCommit();
      this.flush();
    }
    if (this.leaves !== null) {
      this.leaves.serve(() => Atomics.load(this.ctrl, C_ERROR) !== 0);
      this.stats.receiptLeaves += this.leaves.hashed;
    }
  }

  /**
   * A lane's turn (the committing thread, between commits): runs the next task, and
   * the tasks it brings, if the scheduler has one now; false when it has none.
   */
  step(): boolean {
    const sched = this.sched;
    for (;;) {
      if (sched.done()) return false;
      let task = sched.nextTask();
      if (task !== null) {
        while (task !== null) task = this.perform(task);
        return true;
      }
      if (sched.exhausted()) return false;
    }
  }

  /** Runs a task; returns the one it brings (a validation after an execution, a re-execution after an abort), if any. */
  private perform(task: Task): Task | null {
    return task.kind === TASK_EXECUTE ? this.execute(task.tx, task.inc) : this.validate(task.tx, task.inc);
  }

  // ---------------------------------------------------------- streamed commit

  /** Posts the pending outcomes when there are many, or the oldest waited long enough: the commit follows them. */
  private maybeFlush(): void {
    if (this.pending !== null && (this.pending.count >= STREAM_BATCH || performance.now() - this.pendingSince >= STREAM_DELAY_MS)) this.flush();
  }

  private flush(): void {
    if (this.post === null || this.pending === null) return;
    const batch = this.pending;
    this.pending = null;
    this.lastBatch = batch.count;
    this.post({ id: this.job.id, outcomes: batch.take(null) });
    Atomics.add(this.ctrl, C_POSTS, 1);
    if (Atomics.load(this.ctrl, C_MAIN_WAITS) !== 0) Atomics.notify(this.ctrl, C_POSTS);
  }

  /**
   * Advances C_COMMIT_IDX over transactions that are final: every lower one is
   * committed, this one is executed and its read log still holds (then nothing below
   * can change it any more). Called after each execution. One worker at a time; one
   * that finds the lock taken leaves it to the holder, which looks again after
   * unlocking whether the transaction it stopped at has changed meanwhile.
   */
  private tryCommit(): void {
    const c = this.ctrl;
    const n = this.txs.length;
    for (;;) {
      if (!tryLock(c, C_COMMIT_LOCK)) return;
      const k0 = Atomics.load(c, C_COMMIT_IDX);
      let k = k0;
      let status = 0;
      while (k < n) {
        status = this.sched.status(k);
        if (!this.commits(k, status)) break;
        k++;
      }
      if (k > k0) {
        // The main thread is woken by posts only: a commit it waits for is followed by
        // the post of the outcome that completed it (the committer's own, pending).
        Atomics.store(c, C_COMMIT_IDX, k);
      }
      unlock(c, C_COMMIT_LOCK);
      if (k >= n || this.sched.status(k) === status) return;
    }
  }

  private commits(k: number, status: number): boolean {
    const inc = status >> 2;
    if ((status & 3) !== ST_EXECUTED) return false;
    if (this.mv.validate(k, Atomics.load(this.ctrl, txWord(k, T_READS))) >= 0) return false;
    // Its read log was this incarnation's only if the status did not change meanwhile.
    if (this.sched.status(k) !== status) return false;
    Atomics.store(this.ctrl, txWord(k, T_FINAL), inc + 1);
    return true;
  }

  /** Reading `blocking`'s ESTIMATE: wait if it is executing, else register the dependency and abandon this execution. */
  blockedOn(tx: number, inc: number, blocking: number): void {
    const s = this.sched.status(blocking);
    if ((s & 3) === ST_EXECUTING) {
      this.stats.estimateWaits++;
      this.waitChange(txWord(blocking, T_STATUS), s);
      return;
    }
    if (!this.sched.addDependency(tx, inc, blocking)) return;
    throw new DependencyAbort(blocking);
  }

  /**
   * Counts a conflict (an execution that waited, an abort); gives the block up when
   * they dominate the first executions: a chain of dependent transactions runs
   * faster sequentially than through multi-version memory one at a time.
   */
  private conflict(executions: number): void {
    const conflicts = Atomics.add(this.ctrl, C_CONFLICTS, 1) + 1;
    const { conflictWindow: window, conflictShare: share } = this.job;
    if (window > 0 && executions >= this.job.workers + 2 && executions <= window && conflicts >= share * executions) {
      throw new GiveUp(`conflicts dominate: ${conflicts} of the first ${executions} executions waited for another transaction or were aborted`);
    }
  }

  /**
   * Sleeps until ctrl[i] is no longer `value`; gives up if another worker failed. The
   * sleep is sliced: a failure elsewhere (stopBlock) does not change ctrl[i], and its
   * wake-up is lost if it comes between the look at C_ERROR and the sleep.
   */
  private waitChange(i: number, value: number): void {
    const c = this.ctrl;
    let nextOnWait = performance.now() + ON_WAIT_MS;
    for (;;) {
      if (Atomics.load(c, C_ERROR) !== 0) throw new Stopped('another worker stopped');
      waitWhile(c, i, value, WAIT_SLICE_MS);
      if (Atomics.load(c, i) !== value) return;
      if (this.onWait !== null && performance.now() >= nextOnWait) {
        this.onWait();
        nextOnWait = performance.now() + ON_WAIT_MS;
      }
    }
  }

  /** Whether the transaction's sender or recipient is the fee recipient. */
  private namesCoinbase(t: Tx): boolean {
    const cb = this.job.env.coinbase;
    return equalBytes(t.sender, cb) || (t.to !== null && equalBytes(t.to, cb));
  }

  private setSlot(tx: number): void {
    Atomics.store(this.ctrl, this.slot, tx);
  }

  private execute(tx: number, inc: number): Task | null {
    const c = this.ctrl;
    this.setSlot(tx);
    this.stats.executions++;
    const started = Atomics.add(c, C_EXECUTIONS, 1) + 1;
    const t = this.txs.get(tx);
    // The pending outcomes may hold the one the commit needs next: they go out before an
    // execution that may be long, not after it.
    if (this.pending !== null && t.gasLimit >= FLUSH_BEFORE_GAS) this.flush();
    // A transaction sent by or to the fee recipient reads its account: a deferred fee would only cost a second run.
    let defer = this.deferFees && (Atomics.load(c, txWord(tx, T_FLAGS)) & TF_EXACT_COINBASE) === 0 && !this.namesCoinbase(t);
    const src = this.src;
    src.begin(tx, inc, defer);
    let r: FullTxResult & { coinbaseFee?: bigint };
    let fee: bigint | undefined;
    let credit: bigint | undefined;
    const t0 = performance.now();
    try {
      if (defersCredit(t, this.job.env.coinbase, this.precompiles)) {
        const loc = this.accountLocAt(t.to!, 0);
        if (src.codeless(loc)) {
          src.placeholderLoc = loc;
          src.placeholderAddress = t.to;
        }
      }
      r = this.run1(src, t, defer);
      if (defer && r.coinbaseFee === undefined && r.invalid === undefined) {
        // This Evm has no deferCoinbaseFee: the fee is in the write set, and its read was recorded.
        this.deferFees = false;
        defer = false;
      }
      if (defer && src.sawCoinbase && r.invalid === undefined) {
        Atomics.or(c, txWord(tx, T_FLAGS), TF_EXACT_COINBASE);
        this.stats.coinbaseReexecutions++;
        src.deferring = false;
        r = this.run1(src, t, false);
        defer = false;
      }
      if (defer && r.invalid === undefined) fee = r.coinbaseFee;
      if (src.placeholderAddress !== null) credit = takeCredit(r, t.to!, this.records);
      if (this.notesMisses) r.readSet = src.preStateMisses();
    } catch (e) {
      this.setSlot(-1);
      if (e instanceof DependencyAbort) {
        this.stats.dependencyAborts++;
        this.conflict(started);
        return null;
      }
      throw e;
    } finally {
      this.stats.executeMs += performance.now() - t0;
    }
    if (src.waited) this.conflict(started);
    const writes = this.writes;
    writes.clear();
    this.collectWrites(src, r, fee, writes);
    if (credit !== undefined) writes.addAmount(src.placeholderLoc, credit);
    const wroteNew = this.record(tx, inc, writes, src.reads);
    if (this.deliver !== null) {
      this.deliver(this.outcome(tx, inc, r, fee, credit));
    } else if (this.post !== null) {
      if (this.pending === null) {
        this.pending = new OutcomeEncoder(this.lastBatch, this.job.readSets || this.notesMisses, true);
        this.pendingSince = performance.now();
      }
      this.pending.add(this.outcome(tx, inc, r, fee, credit));
    } else {
      this.recordOf[tx] = this.encoded!.add(this.outcome(tx, inc, r, fee, credit));
      this.incOf[tx] = inc;
    }
    const next = this.sched.finishExecution(tx, inc, wroteNew);
    this.setSlot(-1);
    if (this.streamed) {
      this.tryCommit();
      this.maybeFlush();
    }
    return next;
  }

  private run1(src: MvSource, tx: Tx, defer: boolean): FullTxResult & { coinbaseFee?: bigint } {
    const exec = this.evm.executeTx as unknown as ExecuteWithOptions;
    // Multi-version memory logs the reads that matter (the source's); the Evm's own list only serves the result's readSet.
    // Its write set stays in the WASM's bytes (a copy): collectWrites reads them in place, the commit applies them as
    // the sequential executor does, and only a worker's encoder makes its objects.
    return exec.call(this.evm, src, this.env, tx, this.fork, { deferCoinbaseFee: defer, recordReads: this.job.readSets });
  }

  /**
   * The locations a result writes, with their new entries, into `out`, read from its
   * write set's bytes (no key strings). A result without them is an invalid
   * transaction's, which writes nothing.
   */
  private collectWrites(src: MvSource, r: FullTxResult, fee: bigint | undefined, out: PendingWrites): void {
    const bytes = writeSetBytesOf(r) ?? noWrites(r);
    const c = this.records.reset(bytes, 0, bytes.length);
    const buf = c.bytes;
    while (c.next()) {
      const loc = this.accountLocAt(buf, c.addressAt);
      if (c.flags & W_DELETED) {
        out.add(loc, EK_ABS, AV_WORDS);
        out.vals[out.add(MvMemory.metaOf(loc), EK_ABS, 1)] = META_CLEAR;
        continue;
      }
      let meta = 0;
      let after = -1; // where the account's new words are in out.vals
      if (c.flags & W_ACCOUNT) {
        after = out.add(loc, EK_ABS, AV_WORDS);
        this.accountWords(c, loc, src, out, after);
        if (c.flags & W_STORAGE_CLEARED) meta |= META_CLEAR;
      }
      let nonzero = false;
      for (let k = 0; k < c.slotCount; k++) {
        const slotAt = c.slotAt(k);
        const at = 4 * out.add(this.storageLocAt(buf, c.addressAt, slotAt), EK_ABS, 8);
        const bytesOut = out.bytes;
        for (let i = 0; i < 32; i++) bytesOut[at + i] = buf[slotAt + 32 + i];
        if (!nonzero) for (let i = 0; i < 32; i++) if (buf[slotAt + 32 + i] !== 0) { nonzero = true; break; }
      }
      if (nonzero) {
        const prior = after >= 0 ? null : src.entryAt(loc);
        const words = prior === null ? out.vals : prior.words;
        const at = prior === null ? after : prior.at;
        if (words[at + AV_NONCE_LO] === 0 && words[at + AV_NONCE_HI] === 0 && words[at + AV_CODE_LEN] === 0) meta |= META_NZ;
      }
      if (meta !== 0) out.vals[out.add(MvMemory.metaOf(loc), EK_ABS, 1)] = meta;
    }
    if (fee !== undefined) out.addAmount(this.coinbaseLoc(), fee);
  }

  /** The account write at the cursor (of ACCOUNT location `loc`) as entry words, at out.vals[at...] (zero); code as applyWriteSet keeps it. */
  private accountWords(c: WriteRecords, loc: number, src: MvSource, out: PendingWrites, at: number): void {
    const buf = c.bytes;
    const v = out.vals;
    const bytes = out.bytes;
    v[at + AV_FLAGS] = 1;
    v[at + AV_NONCE_LO] = u32At(buf, c.nonceAt) | 0;
    v[at + AV_NONCE_HI] = u32At(buf, c.nonceAt + 4) | 0;
    const b = 4 * (at + AV_BALANCE);
    for (let i = 0; i < 32; i++) bytes[b + i] = buf[c.balanceAt + i];
    let codeSet = false;
    if (c.flags & W_CODE) {
      if (c.codeLength > 0) {
        v[at + AV_CODE_SRC] = CODE_ARENA;
        v[at + AV_CODE_OFF] = this.mv.storeBytes(buf.subarray(c.codeAt, c.codeAt + c.codeLength));
        v[at + AV_CODE_LEN] = c.codeLength;
        codeSet = true;
      }
    } else {
      const { words: prior, at: p } = src.entryAt(loc);
      if ((prior[p + AV_FLAGS] & 1) !== 0 && prior[p + AV_CODE_LEN] > 0 && hashIsAt(prior, p, buf, c.codeHashAt)) {
        v[at + AV_CODE_SRC] = prior[p + AV_CODE_SRC];
        v[at + AV_CODE_OFF] = prior[p + AV_CODE_OFF];
        v[at + AV_CODE_LEN] = prior[p + AV_CODE_LEN];
        codeSet = true;
      }
    }
    const h = 4 * (at + AV_CODE_HASH);
    if (codeSet) for (let i = 0; i < 32; i++) bytes[h + i] = buf[c.codeHashAt + i];
    else for (let i = 0; i < 32; i++) bytes[h + i] = EMPTY_CODE_HASH[i];
  }

  /** Writes the entries, drops those of the previous incarnation it no longer writes, publishes the logs. */
  private record(tx: number, inc: number, writes: PendingWrites, reads: ReadLog): boolean {
    const c = this.ctrl;
    const mv = this.mv;
    const n = writes.count;
    const locs = writes.locs;
    const prevAt = Atomics.load(c, txWord(tx, T_WRITES));
    // The previous incarnation's locations (none for a first execution, the usual case).
    const prev = prevAt === 0 ? null : new Set<number>(mv.a32.subarray(prevAt + 1, prevAt + 1 + mv.a32[prevAt]));
    let wroteNew = prev === null && n > 0;
    for (let i = 0; i < n; i++) {
      mv.write(locs[i], tx, inc, writes.kinds[i], writes.vals, writes.starts[i], writes.lengths[i]);
      if (prev !== null && !prev.has(locs[i])) wroteNew = true;
    }
    if (prev !== null) {
      const now = new Set<number>(locs.subarray(0, n));
      for (const loc of prev) if (!now.has(loc)) mv.remove(loc, tx);
    }
    Atomics.store(c, txWord(tx, T_WRITES), mv.storeList(locs, n));
    Atomics.store(c, txWord(tx, T_READS), mv.storeList(reads.words, reads.length));
    return wroteNew;
  }

  private validate(tx: number, inc: number): Task | null {
    this.stats.validations++;
    const c = this.ctrl;
    const mv = this.mv;
    // A committed transaction is final (its commit validated it with every lower one final).
    const bad = tx < Atomics.load(c, C_COMMIT_IDX) ? -1 : mv.validate(tx, Atomics.load(c, txWord(tx, T_READS)));
    let aborted = false;
    if (bad >= 0) aborted = this.sched.tryValidationAbort(tx, inc);
    if (aborted) {
      this.stats.validationAborts++;
      this.conflict(Atomics.load(c, C_EXECUTIONS));
      const at = Atomics.load(c, txWord(tx, T_WRITES));
      for (let i = 0, n = mv.a32[at]; i < n; i++) mv.markEstimate(mv.a32[at + 1 + i], tx);
    }
    return this.sched.finishValidation(tx, aborted);
  }

  /** The encoded outcomes of the final incarnations this worker ran (without streaming). */
  finalOutcomes(): EncodedOutcomes {
    const final: number[] = [];
    for (let tx = 0; tx < this.recordOf.length; tx++) {
      if (this.recordOf[tx] >= 0 && this.sched.status(tx) >> 2 === this.incOf[tx]) final.push(this.recordOf[tx]);
    }
    return this.encoded!.take(final);
  }

  /**
   * An execution's outcome. A worker thread's encoder adds its logs bloom and encoding,
   * computed there in parallel (the commit's per-transaction work that needs no
   * order); a lane on the committing thread leaves them to the receipt, which takes
   * them from the interpreter's bytes as the sequential executor's does (computing
   * them here too was an encoding more per transaction on the same thread).
   */
  private outcome(tx: number, inc: number, result: FullTxResult, fee: bigint | undefined, credit: bigint | undefined): TxOutcome {
    const o: TxOutcome = { tx, inc, result }; // encoded without its read set unless job.readSets
    if (fee !== undefined) o.fee = fee;
    if (credit !== undefined) o.credit = credit;
    return o;
  }

  /** The account whose resolved words are words[at...], as the Evm is shown it. */
  view(words: Int32Array, at: number): AccountView | undefined {
    if ((words[at + AV_FLAGS] & 1) === 0) return undefined;
    const src = words[at + AV_CODE_SRC];
    const off = words[at + AV_CODE_OFF];
    const len = words[at + AV_CODE_LEN];
    const nonceHi = words[at + AV_NONCE_HI];
    const nonceLo = BigInt(words[at + AV_NONCE_LO] >>> 0);
    return {
      nonce: nonceHi === 0 ? nonceLo : nonceLo + (BigInt(nonceHi >>> 0) << 32n),
      balance: readBEWords(words, at + AV_BALANCE),
      // Most accounts have no code: the constant.
      codeHash: hashIsAt(words, at, EMPTY_CODE_HASH, 0) ? EMPTY_CODE_HASH : wordBytes(words, at + AV_CODE_HASH),
      code: src === CODE_SNAPSHOT ? this.snapshot.u8.subarray(off, off + len) : src === CODE_ARENA ? this.mv.a8.subarray(off, off + len) : EMPTY,
      hasStorage: words[at + AV_HAS_STORAGE] === 1,
    };
  }
}

/** A copy of the 32 bytes in the 8 words w[at...]. */
function wordBytes(w: Int32Array, at: number): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const x = w[at + i];
    out[4 * i] = x & 0xff;
    out[4 * i + 1] = (x >>> 8) & 0xff;
    out[4 * i + 2] = (x >>> 16) & 0xff;
    out[4 * i + 3] = x >>> 24;
  }
  return out;
}

/**
 * Transaction `tx`'s view of the state: multi-version memory over the snapshot. Logs
 * every read with the value seen (validation compares values), and caches it, so a
 * location reads the same throughout the execution.
 */
class MvSource implements StateSource {
  readonly reads: ReadLog;
  private readonly accounts = new Map<string, AccountRead>();
  /** The same reads by ACCOUNT location (accountAt has no key string). */
  private readonly accountsAt = new Map<number, AccountRead>();
  /** Where the read log holds each slot value read, by location (no key strings to join and hash); created on the first. */
  private slots: Map<number, number> | null = null;
  /** The fee recipient's account was read while its fee was deferred. */
  sawCoinbase = false;
  /** The ACCOUNT location of a transfer recipient without code, shown with the PLACEHOLDER balance: its credit becomes a delta. */
  placeholderLoc = -1;
  /** Its address (the transaction's recipient), for accountAt's comparison; null: no placeholder. */
  placeholderAddress: Uint8Array | null = null;
  /** This execution waited for another transaction (a conflict). */
  waited = false;
  private tx = -1;
  private inc = -1;
  deferring = false;

  /** One per worker: begin() starts each execution's view. */
  constructor(private readonly ctx: BlockContext) {
    this.reads = ctx.readLog;
  }

  /** With BlockJob.preStateMisses: this execution's STORAGE locations read from the pre-state, which has no value for them. */
  private readonly missLocs: number[] = [];
  /** With BlockJob.preStateMisses: this execution's BLOCKHASH reads. */
  readonly blockHashReads: bigint[] = [];

  begin(tx: number, inc: number, deferring: boolean): void {
    this.tx = tx;
    this.inc = inc;
    this.deferring = deferring;
    this.missLocs.length = 0;
    this.blockHashReads.length = 0;
    if (this.accounts.size > 0) this.accounts.clear();
    if (this.accountsAt.size > 0) this.accountsAt.clear();
    if (this.slots !== null && this.slots.size > 0) this.slots.clear();
    this.sawCoinbase = false;
    this.placeholderLoc = -1;
    this.placeholderAddress = null;
    this.waited = false;
    this.reads.length = 0;
    this.ctx.resolved.clear();
  }

  account(address: string): AccountView | undefined {
    const e = this.entry(address);
    if (e.view === null) e.view = this.ctx.view(e.words, e.at);
    return e.view;
  }

  /** The account as the Evm's host reads it, without key strings or bigints (StateSource.accountAt). */
  accountAt(mem: Uint8Array, addressAt: number, out: Int32Array): void {
    const ctx = this.ctx;
    // The placeholder's location is known: no look-up for it (a transfer reads its recipient).
    const p = this.placeholderAddress;
    const loc = p !== null && equalBytesAt(mem, addressAt, p) ? this.placeholderLoc : ctx.accountLocAt(mem, addressAt);
    const e = this.entryAt(loc);
    const w = e.words;
    const at = e.at;
    out[RAW_FLAGS] = ((w[at + AV_FLAGS] & 1) !== 0 ? RAW_EXISTS : 0) | (w[at + AV_HAS_STORAGE] === 1 ? RAW_HAS_STORAGE : 0);
    out[RAW_NONCE_LO] = w[at + AV_NONCE_LO];
    out[RAW_NONCE_HI] = w[at + AV_NONCE_HI];
    out[RAW_CODE_SIZE] = w[at + AV_CODE_LEN];
    for (let i = 0; i < 8; i++) out[RAW_BALANCE + i] = w[at + AV_BALANCE + i];
    for (let i = 0; i < 8; i++) out[RAW_CODE_HASH + i] = w[at + AV_CODE_HASH + i];
  }

  /** The account as read (reading it if this execution has not): its resolved words are words[at...]. */
  entry(address: string): AccountRead {
    let e = this.accounts.get(address);
    if (e !== undefined) return e;
    e = this.entryAt(this.ctx.accountLoc(address));
    this.accounts.set(address, e);
    return e;
  }

  /** entry() by ACCOUNT location. */
  entryAt(loc: number): AccountRead {
    let e = this.accountsAt.get(loc);
    if (e !== undefined) return e;
    if (loc === this.placeholderLoc) {
      // Read nowhere: its code was read (codeless), and a codeless callee's balance only receives the value.
      e = { words: PLACEHOLDER_WORDS, at: 0, view: null };
      this.accountsAt.set(loc, e);
      return e;
    }
    const ctx = this.ctx;
    if (this.deferring && loc === ctx.coinbaseLoc()) this.sawCoinbase = true;
    this.read(Q_ACCOUNT, loc, MvMemory.metaOf(loc));
    const scratch = ctx.scratchAccount;
    const slab = ctx.resolved;
    const at = slab.take(RESOLVED_WORDS);
    const words = slab.words;
    for (let i = 0; i < RESOLVED_WORDS; i++) words[at + i] = scratch[i];
    e = { words, at, view: null };
    this.accountsAt.set(loc, e);
    return e;
  }

  /** Whether the account (at ACCOUNT location `loc`) has no code (a read of its code only, which balance deltas do not affect). */
  codeless(loc: number): boolean {
    this.read(Q_CODE, loc, 0);
    return this.ctx.scratchCode[0] === 0;
  }

  storage(address: string, slot: string): Uint8Array | undefined {
    const ctx = this.ctx;
    const account = ctx.accountLoc(address);
    const at = this.slotValue(ctx.storageLoc(account, slot), account);
    const w = this.reads.words;
    let zero = true;
    for (let i = 0; i < 8; i++) if (w[at + i] !== 0) zero = false;
    return zero ? undefined : new Uint8Array(w.buffer.slice(4 * at, 4 * at + 32));
  }

  storageAt(mem: Uint8Array, addressAt: number, slotAt: number, outAt: number): void {
    const ctx = this.ctx;
    const loc = ctx.storageLocAt(mem, addressAt, slotAt);
    const at = this.slotValue(loc, ctx.lastAccountLoc);
    const w = this.reads.words;
    for (let i = 0; i < 8; i++) {
      const v = w[at + i];
      const o = outAt + 4 * i;
      mem[o] = v;
      mem[o + 1] = v >>> 8;
      mem[o + 2] = v >>> 16;
      mem[o + 3] = v >>> 24;
    }
  }

  /**
   * Reads STORAGE location `loc` (of the account at ACCOUNT location `account`) once
   * per execution; returns the word offset of its value (8 words, the 32 bytes) in
   * the read log.
   */
  private slotValue(loc: number, account: number): number {
    const slots = (this.slots ??= new Map());
    const seen = slots.get(loc);
    if (seen !== undefined) return seen;
    const at = this.reads.length + READ_HEADER;
    this.read(Q_STORAGE, loc, MvMemory.metaOf(account));
    if (this.ctx.notesMisses && this.ctx.mv.snapshotMiss) this.missLocs.push(loc);
    slots.set(loc, at);
    return at;
  }

  /** The execution's read set as BlockJob.preStateMisses defines it. */
  preStateMisses(): ReadSet {
    const key = this.ctx.scratchKey;
    const storage: [string, string][] = this.missLocs.map((loc) => {
      this.ctx.mv.keyBytesOf(loc, key);
      return [addressKeyAt(key, 0), slotKeyAt(key, 20)];
    });
    return { accounts: [], storage, blockHashes: [...this.blockHashReads] };
  }

  /**
   * Reads location `loc` of `address` as this transaction sees it into the context's
   * scratch for its kind (Q_ACCOUNT: scratchAccount; Q_STORAGE: scratchValue32; Q_CODE:
   * scratchCode), waiting for or abandoning on an ESTIMATE, and logs the value read.
   * `meta`: the account's META location (0 for code).
   */
  private read(kind: typeof Q_ACCOUNT | typeof Q_STORAGE | typeof Q_CODE, loc: number, meta: number): void {
    const ctx = this.ctx;
    const mv = ctx.mv;
    for (;;) {
      const blocking = kind === Q_STORAGE ? mv.readStorage(loc, meta, this.tx, ctx.scratchValue32)
        : kind === Q_ACCOUNT ? mv.readAccount(loc, meta, this.tx, ctx.scratchAccount) : mv.readCode(loc, this.tx, ctx.scratchCode);
      if (blocking === RESOLVED) break;
      this.blockedOn(blocking);
    }
    if (kind === Q_STORAGE) this.reads.add(Q_STORAGE, loc, meta, ctx.scratchValue32, 8);
    else if (kind === Q_ACCOUNT) this.reads.add(Q_ACCOUNT, loc, meta, ctx.scratchAccount, RESOLVED_WORDS);
    else this.reads.add(Q_CODE, loc, 0, ctx.scratchCode, 9);
  }

  /** A read met `blocking`'s ESTIMATE: returns to read again, or throws (abandons the execution). */
  private blockedOn(blocking: number): void {
    this.waited = true;
    this.ctx.blockedOn(this.tx, this.inc, blocking);
  }
}

/** A wait for another transaction looks at C_ERROR this often, and runs onWait about this often. */
const WAIT_SLICE_MS = 5;
const ON_WAIT_MS = 1000;

/** Streamed outcomes go out in batches of this many, or once the oldest is this old. */
const STREAM_BATCH = 64;
const STREAM_DELAY_MS = 1;
/**
 * ...or before an execution of a transaction with at least this gas limit (about a
 * millisecond of work or more). The merge block's 21M-gas transaction kept the outcomes
 * executed before it from the commit for its whole execution, the main thread asleep.
 */
const FLUSH_BEFORE_GAS = 1_000_000n;

/** Words before a read log record's value: kind, location, meta location. */
const READ_HEADER = 3;

/** A read log ([kind, location, meta location, value words...] records), in a buffer reused across executions. */
class ReadLog {
  words = new Int32Array(4096);
  length = 0;

  add(kind: number, loc: number, meta: number, values: Int32Array, n: number): void {
    if (this.length + 3 + n > this.words.length) {
      const w = new Int32Array(this.words.length * 2 + n);
      w.set(this.words.subarray(0, this.length));
      this.words = w;
    }
    const w = this.words;
    let p = this.length;
    w[p++] = kind;
    w[p++] = loc;
    w[p++] = meta;
    for (let i = 0; i < n; i++) w[p++] = values[i];
    this.length = p;
  }
}

/** The balance a transfer recipient is shown: its credit is what the transaction adds to it. */
const PLACEHOLDER = 1n << 255n;
const MAX_CREDIT = 1n << 200n;

/**
 * Whether `tx` is a plain value transfer whose credit may become a delta (if its
 * recipient has no code: checked by the caller, against multi-version memory here, the
 * state in analyze.ts). Not for precompiles (a failing one touches its account),
 * EIP-7702 transactions (they may give the recipient code), self-transfers or the fee
 * recipient (`coinbase`). On bytes: a key string per transfer, parsed back into words
 * for the look-up, cost about 0.4 us of a worker's 13 per transfer.
 */
export function defersCredit(tx: Tx, coinbase: Uint8Array, precompiles: ReadonlySet<number>): boolean {
  if (tx.to === null || tx.value === 0n || tx.value >= MAX_CREDIT || (tx.authorizationList?.length ?? 0) > 0) return false;
  const to = tx.to;
  let low = true;
  let self = true;
  let fees = true;
  for (let i = 0; i < 20; i++) {
    if (i < 18 && to[i] !== 0) low = false;
    if (to[i] !== tx.sender[i]) self = false;
    if (to[i] !== coinbase[i]) fees = false;
  }
  return !self && !fees && !(low && precompiles.has((to[18] << 8) | to[19]));
}

/**
 * Takes the recipient's write out of a result (the Evm's, for this worker to change):
 * its balance change becomes the credit. The write set's bytes are the result's own
 * copy: the records after it move down over it.
 */
function takeCredit(r: FullTxResult, recipient: Uint8Array, c: WriteRecords): bigint | undefined {
  const bytes = writeSetBytesOf(r) ?? noWrites(r);
  c.reset(bytes, 0, bytes.length);
  const buf = c.bytes;
  while (c.next()) {
    if (!equalBytesAt(buf, c.addressAt, recipient)) continue;
    const balance = (c.flags & W_ACCOUNT) !== 0 ? c.balance() : 0n;
    if ((c.flags & (W_DELETED | W_CODE)) !== 0 || (c.flags & W_ACCOUNT) === 0 || c.slotCount > 0 || balance <= PLACEHOLDER) {
      throw new Error(`transfer recipient 0x${addressKeyAt(recipient, 0)} changed beyond a credit`);
    }
    const from = c.addressAt - bytes.byteOffset;
    const to = c.recordEnd - bytes.byteOffset;
    bytes.copyWithin(from, to);
    putWriteSet(r, bytes.subarray(0, bytes.length - (to - from)));
    return balance - PLACEHOLDER;
  }
  return undefined;
}

/** The bytes of the write set of a result that has none in bytes: an invalid transaction's, which writes nothing. */
function noWrites(r: FullTxResult): Uint8Array {
  if (r.writeSet.length > 0) throw new Error('an execution result whose write set is not in bytes (read or replaced before it was collected)');
  return EMPTY;
}

/** Whether the code hash in the account words at words[at...] is the 32 bytes at buf[off...]. */
function hashIsAt(words: Int32Array, at: number, buf: Uint8Array, off: number): boolean {
  for (let i = 0; i < 8; i++) if (words[at + AV_CODE_HASH + i] !== (u32At(buf, off + 4 * i) | 0)) return false;
  return true;
}

/** An account as an execution read it: its resolved words are words[at...], `view` what the Evm is shown (null: not made yet). */
interface AccountRead {
  words: Int32Array;
  at: number;
  view: AccountView | undefined | null;
}

/** Resolved words of a transfer recipient's placeholder: an account without code, nonce or storage, its balance PLACEHOLDER. */
const PLACEHOLDER_WORDS = (() => {
  const w = new Int32Array(RESOLVED_WORDS);
  w[AV_FLAGS] = 1;
  writeBE(new Uint8Array(w.buffer), 4 * AV_BALANCE, PLACEHOLDER);
  const h = EMPTY_CODE_HASH;
  for (let i = 0; i < 8; i++) w[AV_CODE_HASH + i] = h[4 * i] | (h[4 * i + 1] << 8) | (h[4 * i + 2] << 16) | (h[4 * i + 3] << 24);
  return w;
})();

/**
 * The resolved account words of the execution in progress, in a buffer reused across
 * executions (a typed array per read would be a separate allocation each).
 */
class WordSlab {
  words = new Int32Array(RESOLVED_WORDS * 256);
  private top = 0;

  clear(): void {
    this.top = 0;
  }

  /** Room for `n` words: where they start in `words`. A full buffer is replaced (reads before keep the old one). */
  take(n: number): number {
    if (this.top + n > this.words.length) {
      this.words = new Int32Array(Math.max(2 * this.words.length, n));
      this.top = 0;
    }
    const at = this.top;
    this.top += n;
    return at;
  }
}

/**
 * An execution's writes before they are recorded: location, entry kind and value
 * words of each, in buffers reused across executions.
 */
class PendingWrites {
  locs = new Int32Array(64);
  kinds = new Int32Array(64);
  /** Where each write's value starts in `vals`, and its words. */
  starts = new Int32Array(64);
  lengths = new Int32Array(64);
  vals = new Int32Array(2048);
  bytes = new Uint8Array(this.vals.buffer);
  count = 0;
  private top = 0;

  clear(): void {
    this.count = 0;
    this.top = 0;
  }

  /** Adds a write of `n` value words, zeroed; returns where they start in `vals` (read `vals` and `bytes` after: they may grow). */
  add(loc: number, kind: number, n: number): number {
    const i = this.count++;
    if (i === this.locs.length) {
      this.locs = grown(this.locs, i);
      this.kinds = grown(this.kinds, i);
      this.starts = grown(this.starts, i);
      this.lengths = grown(this.lengths, i);
    }
    const at = this.top;
    this.top += n;
    if (this.top > this.vals.length) {
      this.vals = grown(this.vals, this.top);
      this.bytes = new Uint8Array(this.vals.buffer);
    }
    this.locs[i] = loc;
    this.kinds[i] = kind;
    this.starts[i] = at;
    this.lengths[i] = n;
    this.vals.fill(0, at, at + n);
    return at;
  }

  /** Adds a balance DELTA of `amount` at the ACCOUNT location `loc`. */
  addAmount(loc: number, amount: bigint): void {
    const at = this.add(loc, EK_DELTA, AV_WORDS);
    writeBE(this.bytes, 4 * (at + AV_BALANCE), amount);
  }
}

/** A copy of `a` with room for more than `needed` words. */
function grown(a: Int32Array, needed: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(2 * a.length, needed + 1));
  b.set(a);
  return b;
}

