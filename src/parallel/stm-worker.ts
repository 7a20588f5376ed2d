// One Block-STM worker's share of a block: takes tasks from the shared scheduler,
// executes transactions against multi-version memory with its own Evm, validates
// others' read logs. Host-independent: worker.ts (Node) runs it; a Web Worker can too.

import type { Evm, FullTxResult } from '../evm/evm.js';
import type { BlockEnv, Tx } from '../evm/types.js';
import { forkByName, type Fork } from '../fork/table.js';
import type { AccountView, StateSource } from '../state/source.js';
import type { AccountWrite } from '../evm/sets.js';
import { encodeLogs, logsBloom } from '../state/logs.js';
import { EMPTY_CODE_HASH } from '../state/world.js';
import { bytesToKey } from '../util/hex.js';
import { tryLock, unlock, waitWhile } from './atomics.js';
import { hexToWords } from './keys.js';
import {
  C_COMMIT_IDX, C_COMMIT_LOCK, C_CONFLICTS, C_MAIN_WAITS, C_POSTS, C_ERROR, C_EXECUTIONS, C_NTX, C_WAKE, C_WORKER_SLOTS, ST_EXECUTED, ST_EXECUTING, T_FINAL, T_FLAGS,
  T_READS, T_STATUS, T_WRITES, TF_EXACT_COINBASE, txWord,
} from './layout.js';
import {
  AV_BALANCE, AV_CODE_HASH, AV_CODE_LEN, AV_CODE_OFF, AV_CODE_SRC, AV_FLAGS, AV_HAS_STORAGE, AV_NONCE_HI, AV_NONCE_LO, AV_WORDS,
  CODE_ARENA, CODE_SNAPSHOT, EK_ABS, EK_DELTA, K_ACCOUNT, K_META, K_STORAGE, META_CLEAR, META_NZ, MvMemory,
  Q_ACCOUNT, Q_CODE, Q_STORAGE, RESOLVED, RESOLVED_WORDS, readBE, writeBE,
} from './mvmemory.js';
import type { BlockJob, BlockReply, OutcomeBatch, TxOutcome, WorkerStats } from './protocol.js';
import { emptyStats } from './protocol.js';
import { Scheduler, TASK_EXECUTE, type Task } from './scheduler.js';
import { Snapshot } from './snapshot.js';
import { TxList } from './tx-codec.js';
import { encodeOutcomes } from './outcome-codec.js';

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

type ExecuteWithOptions = (source: StateSource, block: BlockEnv, tx: Tx, fork: Fork, opts: { deferCoinbaseFee: boolean }) =>
  FullTxResult & { coinbaseFee?: bigint };

interface AddressLocs {
  account: number;
  meta: number;
  slots: Map<string, number>;
}

interface PendingWrite {
  kind: number;
  val: ArrayLike<number> | null;
  bytes: Uint8Array | null;
}

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
    return { type: 'block-done', id: job.id, outcomes: post !== null ? null : encodeOutcomes(ctx.outcomes()), stats };
  } catch (e) {
    ctx?.sched.fail();
    const cause = e instanceof GiveUp ? 'gave-up' : e instanceof Stopped ? 'stopped' : 'error';
    return { type: 'block-failed', id: job.id, cause, message: e instanceof Error ? (cause === 'error' ? `${e.name}: ${e.message}` : e.message) : String(e), stats };
  }
}

class BlockContext {
  readonly ctrl: Int32Array;
  readonly txs: TxList;
  readonly sched: Scheduler;
  readonly mv: MvMemory;
  readonly snapshot: Snapshot;
  readonly env: BlockEnv;
  readonly fork: Fork;
  readonly coinbaseKey: string;
  deferFees: boolean;
  private readonly results = new Map<number, { inc: number; result: FullTxResult; fee?: bigint; credit?: bigint }>();
  private readonly precompiles: Set<number>;
  /** Per address: its ACCOUNT and META locations (found together: reads need both) and its STORAGE locations by slot. */
  private readonly addressLocs = new Map<string, AddressLocs>();
  /** The read log of the execution in progress (one at a time per worker). */
  readonly readLog = new ReadLog();
  /** Scratch for its reads' values (copied into the log and, for slots, the result). */
  readonly scratchValue = new Uint8Array(32);
  readonly scratchValue32 = new Int32Array(this.scratchValue.buffer);
  readonly scratchCode = new Int32Array(9);
  private readonly key = new Int32Array(13);
  private readonly slot: number;

