// A blockchain-test worker thread: receives one file at a time from pool.ts, runs its
// tests with this thread's Evm and posts the results back. The Evm is made again
// after a test threw (a trapped WASM instance may be left inconsistent).

import { parentPort, workerData } from 'node:worker_threads';
import { Evm } from '../evm/evm.js';
import { InputError } from '../util/hex.js';
import { readBlockTestFile, runBlockTest, type BlockTestResult } from './blocktest.js';
import type { FromFileWorker } from '../util/file-pool.js';

export interface BlockTestWorkerConfig { run?: string }

const config = (workerData ?? {}) as BlockTestWorkerConfig;
const run = config.run === undefined ? undefined : new RegExp(config.run);
const port = parentPort!;
let evm: Evm | undefined;

port.on('message', async ({ file }: { file: string }) => {
  const post = (m: FromFileWorker<BlockTestResult>) => port.postMessage(m);
  try {
    const tests = readBlockTestFile(file);
    const results: BlockTestResult[] = [];
    for (const [name, raw] of Object.entries(tests)) {
      if (run && !run.test(name)) continue;
      evm ??= await Evm.create();
      const r = runBlockTest(evm, file, name, raw);
      if (r.threw) evm = undefined;
      results.push(r);
    }
    post({ type: 'done', file, results });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    post(e instanceof InputError ? { type: 'input-error', file, message } : { type: 'fatal', file, message: `${file}: ${message}` });
  }
});
