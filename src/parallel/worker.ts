// A Block-STM worker thread (Node): builds its Evm from the WebAssembly.Module the pool
// compiled once, then runs each block job it is sent (stm-worker.ts).

import { parentPort, workerData } from 'node:worker_threads';
import { Evm } from '../evm/evm.js';
import type { BlockJob } from './protocol.js';
import { runBlockJob } from './stm-worker.js';

export interface PoolWorkerData {
  module: WebAssembly.Module;
  index: number;
}

const { module, index } = workerData as PoolWorkerData;
const port = parentPort!;
const evm = await Evm.fromModule(module);
port.on('message', (job: BlockJob) => port.postMessage(runBlockJob(evm, job, index)));
port.postMessage({ type: 'ready' });
