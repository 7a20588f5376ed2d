// A persistent pool of Block-STM workers. `WorkerPool` is what the block executor
// needs; NodeWorkerPool implements it on node:worker_threads, and a Web Worker pool
// can implement it in a browser (same messages, protocol.ts). Start-up (threads, one
// Evm each from a module compiled once) is paid when the pool is created.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { loadModule } from '../wasm/module.js';
import { MAX_WORKERS } from './layout.js';
import type { BlockJob, BlockReply } from './protocol.js';
import type { PoolWorkerData } from './worker.js';

export interface WorkerPool {
  /** Worker threads. */
  readonly size: number;
  /** Sends `job` to every worker; resolves with their replies (worker order). Rejects if a worker dies. */
  broadcast(job: BlockJob): Promise<BlockReply[]>;
  /** Stops the workers. */
  close(): Promise<void>;
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

export class NodeWorkerPool implements WorkerPool {
  private broken: Error | null = null;
  private busy = false;

  private constructor(private readonly workers: Worker[]) {}

  get size(): number {
    return this.workers.length;
  }

  /** Starts `size` workers (default: available cores, at most MAX_WORKERS), each with its own Evm. */
  static async create(size = availableParallelism(), module?: WebAssembly.Module): Promise<NodeWorkerPool> {
    if (!Number.isInteger(size) || size < 1 || size > MAX_WORKERS) throw new RangeError(`worker pool size must be 1..${MAX_WORKERS}, got ${size}`);
    const m = module ?? (await loadModule());
    const workers: Worker[] = [];
    const startup: (() => void)[] = [];
    try {
      await Promise.all(Array.from({ length: size }, (_, index) => new Promise<void>((resolve, reject) => {
        const w = new Worker(WORKER_URL, { workerData: { module: m, index } satisfies PoolWorkerData });
        workers.push(w);
        const onExit = (code: number) => reject(new Error(`Block-STM worker exited during start-up (code ${code})`));
        w.once('message', () => resolve());
        w.once('error', reject);
        w.once('exit', onExit);
        // Only our own listeners go: removeAllListeners() would also stop message delivery.
        startup.push(() => {
          w.off('error', reject);
          w.off('exit', onExit);
        });
      })));
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    const pool = new NodeWorkerPool(workers);
    for (const off of startup) off();
    for (const w of workers) {
      w.on('error', (e) => pool.fail(e instanceof Error ? e : new Error(String(e))));
      w.on('exit', (code) => pool.fail(new Error(`Block-STM worker exited (code ${code})`)));
      w.unref(); // an idle pool does not keep the process alive
    }
    return pool;
  }

  private failListeners = new Set<(e: Error) => void>();

  private fail(e: Error): void {
    this.broken ??= e;
    for (const f of this.failListeners) f(e);
  }

  broadcast(job: BlockJob): Promise<BlockReply[]> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.busy) return Promise.reject(new Error('worker pool busy: one block at a time'));
    this.busy = true;
    const replies: BlockReply[] = new Array(this.workers.length);
    let pending = this.workers.length;
    return new Promise<BlockReply[]>((resolve, reject) => {
      const finish = (err: Error | null) => {
        this.failListeners.delete(onFail);
        this.workers.forEach((w, i) => {
          w.off('message', listeners[i]);
          w.unref();
        });
        this.busy = false;
        if (err) reject(err);
        else resolve(replies);
      };
      const onFail = (e: Error) => finish(e);
      this.failListeners.add(onFail);
      const listeners = this.workers.map((w, i) => (m: BlockReply) => {
        if (m.id !== job.id) return;
        replies[i] = m;
        if (--pending === 0) finish(null);
      });
      this.workers.forEach((w, i) => {
        w.ref();
        w.on('message', listeners[i]);
        w.postMessage(job);
      });
    });
  }

  async close(): Promise<void> {
    this.broken ??= new Error('worker pool closed');
    const ws = this.workers.splice(0);
    await Promise.all(ws.map((w) => w.terminate()));
  }
}
