// The fault plan shared by test/parallel-faults.test.ts and the Block-STM worker it
// injects faults into (fault-worker.ts): words of a SharedArrayBuffer that every
// worker of the process receives through worker_threads' environment data, workers
// the pool starts later included.

import { setEnvironmentData } from 'node:worker_threads';

export const FAULT_PLAN_KEY = 'lanes-test-fault-plan';

export const FAULTS = {
  /** The worker's thread exits (process.exit) in the middle of an execution. */
  exit: 1,
  /** The execution throws: the task loop catches it and the worker replies block-failed. */
  throw: 2,
  /** The worker's reply cannot be sent: an uncaught exception ends its thread after the block. */
  uncaught: 3,
  /** The execution never returns (the worker blocks forever holding the transaction). */
  hang: 4,
  /** The execution sleeps `P_SLOW_MS`, then goes on: slow, not stuck. */
  slow: 5,
} as const;
export type Fault = keyof typeof FAULTS;

export const P_KIND = 0; // the armed fault, 0: none (cleared when it fires)
export const P_AT = 1; // fires at this execution (0-based, counted over all workers while armed)
export const P_COUNT = 2; // executions counted
export const P_FIRED = 3; // worker index + 1 that fired
export const P_SLOW_MS = 4;
export const P_NEVER = 5; // never changes: hang and slow wait on it

/** Creates the plan and hands it to the workers started from now on. */
export function createFaultPlan(): Int32Array {
  const plan = new Int32Array(new SharedArrayBuffer(8 * 4));
  setEnvironmentData(FAULT_PLAN_KEY, plan.buffer);
  return plan;
}

export function armFault(plan: Int32Array, fault: Fault, at: number, slowMs = 0): void {
  Atomics.store(plan, P_AT, at);
  Atomics.store(plan, P_COUNT, 0);
  Atomics.store(plan, P_FIRED, 0);
  Atomics.store(plan, P_SLOW_MS, slowMs);
  Atomics.store(plan, P_KIND, FAULTS[fault]);
}
