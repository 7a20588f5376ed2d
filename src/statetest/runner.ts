// Runs state-test files in parallel on worker threads (worker.ts, through
// util/file-pool.ts). Files, not cases, are the unit of work: a worker parses a file
// once and shares its pre-state among the file's cases. A worker that dies takes only
// its current file with it: that file is reported as failed.

import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { forkByName } from '../fork/table.js';
import { runFilesOnWorkers, type Progress } from '../util/file-pool.js';
import { InputError } from '../util/hex.js';
import { forkFilter } from './parse.js';
import type { CaseResult } from './run.js';
import type { WorkerConfig } from './worker.js';

export type { Progress };

export interface RunOptions {
  /** Only cases of this fork (ethereum/tests names accepted). */
  fork?: string;
  /** Only tests whose name matches this regular expression. */
  run?: string;
  /** Worker threads; default os.availableParallelism(). */
  workers?: number;
  /** Called after each file. */
  onProgress?: (p: Progress) => void;
}

export interface RunSummary {
  /** Sorted by file, name, fork, indexes. */
  results: CaseResult[];
  passed: number;
  failed: number;
  files: number;
  workers: number;
  elapsedMs: number;
  /** Wall time per file (ms), from dispatch to result. */
  fileMs: Map<string, number>;
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

/**
 * The state-test files under the given paths: a folder is searched recursively for
 * *.json files (other files, like upstream's `.stub`, are skipped); a file named
 * directly is taken whatever its name. Sorted, without duplicates.
 */
export function collectJsonFiles(paths: string[]): string[] {
  const out = new Set<string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => cmp(a.name, b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json') && (e.isFile() || e.isSymbolicLink())) out.add(p);
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new InputError(`${p}: no such file or directory`);
    }
    if (st.isDirectory()) walk(p);
    else out.add(p);
  }
  return [...out].sort(cmp);
}

export async function runStateTests(files: string[], opts: RunOptions = {}): Promise<RunSummary> {
  // Check the filters here, so a bad one is one clear error rather than one per worker.
  if (opts.fork !== undefined) forkFilter(opts.fork);
  if (opts.run !== undefined) {
    try {
      new RegExp(opts.run);
    } catch (e) {
      throw new InputError(`--run: invalid regular expression: ${(e as Error).message}`);
    }
  }
  const run = await runFilesOnWorkers<CaseResult>(files, {
    worker: WORKER_URL,
    workerData: { fork: opts.fork, run: opts.run } satisfies WorkerConfig,
    workers: opts.workers,
    crashed: crashResult,
    isFailure: (r) => !r.pass,
    onProgress: opts.onProgress,
  });
  const results = run.results.sort(compareResults);
  const failed = results.filter((r) => !r.pass).length;
  return { results, passed: results.length - failed, failed, files: files.length, workers: run.workers, elapsedMs: run.elapsedMs, fileMs: run.fileMs };
}

function crashResult(file: string, reason: string): CaseResult {
  return {
    file, name: '*', fork: '*', indexes: { data: -1, gas: -1, value: -1 },
    pass: false, expectedRoot: '', actualRoot: '', error: reason, reason,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function forkOrder(name: string): number {
  try {
    return forkByName(name).index;
  } catch {
    return Number.MAX_SAFE_INTEGER;
  }
}

/** Deterministic report order: file, test name, fork (chronologically), data/gas/value index. */
export function compareResults(a: CaseResult, b: CaseResult): number {
  return cmp(a.file, b.file) || cmp(a.name, b.name)
    || forkOrder(a.fork) - forkOrder(b.fork) || cmp(a.fork, b.fork)
    || a.indexes.data - b.indexes.data || a.indexes.gas - b.indexes.gas || a.indexes.value - b.indexes.value;
}

/** "d-g-v", or "*" for a file-level failure. */
export function formatIndexes(ix: CaseResult['indexes']): string {
  return ix.data < 0 ? '*' : `${ix.data}-${ix.gas}-${ix.value}`;
}

/**
 * The id of a case in test/known-failures.txt: `file::name::fork::d-g-v`, the file
 * relative to `baseDir` with forward slashes.
 */
export function caseId(r: CaseResult, baseDir: string): string {
  const file = relative(baseDir, r.file).split(sep).join('/');
  return `${file}::${r.name}::${r.fork}::${formatIndexes(r.indexes)}`;
}

/**
 * A progress line on `stream`: on a terminal, rewritten in place every 2 s once the
 * run has lasted 2 s; otherwise (CI logs) a new line every 10 s once it has lasted 5 s.
 */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr, label = 'statetest') {
  const tty = stream.isTTY === true;
  const start = performance.now();
  let last: Progress | undefined;
  let lastPrinted = 0;
  let onScreen = false;
  // Near the end, name the files still running: a slow or stuck file is then easy to spot.
  const line = (p: Progress) =>
    `[${label}] ${p.filesDone}/${p.filesTotal} files, ${p.cases} cases, ${p.failed} failed, ${Math.round(p.elapsedMs / 1000)}s` +
    (p.filesTotal - p.filesDone <= p.running.length && p.running.length > 0 ? `; running ${p.running.join(', ')}` : '');
  const timer = setInterval(() => {
    if (last === undefined) return;
    const now = performance.now();
    const p = { ...last, elapsedMs: now - start };
    if (tty) {
      if (now - start < 2000) return;
      stream.write(`\r\x1b[K${line(p)}`);
      onScreen = true;
    } else if (now - start >= 5000 && now - lastPrinted >= 10_000) {
      stream.write(`${line(p)}\n`);
      lastPrinted = now;
    }
  }, 2000);
  timer.unref();
  return {
    update(p: Progress): void {
      last = p;
    },
    stop(): void {
      clearInterval(timer);
      if (onScreen) stream.write('\r\x1b[K');
    },
  };
}
