// Runs an ethereum/tests state-test file given as text (a page fetches it; Node reads
// it): the same parser and case runner as `lanes statetest`.
//
// parse.ts imports node:fs at its top for readStateTestFile, which this module never
// calls; a page maps "node:fs" to web/node-fs-stub.js in its import map.

import type { Evm } from '../evm/evm.js';
import { forkFilter, parseStateTestFile } from '../statetest/parse.js';
import { runCase, type CaseResult } from '../statetest/run.js';

export interface StateTestReport {
  file: string;
  cases: CaseResult[];
  passed: number;
  failed: number;
  ms: number;
}

export function runStateTestText(evm: Evm, file: string, text: string, opts: { fork?: string } = {}): StateTestReport {
  const t0 = performance.now();
  const cases = parseStateTestFile(file, text, opts.fork ? { fork: forkFilter(opts.fork) } : {});
  const results = cases.map((c) => runCase(evm, c));
  const passed = results.filter((r) => r.pass).length;
  return { file, cases: results, passed, failed: results.length - passed, ms: performance.now() - t0 };
}
