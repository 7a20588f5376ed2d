// Runs test files on worker threads (the state-test and block-test runners), largest
// first, one file per message, so one big file does not finish last. A worker that
// dies takes only its current file with it (reported through `crashed`) and a fresh
// worker carries on with the rest. The worker receives {file} and answers
// {type: 'done', results} | {type: 'input-error', message} | {type: 'fatal', message}.

import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { InputError } from './hex.js';

export interface Progress {
  filesDone: number;
  filesTotal: number;
  cases: number;
  failed: number;
  elapsedMs: number;
  /** Files being run right now. */
  running: string[];
}

export type FromFileWorker<R> =
  | { type: 'done'; file: string; results: R[] }
  | { type: 'input-error'; file: string; message: string }
  | { type: 'fatal'; file: string; message: string };

export interface PoolOptions<R> {
  worker: URL;
  workerData?: unknown;
  /** Worker threads; default os.availableParallelism(). */
  workers?: number;
  /** The result standing for a file whose worker died. */
  crashed: (file: string, reason: string) => R;
  isFailure: (r: R) => boolean;
  onProgress?: (p: Progress) => void;
}

export interface PoolRun<R> {
  results: R[];
  workers: number;
  elapsedMs: number;
  /** Wall time per file (ms), from dispatch to result. */
  fileMs: Map<string, number>;
}

export function runFilesOnWorkers<R>(files: string[], opts: PoolOptions<R>): Promise<PoolRun<R>> {
  const start = performance.now();
  const queue = [...files].sort((a, b) => sizeOf(b) - sizeOf(a) || (a < b ? -1 : a > b ? 1 : 0));
  const nWorkers = Math.max(1, Math.min(opts.workers ?? availableParallelism(), files.length));
  const results: R[] = [];
  let filesDone = 0;
  let failed = 0;
  const fileMs = new Map<string, number>();
  const finish = (): PoolRun<R> => ({ results, workers: nWorkers, elapsedMs: performance.now() - start, fileMs });
  if (files.length === 0) return Promise.resolve(finish());

  return new Promise((resolve, reject) => {
    const live = new Set<Worker>();
    const running = new Set<string>();
    const dispatched = new Map<string, number>();
    let settled = false;
    const abort = (err: Error) => {
      if (settled) return;
      settled = true;
      const ws = [...live];
      live.clear();
      for (const w of ws) void w.terminate();
      reject(err);
    };
    const add = (rs: R[]) => {
      for (const r of rs) {
        results.push(r);
        if (opts.isFailure(r)) failed++;
      }
      filesDone++;
      opts.onProgress?.({ filesDone, filesTotal: files.length, cases: results.length, failed, elapsedMs: performance.now() - start, running: [...running] });
    };
    const spawn = () => {
      const w = new Worker(opts.worker, { workerData: opts.workerData });
      live.add(w);
      let current: string | undefined;
      let crash: string | undefined;
      const next = () => {
        current = queue.shift();
        if (current !== undefined) {
          running.add(current);
          dispatched.set(current, performance.now());
          w.postMessage({ file: current });
          return;
        }
        live.delete(w);
        void w.terminate();
        if (live.size === 0 && !settled) {
          settled = true;
          resolve(finish());
        }
      };
      w.on('message', (m: FromFileWorker<R>) => {
        if (settled) return;
        if (m.type === 'done') {
          running.delete(m.file);
          fileMs.set(m.file, performance.now() - (dispatched.get(m.file) ?? start));
          add(m.results);
          next();
        } else if (m.type === 'input-error') abort(new InputError(m.message));
        else abort(new Error(m.message));
      });
      w.on('error', (e) => {
        crash = e instanceof Error ? e.message : String(e);
      });
      w.on('exit', (code) => {
        if (!live.has(w) || settled) return; // finished or terminated on purpose
        live.delete(w);
        if (current !== undefined) running.delete(current);
        if (current !== undefined) add([opts.crashed(current, `worker crashed: ${crash ?? `exit code ${code}`}`)]);
        if (queue.length > 0) spawn();
        else if (live.size === 0) {
          settled = true;
          resolve(finish());
        }
      });
      next();
    };
    for (let i = 0; i < nWorkers; i++) spawn();
  });
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
