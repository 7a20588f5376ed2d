// Runs one state-test case: the transaction on a copy of the pre-state, then the
// post-state root and logs hash against the fixture's.

import type { Evm } from '../evm/evm.js';
import type { Tx } from '../evm/types.js';
import { forkByName } from '../fork/table.js';
import { logsHash } from '../state/logs.js';
import { bytesToHex, equalBytes } from '../util/hex.js';
import type { CaseIndexes, StateTestCase } from './parse.js';

/** The outcome of one case; plain data, so it crosses worker boundaries as is. */
export interface CaseResult {
  file: string;
  name: string;
  fork: string;
  /** -1 everywhere for a file-level failure (a worker crash). */
  indexes: CaseIndexes;
  pass: boolean;
  expectedRoot: string;
  /** Empty when no state root was computed (the run threw). */
  actualRoot: string;
  /** What the EVM reported: the invalid-transaction reason, the halt error, or a thrown error's message. */
  error: string | null;
  /** Why the case failed; null when it passed. */
  reason: string | null;
  /** The run threw (the EVM instance may be in a bad state). */
  threw?: boolean;
}

export function runCase(evm: Evm, c: StateTestCase): CaseResult {
  const base = { file: c.file, name: c.name, fork: c.fork, indexes: c.indexes, expectedRoot: bytesToHex(c.expectedRoot) };
  if (c.unencodable !== undefined) {
    // Nothing can run: the post-state must be the pre-state.
    const actual = c.pre.stateRoot();
    const reasons: string[] = [];
    if (c.expectException === undefined) reasons.push(`fixture expects a valid tx, but ${c.unencodable}`);
    if (!equalBytes(actual, c.expectedRoot)) reasons.push('state root mismatch');
    return { ...base, pass: reasons.length === 0, actualRoot: bytesToHex(actual), error: c.unencodable, reason: reasons.length === 0 ? null : reasons.join('; ') };
  }
  try {
    const fork = forkByName(c.fork);
    const state = c.pre.copy();
    const res = evm.runTx(state, c.block, c.tx as Tx, fork);
    const actual = state.stateRoot();
    const reasons: string[] = [];
    if (c.expectException !== undefined) {
      if (res.invalid === undefined) reasons.push(`expected exception ${c.expectException} but tx was valid`);
    } else if (res.invalid !== undefined) {
      reasons.push(`tx rejected as invalid: ${res.invalid}`);
    }
    if (!equalBytes(actual, c.expectedRoot)) reasons.push('state root mismatch');
    const logs = logsHash(res.logs);
    if (!equalBytes(logs, c.expectedLogs)) reasons.push(`logs hash mismatch (expected ${bytesToHex(c.expectedLogs)}, got ${bytesToHex(logs)})`);
    return {
      ...base,
      pass: reasons.length === 0,
      actualRoot: bytesToHex(actual),
      error: res.invalid ?? res.error ?? null,
      reason: reasons.length === 0 ? null : reasons.join('; '),
    };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ...base, pass: false, actualRoot: '', error: message, reason: `threw: ${message}`, threw: true };
  }
}
