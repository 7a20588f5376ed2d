// Runs blockchain-test files in parallel on worker threads (blocktest-worker.ts).

import { InputError } from '../util/hex.js';
import type { Progress } from '../util/file-pool.js';
import type { BlockTestResult } from './blocktest.js';
import type { BlockTestWorkerConfig } from './blocktest-worker.js';
import { runFilesOnWorkers } from '../util/file-pool.js';

export interface BlockTestRunOptions {
  /** Only tests whose name matches this regular expression. */
  run?: string;
  /** Worker threads; default os.availableParallelism(). */
  workers?: number;
  onProgress?: (p: Progress) => void;
}

export interface BlockTestSummary {
  /** Sorted by file and test name. */
  results: BlockTestResult[];
  passed: number;
  failed: number;
  files: number;
  workers: number;
  elapsedMs: number;
}

const WORKER_URL = new URL('./blocktest-worker.js', import.meta.url);

export async function runBlockTests(files: string[], opts: BlockTestRunOptions = {}): Promise<BlockTestSummary> {
  if (opts.run !== undefined) {
    try {
      new RegExp(opts.run);
    } catch (e) {
      throw new InputError(`--run: invalid regular expression: ${(e as Error).message}`);
    }
  }
  const run = await runFilesOnWorkers<BlockTestResult>(files, {
    worker: WORKER_URL,
    workerData: { run: opts.run } satisfies BlockTestWorkerConfig,
    workers: opts.workers,
    isFailure: (r) => !r.pass,
    onProgress: opts.onProgress,
    crashed: (file, reason) => ({ file, name: '*', fork: '*', pass: false, blocks: 0, stateRoot: '', reason }),
  });
  const results = run.results.sort((a, b) => cmp(a.file, b.file) || cmp(a.name, b.name));
  const failed = results.filter((r) => !r.pass).length;
  return { results, passed: results.length - failed, failed, files: files.length, workers: run.workers, elapsedMs: run.elapsedMs };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