  /** Streamed outcomes not posted yet, and when the oldest of them was executed. */
  private pending: TxOutcome[] = [];
  private pendingSince = 0;

  constructor(private readonly evm: Evm, readonly job: BlockJob, readonly worker: number, readonly stats: WorkerStats,
    private readonly post: ((batch: OutcomeBatch) => void) | null) {
    this.ctrl = new Int32Array(job.ctrl);
    this.txs = new TxList(job.txs);
    this.sched = new Scheduler(this.ctrl, this.txs.length);
    this.snapshot = new Snapshot(job.snapshot);
    this.fork = forkByName(job.fork);
    this.mv = new MvMemory(job.mv, this.ctrl, this.snapshot, this.fork.eips.has(161));
    const hashes = new Map(job.env.blockHashes.map(([n, h]) => [n, h] as const));
    const { blockHashes: _, ...env } = job.env;
    this.env = { ...env, blockHash: (n) => hashes.get(n) };
    this.coinbaseKey = bytesToKey(job.env.coinbase);
    this.deferFees = job.deferFees;
    this.slot = C_WORKER_SLOTS + worker;
    this.precompiles = new Set(this.fork.precompiles);
  }

  // ---------------------------------------------------------- locations

  locsOf(addr: string): AddressLocs {
    let l = this.addressLocs.get(addr);
    if (l === undefined) {
      hexToWords(addr, this.key, 0, 5);
      l = { account: this.mv.locate(K_ACCOUNT, this.key), meta: this.mv.locate(K_META, this.key), slots: new Map() };
      this.addressLocs.set(addr, l);
    }
    return l;
  }

  accountLoc(addr: string): number {
    return this.locsOf(addr).account;
  }

  metaLoc(addr: string): number {
    return this.locsOf(addr).meta;
  }

  storageLoc(addr: string, slot: string): number {
    const slots = this.locsOf(addr).slots;
    let l = slots.get(slot);
    if (l === undefined) {
      hexToWords(addr, this.key, 0, 5);
      hexToWords(slot, this.key, 5, 8);
      l = this.mv.locate(K_STORAGE, this.key);
      slots.set(slot, l);
    }
    return l;
  }

  // ---------------------------------------------------------- the loop

  run(): void {
    const sched = this.sched;
    let task: Task | null = null;
    while (!sched.done()) {
      if (task !== null) {
        task = task.kind === TASK_EXECUTE ? this.execute(task.tx, task.inc) : this.validate(task.tx, task.inc);
        continue;
      }
      const seen = Atomics.load(this.ctrl, C_WAKE);
      task = sched.nextTask();
      // Sleep only when both indices are past the block (tasks may come back when one decreases).
      if (task === null && !sched.done() && sched.exhausted()) {
        // The pending outcomes may be what the main thread waits for.
        this.flush();
        Atomics.wait(this.ctrl, C_WAKE, seen, 1000);
      }
    }
    if (Atomics.load(this.ctrl, C_ERROR) === 0 && this.post !== null) {
      this.tryCommit();
      this.flush();
    }
  }

  // ---------------------------------------------------------- streamed commit

  /** Posts the pending outcomes when there are many, or the oldest waited long enough: the commit follows them. */
  private maybeFlush(): void {
    if (this.pending.length >= STREAM_BATCH || performance.now() - this.pendingSince >= STREAM_DELAY_MS) this.flush();
  }

