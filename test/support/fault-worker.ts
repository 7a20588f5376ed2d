// A Block-STM worker for test/parallel-faults.test.ts: the real one (src/parallel/
// worker.ts) with a fault injected from outside. Evm.prototype.executeTx and the
// reply ports are wrapped in this thread before worker.ts starts; nothing of the
// product knows about faults. What fires and when comes from the plan (faults.ts).

import { getEnvironmentData, parentPort, workerData } from 'node:worker_threads';
import { Evm } from '../../src/evm/evm.js';
import type { PoolWorkerData } from '../../src/parallel/worker.js';
import { FAULT_PLAN_KEY, FAULTS, P_AT, P_COUNT, P_FIRED, P_KIND, P_NEVER, P_SLOW_MS } from './faults.js';

const plan = new Int32Array(getEnvironmentData(FAULT_PLAN_KEY) as SharedArrayBuffer);
const { index } = workerData as PoolWorkerData;
const port = parentPort!;
let replyFails = false;

const executeTx = Evm.prototype.executeTx;
Evm.prototype.executeTx = function (this: Evm, ...args: Parameters<Evm['executeTx']>) {
  const kind = Atomics.load(plan, P_KIND);
  if (kind !== 0 && Atomics.add(plan, P_COUNT, 1) === Atomics.load(plan, P_AT) && Atomics.compareExchange(plan, P_KIND, kind, 0) === kind) {
    Atomics.store(plan, P_FIRED, index + 1);
    switch (kind) {
      case FAULTS.exit:
        process.exit(70);
        break;
      case FAULTS.throw:
        throw new Error('injected fault in executeTx');
      case FAULTS.uncaught:
        replyFails = true;
        break;
      case FAULTS.hang:
        Atomics.wait(plan, P_NEVER, 0);
        break;
      case FAULTS.slow:
        Atomics.wait(plan, P_NEVER, 0, Atomics.load(plan, P_SLOW_MS));
        break;
    }
  }
  return executeTx.apply(this, args);
};

// Replies: the block's reply, and streamed outcome batches (their own port).
for (const p of [port, (workerData as PoolWorkerData).outcomes]) {
  const postMessage = p.postMessage.bind(p);
  p.postMessage = (...args: Parameters<typeof postMessage>) => {
    if (replyFails) throw new Error('injected fault: the reply could not be sent');
    postMessage(...args);
  };
}

await import('../../src/parallel/worker.js');
