// The part of a Block-STM worker pool that is the same for every kind of worker (Node
// worker threads, pool.ts; Web Workers, web-pool.ts): a block job goes to every worker
// and their replies come back; a worker that dies, fails outside its task loop or stops
// making progress (the watchdog) fails the job whole, and the pool replaces its workers
// before the next block. A failure inside the task loop is not one of these: that
// worker replies 'block-failed' and stops the others through the control block.

import { C_ACTIVE, C_DECREASE_CNT, C_DONE, C_ERROR, C_EXEC_IDX, C_EXECUTIONS, C_VAL_IDX, C_WAKE, C_WORKER_SLOTS } from './layout.js';
import type { OutcomeStream, WorkerPool } from './pool.js';
import type { BlockJob, BlockReply, OutcomeBatch } from './protocol.js';
import type { EncodedOutcomes } from './outcome-codec.js';
import { stopBlock } from './scheduler.js';
import { TxList } from './tx-codec.js';
import { receiptsProgress } from './receipts.js';

/** A started worker, as the pool drives it. */
export interface WorkerHandle {
  post(job: BlockJob): void;
  /** Stops the worker; resolves once it runs no more code (until then it may still write shared memory). */
  terminate(): Promise<void>;
  /** Whether the worker keeps its host process alive: only while it has a block (Node). */
  hold?(busy: boolean): void;
  /** The streamed outcome batches it has posted since the last call, taken without the event loop (Node). */
  takeBatches?(): OutcomeBatch[];
}

/** What a started worker reports to the pool. */
export interface WorkerEvents {
  reply(m: BlockReply): void;
  /** The worker died, or failed outside a block job's own error handling. */
  failed(e: Error): void;
}

/** Starts worker `index` and resolves once it is ready for blocks; it reports through `events` from then on. */
export type SpawnWorker = (index: number, events: WorkerEvents) => Promise<WorkerHandle>;

/**
 * A block job fails when its control block shows no progress (no task handed out,
 * started or finished) for `stallMs`, or, while transactions are being executed, for
 * `stallMs` plus the longest of their gas limits at `minGasPerMs`: a transaction is
 * allowed to run that slowly before it counts as stuck.
 */
export interface WatchdogOptions {
  /** Default 5,000 ms. */
  stallMs?: number;
  /** Default 1,000 gas per ms (1 Mgas/s, far below the interpreter's pace). */
  minGasPerMs?: number;
}

export interface PoolOptions {
  /** The starvation watchdog's limits; false: none (a stuck worker then hangs the block). */
  watchdog?: WatchdogOptions | false;
}

const DEFAULT_STALL_MS = 5_000;
const DEFAULT_MIN_GAS_PER_MS = 1_000;
/** Samples that must see no change before the watchdog fires: one late sample (a busy event loop) is not a stall. */
const QUIET_SAMPLES = 3;
/** Control words that change whenever a worker takes, starts or ends a task. */
const PROGRESS_WORDS = [C_EXEC_IDX, C_VAL_IDX, C_DECREASE_CNT, C_ACTIVE, C_DONE, C_WAKE, C_ERROR, C_EXECUTIONS];

interface RunningJob {
  job: BlockJob;
  ctrl: Int32Array;
  replies: BlockReply[];
  pending: number;
  resolve(replies: BlockReply[]): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setInterval> | undefined;
  /** The progress words and worker slots last sampled, when they last changed, and samples since. */
  seen: number[];
  since: number;
  quiet: number;
}

export class SupervisedPool implements WorkerPool {
  private readonly workers: (WorkerHandle | null)[];
  private readonly starting: (Promise<void> | null)[];
  private running: RunningJob | null = null;
  private busy = false;
  private closed = false;
  private readonly stallMs: number;
  private readonly minGasPerMs: number;

  protected constructor(private readonly spawn: SpawnWorker, size: number, opts: PoolOptions) {
    this.workers = new Array(size).fill(null);
    this.starting = new Array(size).fill(null);
    const w = opts.watchdog;
    this.stallMs = w === false ? Infinity : w?.stallMs ?? DEFAULT_STALL_MS;
    this.minGasPerMs = w === false ? 1 : w?.minGasPerMs ?? DEFAULT_MIN_GAS_PER_MS;
  }

