// A persistent pool of Block-STM workers. `WorkerPool` is what the block executor
// needs; NodeWorkerPool implements it on node:worker_threads, WebWorkerPool
// (web-pool.ts) on Web Workers, both with the same messages (protocol.ts) and the same
// supervision (supervised-pool.ts: failures, watchdog, replacement). Start-up
// (threads, one Evm each from a module compiled once) is paid when the pool is created.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { loadModule } from '../wasm/module.js';
import { MAX_WORKERS } from './layout.js';
import type { BlockJob, BlockReply } from './protocol.js';
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
}

export interface NodeWorkerPoolOptions extends PoolOptions {
  /** The compiled Lanes WASM (default: loadModule()). */
  module?: WebAssembly.Module;
  /** The worker script (default: worker.js beside this module); it gets PoolWorkerData. */
  workerUrl?: URL;
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

export class NodeWorkerPool extends SupervisedPool {
  /** Starts `size` workers (default: available cores, at most MAX_WORKERS), each with its own Evm. */
  static async create(size = availableParallelism(), opts: NodeWorkerPoolOptions = {}): Promise<NodeWorkerPool> {
    if (!Number.isInteger(size) || size < 1 || size > MAX_WORKERS) throw new RangeError(`worker pool size must be 1..${MAX_WORKERS}, got ${size}`);
    const module = opts.module ?? (await loadModule());
    const pool = new NodeWorkerPool(spawnThread(opts.workerUrl ?? WORKER_URL, module), size, opts);
    await pool.start();
    return pool;
  }
}

function spawnThread(url: URL, module: WebAssembly.Module): SpawnWorker {
  return (index, events) => new Promise<WorkerHandle>((resolve, reject) => {
    const w = new Worker(url, { workerData: { module, index } satisfies PoolWorkerData });
    const handle: WorkerHandle = {
      post: (job) => w.postMessage(job),
      terminate: () => w.terminate().then(() => {}),
      hold: (busy) => (busy ? w.ref() : w.unref()), // an idle pool does not keep the process alive
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
