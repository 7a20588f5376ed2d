// `lanes statetest --trace`: state tests run one case after another in this thread
// (a trace is one ordered stream), each case's EIP-3155 steps and summary line
// written through `write` (stderr for the CLI). Results as runStateTests gives them.

import type { Evm } from '../evm/evm.js';
import type { Tx } from '../evm/types.js';
import { forkByName } from '../fork/table.js';
import { logsHash } from '../state/logs.js';
import { forkFilter, readStateTestFile, type StateTestCase } from '../statetest/parse.js';
import type { CaseResult } from '../statetest/run.js';
import { compareResults, type RunSummary } from '../statetest/runner.js';
import { bytesToHex, equalBytes, InputError } from '../util/hex.js';
import { formatSummary, jsonlTracer } from './step.js';

export interface TraceRunOptions {
  fork?: string;
  run?: string;
  write: (text: string) => void;
}

export async function traceStateTests(files: string[], opts: TraceRunOptions): Promise<RunSummary> {
  let run: RegExp | undefined;
  try {
    run = opts.run === undefined ? undefined : new RegExp(opts.run);
  } catch (e) {
    throw new InputError(`--run: invalid regular expression: ${(e as Error).message}`);
  }
  const parseOpts = { fork: opts.fork === undefined ? undefined : forkFilter(opts.fork), run };
  const start = performance.now();
  const { Evm } = await import('../evm/evm.js');
  let evm = await Evm.create();
  const results: CaseResult[] = [];
  const fileMs = new Map<string, number>();
  for (const file of files) {
    const t0 = performance.now();
    for (const c of readStateTestFile(file, parseOpts)) {
      const r = traceCase(evm, c, opts.write);
      results.push(r);
      if (r.threw) evm = await Evm.create();
    }
    fileMs.set(file, performance.now() - t0);
  }
  results.sort(compareResults);
  const failed = results.filter((r) => !r.pass).length;
  return { results, passed: results.length - failed, failed, files: files.length, workers: 1, elapsedMs: performance.now() - start, fileMs };
}

/** One case, traced: the same checks as statetest/run.ts, plus the trace lines. */
export function traceCase(evm: Evm, c: StateTestCase, write: (text: string) => void): CaseResult {
  const base = { file: c.file, name: c.name, fork: c.fork, indexes: c.indexes, expectedRoot: bytesToHex(c.expectedRoot) };
  const tracer = jsonlTracer(write);
  if (c.unencodable !== undefined) {
    const actual = c.pre.stateRoot();
    const pass = c.expectException !== undefined && equalBytes(actual, c.expectedRoot);
    write(formatSummary({ stateRoot: actual, output: new Uint8Array(0), gasUsed: 0n, pass, fork: c.fork, error: c.unencodable }) + '\n');
    return { ...base, pass, actualRoot: bytesToHex(actual), error: c.unencodable, reason: pass ? null : 'unencodable transaction' };
  }
  try {
    const state = c.pre.copy();
    const t0 = performance.now();
    const res = evm.runTx(state, c.block, c.tx as Tx, forkByName(c.fork), { trace: tracer });
    const time = Math.round((performance.now() - t0) * 1e6);
    tracer.flush();
    const actual = state.stateRoot();
    const reasons: string[] = [];
    if (c.expectException !== undefined) {
      if (res.invalid === undefined) reasons.push(`expected exception ${c.expectException} but tx was valid`);
    } else if (res.invalid !== undefined) reasons.push(`tx rejected as invalid: ${res.invalid}`);
    if (!equalBytes(actual, c.expectedRoot)) reasons.push('state root mismatch');
    const logs = logsHash(res.logs);
    if (!equalBytes(logs, c.expectedLogs)) reasons.push(`logs hash mismatch (expected ${bytesToHex(c.expectedLogs)}, got ${bytesToHex(logs)})`);
    const error = res.invalid ?? res.error ?? (res.status === 'revert' ? 'execution reverted' : undefined);
    write(formatSummary({ stateRoot: actual, output: res.output, gasUsed: res.gasUsed, pass: reasons.length === 0, fork: c.fork, time, error }) + '\n');
    return { ...base, pass: reasons.length === 0, actualRoot: bytesToHex(actual), error: error ?? null, reason: reasons.length === 0 ? null : reasons.join('; ') };
  } catch (e) {
    tracer.flush();
    const message = e instanceof Error ? e.message : String(e);
    write(formatSummary({ stateRoot: new Uint8Array(0), output: new Uint8Array(0), gasUsed: 0n, pass: false, fork: c.fork, error: message }) + '\n');
    return { ...base, pass: false, actualRoot: '', error: message, reason: `threw: ${message}`, threw: true };
  }
}
