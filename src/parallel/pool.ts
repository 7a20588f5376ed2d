// A persistent pool of Block-STM workers. `WorkerPool` is what the block executor
// needs; NodeWorkerPool implements it on node:worker_threads, WebWorkerPool
// (web-pool.ts) on Web Workers, both with the same messages (protocol.ts) and the same
// supervision (supervised-pool.ts: failures, watchdog, replacement). Start-up
// (threads, one Evm each from a module compiled once) is paid when the pool is created.

import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { loadModule } from '../wasm/module.js';
import { MAX_WORKERS } from './layout.js';
import type { EncodedOutcomes } from './outcome-codec.js';
import type { BlockJob, BlockReply, OutcomeBatch } from './protocol.js';
import { SupervisedPool, type PoolOptions, type SpawnWorker, type WorkerHandle } from './supervised-pool.js';
import type { PoolWorkerData } from './worker.js';

export interface WorkerPool {
  /** Workers. */
  readonly size: number;
  /**
   * Sends `job` to every worker; resolves with their replies (worker order). Rejects if
   * a worker dies, fails outside its task loop or stops making progress; the pool then
   * replaces its workers for the next block.
   */
  broadcast(job: BlockJob): Promise<BlockReply[]>;
  /** Stops the workers. */
  close(): Promise<void>;
  /**
   * Where the caller may block its thread (Node): starts `job` with streamed outcomes
   * (job.streamOutcomes) and resolves once every worker has it. Absent where
   * outcomes can only come through the event loop (a browser page).
   */
  stream?(job: BlockJob): Promise<OutcomeStream>;
}

/** A running block whose outcomes stream to a caller that blocks its thread meanwhile. */
export interface OutcomeStream {
  /** Settles as broadcast's promise does. */
  replies: Promise<BlockReply[]>;
  /**
   * The outcome batches posted since the last call, taken synchronously; also samples
   * the watchdog. Null once the pool has failed the block (the event loop then has why).
   */
  take(): EncodedOutcomes[] | null;
}

export interface NodeWorkerPoolOptions extends PoolOptions {
  /** The compiled Lanes WASM (default: loadModule()). */
  module?: WebAssembly.Module;
  /** The worker script (default: worker.js beside this module); it gets PoolWorkerData. */
  workerUrl?: URL;
  /**
   * Commit while the workers execute (`stream`); the committing thread then executes
   * too, as one more lane (unless ParallelOptions.callerLane is false). Default: only
   * when the workers leave a core to the main thread. With as many workers as cores a
   * third thread competes for them: streaming 2 workers on 2 cores measured slower
   * than committing after them (see forLanes for the better use of 2 cores).
   */
  streamCommit?: boolean;
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

export class NodeWorkerPool extends SupervisedPool {
  /** Starts `size` workers (default: available cores, at most MAX_WORKERS), each with its own Evm. */
  static async create(size = availableParallelism(), opts: NodeWorkerPoolOptions = {}): Promise<NodeWorkerPool> {
    if (!Number.isInteger(size) || size < 1 || size > MAX_WORKERS) throw new RangeError(`worker pool size must be 1..${MAX_WORKERS}, got ${size}`);
    const module = opts.module ?? (await loadModule());
    const pool = new NodeWorkerPool(spawnThread(opts.workerUrl ?? WORKER_URL, module), size, opts);
    if (opts.streamCommit ?? size < availableParallelism()) pool.stream = (job) => pool.streamJob(job);
    await pool.start();
    return pool;
  }

  /**
   * A pool for `lanes` lanes of execution: the calling thread, which commits and
   * executes transactions whenever the commit waits (ParallelOptions.callerLane), and
   * `lanes - 1` worker threads; with as many lanes as cores, one thread per core. One
   * lane is one worker thread (the executor then runs blocks sequentially).
   */
  static forLanes(lanes: number, opts: NodeWorkerPoolOptions = {}): Promise<NodeWorkerPool> {
    if (!Number.isInteger(lanes) || lanes < 1 || lanes > MAX_WORKERS) throw new RangeError(`lanes must be 1..${MAX_WORKERS}, got ${lanes}`);
    return lanes === 1 ? NodeWorkerPool.create(1, { ...opts, streamCommit: false }) : NodeWorkerPool.create(lanes - 1, { ...opts, streamCommit: true });
  }

  stream?: (job: BlockJob) => Promise<OutcomeStream>;
}

function spawnThread(url: URL, module: WebAssembly.Module): SpawnWorker {
  return (index, events) => new Promise<WorkerHandle>((resolve, reject) => {
    const { port1: outcomes, port2 } = new MessageChannel();
    const w = new Worker(url, { workerData: { module, index, outcomes: port2 } satisfies PoolWorkerData, transferList: [port2] });
    const handle: WorkerHandle = {
      post: (job) => w.postMessage(job),
      terminate: () => w.terminate().then(() => outcomes.close()),
      hold: (busy) => (busy ? w.ref() : w.unref()), // an idle pool does not keep the process alive
      takeBatches: () => {
        const out: OutcomeBatch[] = [];
        for (let m = receiveMessageOnPort(outcomes); m !== undefined; m = receiveMessageOnPort(outcomes)) out.push(m.message as OutcomeBatch);
        return out;
      },
    };
    let ready = false;
    w.on('message', (m: BlockReply | { type: 'ready' }) => {
      if (ready) events.reply(m as BlockReply);
      else if (m.type === 'ready') {
        ready = true;
        w.unref();
        resolve(handle);
      }
    });
    w.on('error', (e) => {
      const err = new Error(`Block-STM worker ${index} failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      if (ready) events.failed(err);
      else reject(err);
    });
    w.on('exit', (code) => {
      if (ready) events.failed(new Error(`Block-STM worker ${index} exited (code ${code})`));
      else reject(new Error(`Block-STM worker ${index} exited during start-up (code ${code})`));
    });
  });
}
