// The parallel executor's results against the sequential executor's, bit for bit:
// state root, gas, receipts (status, cumulative gas, logs), logs bloom, requests,
// per-transaction status, gas and output; or the same InvalidBlockError. Shared by
// test/parallel.test.ts and test/parallel-property.test.ts, with their pools (suitePools).

import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidBlockError } from '../../src/block/errors.js';
import { encodeReceipt } from '../../src/block/receipt.js';
import type { BlockResult } from '../../src/block/execute.js';
import type { ParallelBlockResult } from '../../src/parallel/executor.js';
import { NodeWorkerPool } from '../../src/parallel/pool.js';
import type { WorldState } from '../../src/state/world.js';
import { bytesToHex as hex } from '../../src/util/hex.js';

export type Outcome = { result: BlockResult; root: string } | { error: InvalidBlockError };
export type ParallelOutcome = Outcome & { report?: ParallelBlockResult['parallel'] };

/**
 * A pool per worker count for a suite, opened before its tests and closed after: both
 * commits whatever the machine, streamed beside the workers with an even number of
 * them, after them with an odd one.
 */
export function suitePools(suite: Test, workerCounts: number[]): Map<number, NodeWorkerPool> {
  const pools = new Map<number, NodeWorkerPool>();
  suite.before(async () => {
    for (const n of workerCounts) pools.set(n, await NodeWorkerPool.create(n, { streamCommit: n % 2 === 0 }));
  });
  suite.after(async () => {
    for (const p of pools.values()) await p.close();
  });
  return pools;
}

/** Runs `run` on a copy of `pre`: its result and the state root after it, or the InvalidBlockError it threw. */
export function sequentialOutcome(pre: WorldState, run: (state: WorldState) => BlockResult): Outcome {
  const state = pre.copy();
  try {
    const result = run(state);
    return { result, root: hex(state.stateRoot()) };
  } catch (e) {
    if (e instanceof InvalidBlockError) return { error: e };
    throw e;
  }
}

/** sequentialOutcome for the parallel executor, with its report. */
export async function parallelOutcome(pre: WorldState, run: (state: WorldState) => Promise<ParallelBlockResult>): Promise<ParallelOutcome> {
  const state = pre.copy();
  try {
    const result = await run(state);
    return { result, root: hex(state.stateRoot()), report: result.parallel };
  } catch (e) {
    if (e instanceof InvalidBlockError) return { error: e };
    throw e;
  }
}

/** Asserts that the parallel outcome is the sequential one; `what` names the block in the failure message. */
export function assertSameOutcome(seq: Outcome, par: Outcome, what: string): void {
  if ('error' in seq) {
    assert.ok('error' in par, `${what}: sequential rejects the block (${seq.error.message}), parallel accepts it`);
    if (!('error' in par)) return;
    assert.is(par.error.code, seq.error.code, `${what}: error code`);
    assert.is(par.error.txIndex, seq.error.txIndex, `${what}: invalid transaction`);
    assert.is(par.error.message, seq.error.message, `${what}: error message`);
    return;
  }
  assert.ok(!('error' in par), `${what}: parallel rejects the block: ${'error' in par ? par.error.message : ''}`);
  if ('error' in par) return;
  const a = seq.result;
  const b = par.result;
  assert.is(par.root, seq.root, `${what}: state root`);
  assert.is(b.gasUsed, a.gasUsed, `${what}: gas used`);
  assert.is(b.blobGasUsed, a.blobGasUsed, `${what}: blob gas used`);
  assert.is(hex(b.receiptsRoot), hex(a.receiptsRoot), `${what}: receipts root`);
  assert.is(hex(b.logsBloom), hex(a.logsBloom), `${what}: logs bloom`);
  assert.is(hex(b.requestsHash ?? new Uint8Array(0)), hex(a.requestsHash ?? new Uint8Array(0)), `${what}: requests hash`);
  assert.is(b.receipts.length, a.receipts.length, `${what}: receipts`);
  a.receipts.forEach((r, i) => assert.is(hex(encodeReceipt(b.receipts[i])), hex(encodeReceipt(r)), `${what}: receipt ${i}`));
  a.results.forEach((r, i) => {
    const p = b.results[i];
    assert.is(p.status, r.status, `${what}: tx ${i} status`);
    assert.is(p.gasUsed, r.gasUsed, `${what}: tx ${i} gas`);
    assert.is(hex(p.output), hex(r.output), `${what}: tx ${i} output`);
    assert.is(hex(p.createdAddress ?? new Uint8Array(0)), hex(r.createdAddress ?? new Uint8Array(0)), `${what}: tx ${i} created address`);
  });
}
