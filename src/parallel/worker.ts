// A Block-STM worker thread (Node): builds its Evm from the WebAssembly.Module the pool
// compiled once, then runs each block job it is sent (stm-worker.ts). Streamed outcomes
// go to their own port, which the main thread reads without its event loop.

import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { Evm } from '../evm/evm.js';
import type { BlockJob, OutcomeBatch } from './protocol.js';
import { runBlockJob, stopBlock } from './stm-worker.js';

export interface PoolWorkerData {
  module: WebAssembly.Module;
  index: number;
  /** Where streamed outcome batches go (BlockJob.streamOutcomes). */
  outcomes: MessagePort;
}

const { module, index, outcomes } = workerData as PoolWorkerData;
const port = parentPort!;
const evm = await Evm.fromModule(module);
let running: BlockJob | null = null;
// A thread that exits mid-block stops the block's other workers and tells a main thread
// that is blocked committing it (it sees no 'exit' event until it returns to its event loop).
process.on('exit', () => {
  if (running !== null) stopBlock(running);
});
const post = (b: OutcomeBatch) => outcomes.postMessage(b, [b.outcomes.bytes]);
port.on('message', (job: BlockJob) => {
  running = job;
  const reply = runBlockJob(evm, job, index, post);
  running = null;
  port.postMessage(reply);
});
port.postMessage({ type: 'ready' });
