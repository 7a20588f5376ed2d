// A state-test worker thread: receives one file at a time from runner.ts, parses
// and runs it with this thread's Evm, and posts the results back.
//
// The Evm is created on the first file that has cases (and again after a case threw,
// since a trapped WASM instance may be left inconsistent), so a malformed file is
// reported as such even before anything about the EVM is loaded.

import { parentPort, workerData } from 'node:worker_threads';
import type { Evm } from '../evm/evm.js';
import type { FromFileWorker } from '../util/file-pool.js';
import { InputError } from '../util/hex.js';
import { forkFilter, readStateTestFile, type ParseOptions } from './parse.js';
import { runCase, type CaseResult } from './run.js';

export interface WorkerConfig { fork?: string; run?: string }


const config = workerData as WorkerConfig;
const opts: ParseOptions = {
  fork: config.fork === undefined ? undefined : forkFilter(config.fork),
  run: config.run === undefined ? undefined : new RegExp(config.run),
};
const port = parentPort!;
let evm: Evm | undefined;

async function getEvm(): Promise<Evm> {
  if (evm === undefined) {
    const { Evm } = await import('../evm/evm.js');
    evm = await Evm.create();
  }
  return evm;
}

port.on('message', async ({ file }: { file: string }) => {
  let cases;
  try {
    cases = readStateTestFile(file, opts);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    post(e instanceof InputError ? { type: 'input-error', file, message } : { type: 'fatal', file, message: `${file}: ${message}` });
    return;
  }
  let vm: Evm;
  try {
    vm = await getEvm();
  } catch (e) {
    post({ type: 'fatal', file, message: `cannot create the EVM: ${e instanceof Error ? e.message : String(e)}` });
    return;
  }
  const results: CaseResult[] = [];
  for (const c of cases) {
    const r = runCase(vm, c);
    results.push(r);
    if (r.threw) {
      evm = undefined;
      vm = await getEvm();
    }
  }
  post({ type: 'done', file, results });
});

function post(m: FromFileWorker<CaseResult>): void {
  port.postMessage(m);
}
