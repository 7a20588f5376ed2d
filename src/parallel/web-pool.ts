// The WorkerPool of pool.ts on Web Workers, for a browser page. Same jobs and
// replies as the Node pool (protocol.ts): SharedArrayBuffers are shared, the rest is
// structured-cloned. Blocking waits (Atomics.wait) happen only inside the workers; the
// page's thread only posts messages and awaits replies.
//
// This module is also the worker's entry: run as a Web Worker it waits for
// { type: 'init', module, index }, builds its own Evm from the WebAssembly.Module
// compiled once by the page, answers { type: 'ready' }, then runs each BlockJob.
//
// A worker cannot use the page's import map, so an unbundled page passes `workerUrl`
// pointing at a self-contained build of this module (dist/browser/lanes-worker.js,
// `npm run build:browser`). With a bundler (Vite, webpack, esbuild) the default URL
// below is the pattern they recognise and bundle on their own.

import { Evm } from '../evm/evm.js';
import { loadModule } from '../wasm/module.js';
import { MAX_WORKERS } from './layout.js';
import type { WorkerPool } from './pool.js';
import { emptyStats, type BlockJob, type BlockReply } from './protocol.js';
import { runBlockJob } from './stm-worker.js';

/** Messages from the page to a worker, besides BlockJob. */
export interface WebWorkerInit {
  type: 'init';
  module: WebAssembly.Module;
  index: number;
}

export interface WebWorkerPoolOptions {
  /** The compiled Lanes WASM (default: loadModule()). */
  module?: WebAssembly.Module;
  /** The worker script (default: this module, for bundlers). */
  workerUrl?: string | URL;
  /** Milliseconds to wait for the workers to start (default 30 s). */
  startTimeoutMs?: number;
}

/** Why this page cannot run a Web Worker pool, or null when it can. */
export function webPoolUnavailable(): string | null {
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
  if (typeof SharedArrayBuffer !== 'function' || g.crossOriginIsolated === false) {
    return 'the page is not cross-origin isolated (no SharedArrayBuffer)';
  }
  if (typeof g.Worker !== 'function') return 'this host has no Web Workers';
  return null;
}

export class WebWorkerPool implements WorkerPool {
  private broken: Error | null = null;
  private busy = false;
  private readonly failListeners = new Set<(e: Error) => void>();

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.addEventListener('error', (e) => this.fail(new Error(`Block-STM web worker failed: ${e.message || 'error'}`)));
      w.addEventListener('messageerror', () => this.fail(new Error('Block-STM web worker: a message could not be read')));
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Starts `size` Web Workers (default: the cores the browser reports), each with its own Evm. */
  static async create(size?: number, opts: WebWorkerPoolOptions = {}): Promise<WebWorkerPool> {
    const why = webPoolUnavailable();
    if (why) throw new Error(`cannot start Web Workers for Lanes: ${why}`);
    const n = size ?? Math.min(MAX_WORKERS, Math.max(1, navigator.hardwareConcurrency || 1));
    if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS) throw new RangeError(`worker pool size must be 1..${MAX_WORKERS}, got ${n}`);
    const module = opts.module ?? (await loadModule());
    const workers: Worker[] = [];
    const timeout = opts.startTimeoutMs ?? 30_000;
    try {
      await Promise.all(Array.from({ length: n }, (_, index) => {
        const w = opts.workerUrl !== undefined
          ? new Worker(opts.workerUrl, { type: 'module', name: `lanes-stm-${index}` })
          : new Worker(new URL('./web-pool.js', import.meta.url), { type: 'module', name: `lanes-stm-${index}` });
        workers.push(w);
        return new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`Block-STM web worker ${index} did not start within ${timeout} ms`)), timeout);
          const done = (err: Error | null) => {
            clearTimeout(timer);
            w.onmessage = null;
            w.onerror = null;
            if (err) reject(err);
            else resolve();
          };
          w.onmessage = (e: MessageEvent) => {
            const m = e.data as { type?: string; message?: string };
            if (m?.type === 'ready') done(null);
            else if (m?.type === 'init-failed') done(new Error(`Block-STM web worker ${index} could not start: ${m.message}`));
          };
          w.onerror = (e: ErrorEvent) => {
            e.preventDefault();
            done(new Error(`Block-STM web worker ${index} could not load (${e.message || 'script error'}); is the worker script self-contained?`));
          };
          w.postMessage({ type: 'init', module, index } satisfies WebWorkerInit);
        });
      }));
    } catch (e) {
      for (const w of workers) w.terminate();
      throw e;
    }
    return new WebWorkerPool(workers);
  }

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
      const listeners = this.workers.map((_, i) => (e: MessageEvent) => {
        const m = e.data as BlockReply;
        if (m?.id !== job.id) return;
        replies[i] = m;
        if (--pending === 0) finish(null);
      });
      const onFail = (err: Error) => finish(err);
      const finish = (err: Error | null) => {
        this.failListeners.delete(onFail);
        this.workers.forEach((w, i) => w.removeEventListener('message', listeners[i]));
        this.busy = false;
        if (err) reject(err);
        else resolve(replies);
      };
      this.failListeners.add(onFail);
      this.workers.forEach((w, i) => {
        w.addEventListener('message', listeners[i]);
        w.postMessage(job);
      });
    });
  }

  async close(): Promise<void> {
    this.broken ??= new Error('worker pool closed');
    for (const w of this.workers.splice(0)) w.terminate();
  }
}

// ---- the worker side ----

interface WorkerScope {
  postMessage(m: unknown): void;
  addEventListener(type: 'message', f: (e: MessageEvent) => void): void;
}

function isDedicatedWorker(): boolean {
  const g = globalThis as { WorkerGlobalScope?: unknown; importScripts?: unknown; document?: unknown };
  return typeof g.WorkerGlobalScope === 'function' && typeof g.importScripts === 'function' && g.document === undefined;
}

if (isDedicatedWorker()) {
  const scope = globalThis as unknown as WorkerScope;
  let evm: Evm | null = null;
  let index = -1;
  scope.addEventListener('message', (e: MessageEvent) => {
    const m = e.data as WebWorkerInit | BlockJob;
    if (m.type === 'init') {
      index = m.index;
      Evm.fromModule(m.module).then(
        (x) => {
          evm = x;
          scope.postMessage({ type: 'ready' });
        },
        (err: unknown) => scope.postMessage({ type: 'init-failed', message: err instanceof Error ? err.message : String(err) }),
      );
    } else if (m.type === 'block') {
      if (!evm) {
        scope.postMessage({ type: 'block-failed', id: m.id, message: 'worker not initialised', stats: emptyStats() } satisfies BlockReply);
        return;
      }
      scope.postMessage(runBlockJob(evm, m, index));
    }
  });
}
