// Faults in parallel block execution: a worker that exits mid-block, throws, fails
// outside its task loop or hangs holding a transaction. Each time the block must
// still come out exactly as the sequential executor computes it (state root, receipts,
// logs, gas: here by a sequential re-run, the pool's fallback), never partly
// committed, with the fault named in `parallel.reason`; and the same pool must run the
// next block in parallel again, correctly. Faults are injected by a test worker
// script (support/fault-worker.ts) around the real worker.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { executeBlock } from '../src/block/execute.js';
import { Evm } from '../src/evm/evm.js';
import { executeBlockParallel } from '../src/parallel/executor.js';
import { NodeWorkerPool } from '../src/parallel/pool.js';
import * as W from '../src/parallel/workloads.js';
import { assertSameOutcome, parallelOutcome, sequentialOutcome, type ParallelOutcome } from './support/parallel-compare.js';
import { P_FIRED, armFault, createFaultPlan, type Fault } from './support/faults.js';

// A faulty block's transactions have a gas limit of 250,000 (the blocks after them
// ~110,000-115,000): with these limits the watchdog allows an execution 300 + 2,500 ms
// (300 + 1,100 ms), and a block with none in execution 300 ms.
const WATCHDOG = { stallMs: 300, minGasPerMs: 100 };
const WORKERS = 2;
// The streamed commit (the default where workers leave the main thread a core) has the
// subtler failure handling: a committed prefix, then sequential execution; LANES_FAULTS_STREAM=0
// runs the faults with the commit after the workers.
const STREAM = process.env.LANES_FAULTS_STREAM !== '0';

let evm: Evm;
let pool: NodeWorkerPool;
const plan = createFaultPlan();

test.before(async () => {
  evm = await Evm.create();
  pool = await NodeWorkerPool.create(WORKERS, { workerUrl: new URL('./support/fault-worker.js', import.meta.url), watchdog: WATCHDOG, streamCommit: STREAM });
});

test.after(async () => {
  await pool.close();
});

/** Runs `w` on the pool (Block-STM forced, to the end) and checks it against the sequential executor. */
async function run(w: W.Workload, what: string): Promise<ParallelOutcome['report']> {
  const seq = sequentialOutcome(w.pre, (s) => executeBlock(evm, s, w.block, { fork: w.fork }));
  const par = await parallelOutcome(w.pre, (s) => executeBlockParallel(pool, evm, s, w.block, { fork: w.fork, force: true, adaptive: false }));
  assertSameOutcome(seq, par, what);
  assert.ok(par.report, `${what}: no report`);
  return par.report;
}

/** `p`, or a failure after `ms` (then the pool is closed, which ends the block). */
async function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * 96 calls of ~250,000 gas (1,500 hashes each): long enough that the worker threads
 * reach their third execution even when the committing thread's lane starts first and
 * they are scheduled late (with 24, the lane once ran nearly all of them under load and
 * the fault did not fire).
 */
function faultyBlock(): W.Workload {
  return W.independentWorkload(96, 1500);
}

const faults: [Fault, RegExp][] = [
  ['exit', /worker pool failed \(Block-STM worker \d exited \(code 70\).*replaced\)/],
  ['throw', /parallel execution failed \(Error: injected fault in executeTx\)/],
  ['uncaught', /worker pool failed \(Block-STM worker \d failed: Error: injected fault: the reply could not be sent/],
  ['hang', /worker pool failed \(watchdog: Block-STM workers made no progress for \d+ ms \(.*worker \d in transaction \d+.*\).*replaced\)/],
];

for (const [fault, reason] of faults) {
  test(`a worker fault (${fault}) leaves the block correct, and the pool runs the next block in parallel`, async () => {
    // The fault fires at the worker threads' third execution: the committing thread's lane
    // executes too (uncounted), so the block is long enough for the workers to get there.
    // 250,000 gas each: the watchdog fires after ~2.8 s; an undetected hang would not return.
    const block = faultyBlock();
    armFault(plan, fault, 2);
    const faulty = await within(15_000, run(block, `${fault}: the faulty block`), `${fault}: the faulty block`);
    assert.ok(Atomics.load(plan, P_FIRED) !== 0, `${fault}: the fault did not fire`);
    assert.is(faulty!.mode, 'sequential', `${fault}: a block whose worker failed cannot have run in parallel`);
    assert.match(faulty!.reason ?? '', reason);
    for (const next of [W.independentWorkload(12, 150), W.mixedWorkload(40, 3, 150)]) {
      const report = await run(next, `${fault}: ${next.name} after it`);
      assert.is(report!.mode, 'parallel', `${fault}: ${next.name} after it ran sequentially: ${report!.reason}`);
    }
  });
}

test('a slow transaction is not taken for a stuck one: its gas buys it time', async () => {
  // 600 ms without progress is twice the stall limit, but within the 2,800 ms a 250,000-gas transaction is allowed.
  armFault(plan, 'slow', 2, 600);
  const report = await run(faultyBlock(), 'slow');
  assert.ok(Atomics.load(plan, P_FIRED) !== 0, 'the slow execution did not happen');
  assert.is(report!.mode, 'parallel', report!.reason);
});

test('a closed pool fails a block over to sequential execution', async () => {
  const p = await NodeWorkerPool.create(WORKERS);
  await p.close();
  const w = W.independentWorkload(12, 100);
  const seq = sequentialOutcome(w.pre, (s) => executeBlock(evm, s, w.block, { fork: w.fork }));
  const par = await parallelOutcome(w.pre, (s) => executeBlockParallel(p, evm, s, w.block, { fork: w.fork, force: true }));
  assertSameOutcome(seq, par, 'closed pool');
  assert.match(par.report?.reason ?? '', /worker pool closed/);
});

test.run();