  private flush(): void {
    if (this.post === null || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.post({ id: this.job.id, outcomes: encodeOutcomes(batch) });
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

  /**
   * Before transaction `tx` reads a hot location of account `address`: waits until no
   * lower transaction likely to write it is in execution on another worker (one sent
   * by or to that account; for the fee recipient, every one: they all pay it). True if
   * it waited. A writer this misses is caught by validation as usual.
   */
  waitForLikelyWriters(tx: number, address: string): boolean {
    const c = this.ctrl;
    let waited = false;
    for (let w = 0; w < this.job.workers; w++) {
      if (w === this.worker) continue;
      const i = C_WORKER_SLOTS + w;
      const running = Atomics.load(c, i);
      if (running >= 0 && running < tx && (address === this.coinbaseKey || this.touches(running, address))) {
        this.stats.hotWaits++;
        this.waitChange(i, running);
        waited = true;
      }
    }
    return waited;
  }

  private readonly txKeys: (string[] | undefined)[] = [];

  /** Whether transaction `tx` is sent by or to `address`. */
  private touches(tx: number, address: string): boolean {
    let k = this.txKeys[tx];
    if (k === undefined) {
      const t = this.txs.get(tx);
      k = this.txKeys[tx] = t.to === null ? [bytesToKey(t.sender)] : [bytesToKey(t.sender), bytesToKey(t.to)];
    }
    return k[0] === address || k[1] === address;
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

  /** Sleeps until ctrl[i] is no longer `value`; gives up if another worker failed. */
  private waitChange(i: number, value: number): void {
    const c = this.ctrl;
    for (;;) {
      waitWhile(c, i, value, 1000);
      if (Atomics.load(c, i) !== value) return;
      if (Atomics.load(c, C_ERROR) !== 0) throw new Stopped('another worker stopped');
    }
  }

  private setSlot(tx: number): void {
    Atomics.store(this.ctrl, this.slot, tx);
    if (tx < 0) Atomics.notify(this.ctrl, this.slot);
  }

  private execute(tx: number, inc: number): Task | null {
    const c = this.ctrl;
    this.setSlot(tx);
    this.stats.executions++;
    const started = Atomics.add(c, C_EXECUTIONS, 1) + 1;
    let defer = this.deferFees && (Atomics.load(c, txWord(tx, T_FLAGS)) & TF_EXACT_COINBASE) === 0;
    const src = new MvSource(this, tx, inc, defer);
    let r: FullTxResult & { coinbaseFee?: bigint };
    let fee: bigint | undefined;
    let credit: bigint | undefined;
    const t0 = performance.now();
    try {
      const recipient = deferredCreditRecipient(this.txs.get(tx), this.coinbaseKey, this.precompiles);
      if (recipient !== null && src.codeless(recipient)) src.placeholder = recipient;
      r = this.run1(src, tx, defer);
      if (defer && r.coinbaseFee === undefined && r.invalid === undefined) {
        // This Evm has no deferCoinbaseFee: the fee is in the write set, and its read was recorded.
        this.deferFees = false;
        defer = false;
      }
      if (defer && src.sawCoinbase && r.invalid === undefined) {
        Atomics.or(c, txWord(tx, T_FLAGS), TF_EXACT_COINBASE);
        this.stats.coinbaseReexecutions++;
        src.deferring = false;
        r = this.run1(src, tx, false);
        defer = false;
      }
      if (defer && r.invalid === undefined) fee = r.coinbaseFee;
      if (src.placeholder !== null) ({ result: r, credit } = takeCredit(r, src.placeholder));
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
    const writes = this.collectWrites(src, r, fee);
    if (credit !== undefined) writes.set(this.accountLoc(src.placeholder!), { kind: EK_DELTA, val: amountWords(credit), bytes: null });
    const wroteNew = this.record(tx, inc, writes, src.reads);
    if (this.post !== null) {
      if (this.pending.length === 0) this.pendingSince = performance.now();
      this.pending.push(this.outcome(tx, inc, r, fee, credit));
    } else this.results.set(tx, { inc, result: r, fee, credit });
    const next = this.sched.finishExecution(tx, inc, wroteNew);
    this.setSlot(-1);
    if (this.post !== null) {
      this.tryCommit();
      this.maybeFlush();
    }
    return next;
  }

  private run1(src: MvSource, tx: number, defer: boolean): FullTxResult & { coinbaseFee?: bigint } {
    const exec = this.evm.executeTx as unknown as ExecuteWithOptions;
    return exec.call(this.evm, src, this.env, this.txs.get(tx), this.fork, { deferCoinbaseFee: defer });
  }

  /** The locations a result writes, with their new entries. */
  private collectWrites(src: MvSource, r: FullTxResult, fee: bigint | undefined): Map<number, PendingWrite> {
    const out = new Map<number, PendingWrite>();
    for (const w of r.writeSet) {
      let meta = 0;
      if (w.deleted) {
        out.set(this.accountLoc(w.address), { kind: EK_ABS, val: new Int32Array(AV_WORDS), bytes: null });
        out.set(this.metaLoc(w.address), { kind: EK_ABS, val: [META_CLEAR], bytes: null });
        continue;
      }
      let after: Int32Array | undefined;
      if (w.account) {
        after = this.accountWords(w, src);
        out.set(this.accountLoc(w.address), { kind: EK_ABS, val: after, bytes: null });
        if (w.storageCleared) meta |= META_CLEAR;
      }
      let nonzero = false;
      for (const [slot, value] of w.storage) {
        out.set(this.storageLoc(w.address, slot), { kind: EK_ABS, val: null, bytes: value });
        if (!nonzero) for (let i = 0; i < 32; i++) if (value[i] !== 0) { nonzero = true; break; }
      }
      if (nonzero) {
        after ??= src.words(w.address);
        if (after[AV_NONCE_LO] === 0 && after[AV_NONCE_HI] === 0 && after[AV_CODE_LEN] === 0) meta |= META_NZ;
      }
      if (meta !== 0) out.set(this.metaLoc(w.address), { kind: EK_ABS, val: [meta], bytes: null });
    }
    if (fee !== undefined) out.set(this.accountLoc(this.coinbaseKey), { kind: EK_DELTA, val: amountWords(fee), bytes: null });
    return out;
  }

  /** An account write as entry words; code as applyWriteSet keeps it. */
  private accountWords(w: AccountWrite, src: MvSource): Int32Array {
    const a = w.account!;
    const out = new Int32Array(AV_WORDS);
    const bytes = new Uint8Array(out.buffer);
    out[AV_FLAGS] = 1;
    out[AV_NONCE_LO] = Number(a.nonce & 0xffffffffn) | 0;
    out[AV_NONCE_HI] = Number(a.nonce >> 32n) | 0;
    writeBE(bytes, 4 * AV_BALANCE, a.balance);
    let codeSet = false;
    if (w.code !== undefined) {
      if (w.code.length > 0) {
        out[AV_CODE_SRC] = CODE_ARENA;
        out[AV_CODE_OFF] = this.mv.storeBytes(w.code);
        out[AV_CODE_LEN] = w.code.length;
        bytes.set(a.codeHash, 4 * AV_CODE_HASH);
        codeSet = true;
      }
    } else {
      const prior = src.words(w.address);
      const pb = new Uint8Array(prior.buffer);
      if ((prior[AV_FLAGS] & 1) !== 0 && prior[AV_CODE_LEN] > 0 && equal32(pb, 4 * AV_CODE_HASH, a.codeHash)) {
        out[AV_CODE_SRC] = prior[AV_CODE_SRC];
        out[AV_CODE_OFF] = prior[AV_CODE_OFF];
        out[AV_CODE_LEN] = prior[AV_CODE_LEN];
        bytes.set(a.codeHash, 4 * AV_CODE_HASH);
        codeSet = true;
      }
    }
    if (!codeSet) bytes.set(EMPTY_CODE_HASH, 4 * AV_CODE_HASH);
    return out;
  }

  /** Writes the entries, drops those of the previous incarnation it no longer writes, publishes the logs. */
  private record(tx: number, inc: number, writes: Map<number, PendingWrite>, reads: ReadLog): boolean {
    const c = this.ctrl;
    const mv = this.mv;
    const prevAt = Atomics.load(c, txWord(tx, T_WRITES));
    // The previous incarnation's locations (none for a first execution, the usual case).
    const prev = prevAt === 0 ? null : new Set<number>();
    if (prev !== null) for (let i = 0, n = mv.a32[prevAt]; i < n; i++) prev.add(mv.a32[prevAt + 1 + i]);
    let wroteNew = prev === null && writes.size > 0;
    for (const [loc, w] of writes) {
      mv.write(loc, tx, inc, w.kind, w.val, w.bytes);
      if (prev !== null && !prev.has(loc)) wroteNew = true;
    }
    if (prev !== null) for (const loc of prev) if (!writes.has(loc)) mv.remove(loc, tx);
    Atomics.store(c, txWord(tx, T_WRITES), mv.storeList([...writes.keys()]));
    Atomics.store(c, txWord(tx, T_READS), mv.storeList(reads.words.subarray(0, reads.length)));
    return wroteNew;
  }

  private validate(tx: number, inc: number): Task | null {
    this.stats.validations++;
    const c = this.ctrl;
    const mv = this.mv;
    // A committed transaction is final (its commit validated it with every lower one final).
    const bad = tx < Atomics.load(c, C_COMMIT_IDX) ? -1 : mv.validate(tx, Atomics.load(c, txWord(tx, T_READS)));
    let aborted = false;
    if (bad >= 0) {
      mv.markHot(bad);
      aborted = this.sched.tryValidationAbort(tx, inc);
    }
    if (aborted) {
      this.stats.validationAborts++;
      this.conflict(Atomics.load(c, C_EXECUTIONS));
      const at = Atomics.load(c, txWord(tx, T_WRITES));
      for (let i = 0, n = mv.a32[at]; i < n; i++) mv.markEstimate(mv.a32[at + 1 + i], tx);
    }
    return this.sched.finishValidation(tx, aborted);
  }

  /** Results of the final incarnations this worker ran. */
  outcomes(): TxOutcome[] {
    const out: TxOutcome[] = [];
    for (const [tx, r] of this.results) {
      if (this.sched.status(tx) >> 2 !== r.inc) continue;
      out.push(this.outcome(tx, r.inc, r.result, r.fee, r.credit));
    }
    return out;
  }

  private outcome(tx: number, inc: number, result: FullTxResult, fee: bigint | undefined, credit: bigint | undefined): TxOutcome {
    const o: TxOutcome = { tx, inc, result: this.job.readSets ? result : { ...result, readSet: NO_READS } };
    if (fee !== undefined) o.fee = fee;
    if (credit !== undefined) o.credit = credit;
    if (result.logs.length > 0) {
      // The commit's per-transaction work that needs no order, done here in parallel.
      o.logsBloom = logsBloom(result.logs);
      o.encodedLogs = encodeLogs(result.logs);
    }
    return o;
  }

  view(words: Int32Array): AccountView | undefined {
    if ((words[AV_FLAGS] & 1) === 0) return undefined;
    const bytes = new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
    const src = words[AV_CODE_SRC];
    const off = words[AV_CODE_OFF];
    const len = words[AV_CODE_LEN];
    return {
      nonce: BigInt(words[AV_NONCE_LO] >>> 0) + (BigInt(words[AV_NONCE_HI] >>> 0) << 32n),
      balance: readBE(bytes, 4 * AV_BALANCE),
      codeHash: bytes.subarray(4 * AV_CODE_HASH, 4 * AV_CODE_HASH + 32), // the words are not changed once resolved
      code: src === CODE_SNAPSHOT ? this.snapshot.u8.subarray(off, off + len) : src === CODE_ARENA ? this.mv.a8.subarray(off, off + len) : EMPTY,
      hasStorage: words[AV_HAS_STORAGE] === 1,
    };
  }
}

/**
 * Transaction `tx`'s view of the state: multi-version memory over the snapshot. Logs
 * every read with the value seen (validation compares values), and caches it, so a
 * location reads the same throughout the execution.
 */
class MvSource implements StateSource {
  readonly reads: ReadLog;
  private readonly accounts = new Map<string, { words: Int32Array; view: AccountView | undefined }>();
  /** Slot values read, by location (no key strings to join and hash). */
  private readonly slots = new Map<number, Uint8Array | undefined>();
  /** The fee recipient's account was read while its fee was deferred. */
  sawCoinbase = false;
  /** A transfer recipient without code, shown with the PLACEHOLDER balance: its credit becomes a delta. */
  placeholder: string | null = null;
  /** Accounts whose likely writers this execution has waited for. */
  private waitedFor: Set<string> | null = null;
  /** This execution waited for another transaction (a conflict). */
  waited = false;

  constructor(private readonly ctx: BlockContext, private readonly tx: number, private readonly inc: number, public deferring: boolean) {
    this.reads = ctx.readLog;
    this.reads.length = 0;
  }

  account(address: string): AccountView | undefined {
    return this.entry(address).view;
  }

  /** The account's resolved words (reading it if this execution has not). */
  words(address: string): Int32Array {
    return this.entry(address).words;
  }

  private entry(address: string) {
    let e = this.accounts.get(address);
    if (e !== undefined) return e;
    if (address === this.placeholder) {
      // Read nowhere: its code was read (codeless), and a codeless callee's balance only receives the value.
      e = { words: new Int32Array(RESOLVED_WORDS), view: { nonce: 0n, balance: PLACEHOLDER, codeHash: EMPTY_CODE_HASH, code: EMPTY, hasStorage: false } };
      this.accounts.set(address, e);
      return e;
    }
    const ctx = this.ctx;
    if (this.deferring && address === ctx.coinbaseKey) this.sawCoinbase = true;
    const { account: loc, meta } = ctx.locsOf(address);
    const words = new Int32Array(RESOLVED_WORDS);
    this.resolve(address, loc, () => ctx.mv.readAccount(loc, meta, this.tx, words));
    this.reads.add(Q_ACCOUNT, loc, meta, words, RESOLVED_WORDS);
    e = { words, view: ctx.view(words) };
    this.accounts.set(address, e);
    return e;
  }

  /** Whether the account has no code (a read of its code only, which balance deltas do not affect). */
  codeless(address: string): boolean {
    const ctx = this.ctx;
    const loc = ctx.accountLoc(address);
    const out = ctx.scratchCode; // the read log keeps a copy
    this.resolve(address, loc, () => ctx.mv.readCode(loc, this.tx, out));
    this.reads.add(Q_CODE, loc, 0, out, 9);
    return out[0] === 0;
  }

  storage(address: string, slot: string): Uint8Array | undefined {
    const ctx = this.ctx;
    const loc = ctx.storageLoc(address, slot);
    if (this.slots.has(loc)) return this.slots.get(loc);
    const meta = ctx.metaLoc(address);
    const v = ctx.scratchValue;
    const v32 = ctx.scratchValue32;
    this.resolve(address, loc, () => ctx.mv.readStorage(loc, meta, this.tx, v));
    this.reads.add(Q_STORAGE, loc, meta, v32, 8);
    let zero = true;
    for (let i = 0; i < 8; i++) if (v32[i] !== 0) zero = false;
    const out = zero ? undefined : v.slice();
    this.slots.set(loc, out);
    return out;
  }

  private resolve(address: string, loc: number, read: () => number): void {
    const ctx = this.ctx;
    if (ctx.mv.isHot(loc) && !this.waitedFor?.has(address)) {
      (this.waitedFor ??= new Set()).add(address);
      if (ctx.waitForLikelyWriters(this.tx, address)) this.waited = true;
    }
    for (;;) {
      const blocking = read();
      if (blocking === RESOLVED) return;
      ctx.mv.markHot(loc);
      this.waited = true;
      ctx.blockedOn(this.tx, this.inc, blocking);
    }
  }
}

const NO_READS = { accounts: [], storage: [], blockHashes: [] };

/** Streamed outcomes go out in batches of this many, or once the oldest is this old. */
const STREAM_BATCH = 64;
const STREAM_DELAY_MS = 1;

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
 * The recipient of a plain value transfer whose credit may become a delta (if it has
 * no code: checked by the caller, against multi-version memory here, the state in
 * analyze.ts), or null. Not for precompiles (a failing one touches its account),
 * EIP-7702 transactions (they may give the recipient code), self-transfers or the fee
 * recipient (`coinbaseKey`).
 */
export function deferredCreditRecipient(tx: Tx, coinbaseKey: string, precompiles: ReadonlySet<number>): string | null {
  if (tx.to === null || tx.value === 0n || tx.value >= MAX_CREDIT || (tx.authorizationList?.length ?? 0) > 0) return null;
  const to = tx.to;
  let low = true;
  let self = true;
  for (let i = 0; i < 20; i++) {
    if (i < 18 && to[i] !== 0) low = false;
    if (to[i] !== tx.sender[i]) self = false;
  }
  if (self || (low && precompiles.has((to[18] << 8) | to[19]))) return null;
  const key = bytesToKey(to);
  return key === coinbaseKey ? null : key;
}

/** Takes the recipient's write out of a result: its balance change becomes the credit. */
function takeCredit<R extends FullTxResult>(r: R, recipient: string): { result: R; credit?: bigint } {
  const i = r.writeSet.findIndex((w) => w.address === recipient);
  if (i < 0) return { result: r };
  const w = r.writeSet[i];
  if (w.deleted || !w.account || w.code !== undefined || w.storage.length > 0 || w.account.balance <= PLACEHOLDER) {
    throw new Error(`transfer recipient 0x${recipient} changed beyond a credit`);
  }
  return { result: { ...r, writeSet: r.writeSet.filter((_, k) => k !== i) }, credit: w.account.balance - PLACEHOLDER };
}

function amountWords(amount: bigint): Int32Array {
  const out = new Int32Array(AV_WORDS);
  writeBE(new Uint8Array(out.buffer), 4 * AV_BALANCE, amount);
  return out;
}

function equal32(a: Uint8Array, at: number, b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (a[at + i] !== b[i]) return false;
  return true;
}

