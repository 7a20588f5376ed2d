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
import { emptyStats, type BlockJob, type BlockReply } from './protocol.js';
import { runBlockJob } from './stm-worker.js';
import { SupervisedPool, type PoolOptions, type SpawnWorker, type WorkerHandle } from './supervised-pool.js';

/** Messages from the page to a worker, besides BlockJob. */
export interface WebWorkerInit {
  type: 'init';
  module: WebAssembly.Module;
  index: number;
}

export interface WebWorkerPoolOptions extends PoolOptions {
  /** The compiled Lanes WASM (default: loadModule()). */
  module?: WebAssembly.Module;
  /** The worker script (default: this module, for bundlers). */
  workerUrl?: string | URL;
  /** Milliseconds to wait for a worker to start (default 30 s). */
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

/**
 * A browser worker cannot exit on its own, only fail (an uncaught error) or stop
 * answering (a loop, self.close()): the pool's watchdog finds the latter.
 */
export class WebWorkerPool extends SupervisedPool {
  /** Starts `size` Web Workers (default: the cores the browser reports), each with its own Evm. */
  static async create(size?: number, opts: WebWorkerPoolOptions = {}): Promise<WebWorkerPool> {
    const why = webPoolUnavailable();
    if (why) throw new Error(`cannot start Web Workers for Lanes: ${why}`);
    const n = size ?? Math.min(MAX_WORKERS, Math.max(1, navigator.hardwareConcurrency || 1));
    if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS) throw new RangeError(`worker pool size must be 1..${MAX_WORKERS}, got ${n}`);
    const module = opts.module ?? (await loadModule());
    const pool = new WebWorkerPool(spawnWebWorker(module, opts), n, opts);
    await pool.start();
    return pool;
  }
}

function spawnWebWorker(module: WebAssembly.Module, opts: WebWorkerPoolOptions): SpawnWorker {
  const timeout = opts.startTimeoutMs ?? 30_000;
  return (index, events) => new Promise<WorkerHandle>((resolve, reject) => {
    const w = opts.workerUrl !== undefined
      ? new Worker(opts.workerUrl, { type: 'module', name: `lanes-stm-${index}` })
      : new Worker(new URL('./web-pool.js', import.meta.url), { type: 'module', name: `lanes-stm-${index}` });
    const handle: WorkerHandle = {
      post: (job) => w.postMessage(job),
      terminate: async () => w.terminate(),
    };
    let ready = false;
    const startFailed = (err: Error) => {
      clearTimeout(timer);
      w.terminate();
      reject(err);
    };
    const timer = setTimeout(() => startFailed(new Error(`Block-STM web worker ${index} did not start within ${timeout} ms`)), timeout);
    w.addEventListener('message', (e: MessageEvent) => {
      const m = e.data as BlockReply | { type: 'ready' } | { type: 'init-failed'; message: string };
      if (ready) events.reply(m as BlockReply);
      else if (m?.type === 'ready') {
        ready = true;
        clearTimeout(timer);
        resolve(handle);
      } else if (m?.type === 'init-failed') startFailed(new Error(`Block-STM web worker ${index} could not start: ${m.message}`));
    });
    w.addEventListener('error', (e: ErrorEvent) => {
      if (ready) {
        events.failed(new Error(`Block-STM web worker ${index} failed: ${e.message || 'error'}`));
        return;
      }
      e.preventDefault();
      startFailed(new Error(`Block-STM web worker ${index} could not load (${e.message || 'script error'}); is the worker script self-contained?`));
    });
    w.addEventListener('messageerror', () => {
      const err = new Error(`Block-STM web worker ${index}: a message could not be read`);
      if (ready) events.failed(err);
      else startFailed(err);
    });
    w.postMessage({ type: 'init', module, index } satisfies WebWorkerInit);
  });
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