  get size(): number {
    return this.workers.length;
  }

  /** Starts every worker (pool creation); if one cannot start, stops the others and throws. */
  protected async start(): Promise<void> {
    try {
      await Promise.all(this.workers.map((_, i) => this.startWorker(i)));
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  /** Starts worker `i` unless it runs or is starting. */
  private startWorker(i: number): Promise<void> {
    if (this.workers[i] !== null) return Promise.resolve();
    return (this.starting[i] ??= this.spawnInto(i).finally(() => {
      this.starting[i] = null;
    }));
  }

  private async spawnInto(i: number): Promise<void> {
    let handle: WorkerHandle | null = null;
    // Events of a worker already replaced (or stopped) are ignored.
    const current = () => handle !== null && this.workers[i] === handle;
    handle = await this.spawn(i, {
      reply: (m) => {
        if (current()) this.onReply(i, m);
      },
      failed: (e) => {
        if (current()) this.onFailed(i, e);
      },
    });
    if (this.closed) {
      await handle.terminate();
      return;
    }
    this.workers[i] = handle;
  }

  /** Replaces missing workers in the background, so that the next block need not wait for them. */
  private replaceMissing(): void {
    if (this.closed) return;
    // A start that fails here is tried again (and reported) by the next broadcast.
    for (let i = 0; i < this.workers.length; i++) this.startWorker(i).catch(() => {});
  }

  async broadcast(job: BlockJob): Promise<BlockReply[]> {
    return (await this.launch(job)).replies;
  }

  /**
   * Streams `job`'s outcomes (job.streamOutcomes): resolves once every worker has the
   * job. For pools whose workers can hand over batches without the event loop
   * (takeBatches): the caller may then block its thread while the block runs.
   */
  protected async streamJob(job: BlockJob): Promise<OutcomeStream> {
    const { replies, running } = await this.launch(job);
    const workers = this.workers as WorkerHandle[];
    const interval = this.sampleMs();
    let sampled = performance.now();
    return {
      replies,
      take: () => {
        if (this.running !== running) return null;
        const out: EncodedOutcomes[] = [];
        for (const w of workers) for (const b of w.takeBatches!()) if (b.id === job.id) out.push(b.outcomes);
        // The event loop (and the watchdog's timer) waits while the caller blocks: sample here.
        const now = performance.now();
        if (now - sampled >= interval) {
          sampled = now;
          this.watch(running);
        }
        return this.running === running ? out : null;
      },
    };
  }

  /** Posts `job` to every worker (starting missing ones first); `replies` settles when they have all answered. */
  private async launch(job: BlockJob): Promise<{ replies: Promise<BlockReply[]>; running: RunningJob }> {
    if (this.closed) throw new Error('worker pool closed');
    if (this.busy) throw new Error('worker pool busy: one block at a time');
    this.busy = true;
    if (this.workers.includes(null)) {
      try {
        await Promise.all(this.workers.map((_, i) => this.startWorker(i)));
      } catch (e) {
        this.busy = false;
        throw new Error(`cannot restart a Block-STM worker: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (this.closed || this.workers.includes(null)) {
      this.busy = false;
      throw new Error(this.closed ? 'worker pool closed' : 'a Block-STM worker failed as the block started');
    }
    const workers = this.workers as WorkerHandle[];
    let running!: RunningJob;
    const replies = new Promise<BlockReply[]>((resolve, reject) => {
      const ctrl = new Int32Array(job.ctrl);
      running = {
        job, ctrl, replies: new Array(workers.length), pending: workers.length, resolve, reject, timer: undefined,
        seen: this.progress(ctrl, job), since: performance.now(), quiet: 0,
      };
    });
    const r = running;
    this.running = r;
    for (const w of workers) {
      w.hold?.(true);
      w.post(job);
    }
    if (this.stallMs !== Infinity) {
      r.timer = setInterval(() => this.watch(r), this.sampleMs());
      // The workers keep the process alive while they have the block; the timer need not.
      (r.timer as { unref?: () => void }).unref?.();
    }
    return { replies, running: r };
  }

  private sampleMs(): number {
    return this.stallMs === Infinity ? Infinity : Math.max(5, Math.min(250, this.stallMs / 4));
  }

  private onReply(i: number, m: BlockReply): void {
    const r = this.running;
    if (r === null || m?.id !== r.job.id || r.replies[i] !== undefined) return;
    r.replies[i] = m;
    if (--r.pending > 0) return;
    this.end(r);
    for (const w of this.workers) w?.hold?.(false);
    r.resolve(r.replies);
  }

  private onFailed(i: number, e: Error): void {
    if (this.running !== null) {
      void this.abort(this.running, e);
      return;
    }
    // Between blocks: replace this worker.
    const w = this.workers[i];
    this.workers[i] = null;
    w?.terminate().catch(() => {}).then(() => this.replaceMissing());
  }

  private end(r: RunningJob): void {
    if (r.timer !== undefined) clearInterval(r.timer);
    this.running = null;
    this.busy = false;
  }

  /**
   * Fails the running job whole. Every worker of it is stopped, not only the failed
   * one: the others may wait forever for its transaction, or for a lock it held. The
   * job rejects once they have stopped, so nothing writes its shared buffers after
   * that (they are not reused either way); new workers start in the background.
   */
  private async abort(r: RunningJob, e: Error): Promise<void> {
    if (this.running !== r) return;
    this.end(r);
    this.busy = true; // until the old workers are gone
    // Tell the workers to leave the task loop; whichever does not is terminated anyway.
    stopBlock(r.ctrl);
    const old = this.workers.splice(0, this.workers.length, ...this.workers.map(() => null));
    await Promise.all(old.map((w) => w?.terminate().catch(() => {})));
    this.busy = false;
    this.replaceMissing();
    r.reject(new Error(`${e.message}; its workers were stopped and are being replaced`));
  }

  private progress(ctrl: Int32Array, job: BlockJob): number[] {
    const words = PROGRESS_WORDS.map((i) => Atomics.load(ctrl, i));
    for (let w = 0; w < job.workers; w++) words.push(Atomics.load(ctrl, C_WORKER_SLOTS + w));
    if (job.receipts !== undefined) words.push(receiptsProgress(job.receipts));
    return words;
  }

  /** The watchdog's sample: fails the job when its control block has not changed for longer than allowed. */
  private watch(r: RunningJob): void {
    if (this.running !== r) return;
    const now = performance.now();
    const words = this.progress(r.ctrl, r.job);
    if (words.some((v, k) => v !== r.seen[k])) {
      r.seen = words;
      r.since = now;
      r.quiet = 0;
      return;
    }
    r.quiet++;
    let allowed = this.stallMs;
    const executing: string[] = [];
    const txs = new TxList(r.job.txs);
    for (let w = 0; w < r.job.workers; w++) {
      const tx = r.seen[PROGRESS_WORDS.length + w];
      if (tx < 0 || tx >= txs.length) continue;
      executing.push(`worker ${w} in transaction ${tx}`);
      allowed = Math.max(allowed, this.stallMs + Number(txs.get(tx).gasLimit) / this.minGasPerMs);
    }
    const idle = now - r.since;
    if (idle <= allowed || r.quiet < QUIET_SAMPLES) return;
    const where = executing.length > 0 ? ` (${executing.join(', ')})` : '';
    void this.abort(r, new Error(`watchdog: Block-STM workers made no progress for ${Math.round(idle)} ms${where}`));
  }

  /** Stops the workers; a block still running fails. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.running !== null) await this.abort(this.running, new Error('worker pool closed'));
    await Promise.all(this.starting.map((p) => p?.catch(() => {})));
    const ws = this.workers.splice(0, this.workers.length, ...this.workers.map(() => null));
    await Promise.all(ws.map((w) => w?.terminate().catch(() => {})));
  }
}
