// A second sequential executor on a worker thread, running the same block as the main
// thread at the same moment. Two copies of the sequential executor side by side share
// nothing (no multi-version memory, no conflicts, no commit, no hand-over): what they
// reach together is the ceiling of any two-lane executor whose transactions cost what
// the sequential executor's do, on this machine. On 2 cores that ceiling is below 2x:
// each copy's garbage collection runs partly on V8's helper threads, which a lone
// sequential run finds on the idle core and two runs have to share.
//
// bench/parallel.ts starts one per row (`SequentialTwin.start`), which builds its own
// copy of the row's block with the same deterministic generator.

import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { executeBlock } from '../src/block/execute.js';
import { Evm } from '../src/evm/evm.js';
import { bytesToHex } from '../src/util/hex.js';
import { benchWorkloads } from './parallel-rows.js';

export interface TwinRun {
  ms: number;
  gas: bigint;
  receiptsRoot: string;
}

interface TwinData {
  twinRow: number;
  quick: boolean;
}

/** The main thread's handle on a twin: `run()` has it execute the block once, now. */
export class SequentialTwin {
  private constructor(private readonly worker: Worker) {}

  /** A twin for row `row` of benchWorkloads(quick), ready once its block is built and run once. */
  static async start(row: number, quick: boolean): Promise<SequentialTwin> {
    const data: TwinData = { twinRow: row, quick };
    const worker = new Worker(new URL(import.meta.url), { workerData: data });
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', () => {
        worker.off('error', reject);
        resolve();
      });
    });
    return new SequentialTwin(worker);
  }

  /** Executes the block once on the twin's thread; resolves with its time (from the twin's own clock) and results. */
  run(): Promise<TwinRun> {
    return new Promise((resolve, reject) => {
      const fail = (e: Error) => reject(e);
      this.worker.once('error', fail);
      this.worker.once('message', (r: TwinRun) => {
        this.worker.off('error', fail);
        resolve(r);
      });
      this.worker.postMessage('run');
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

if (!isMainThread && (workerData as Partial<TwinData> | null)?.twinRow !== undefined) {
  const { twinRow, quick } = workerData as TwinData;
  const w = await benchWorkloads(quick)[twinRow].make();
  const evm = await Evm.create();
  const once = (): TwinRun => {
    const s = w.pre.copy();
    const t = performance.now();
    const r = executeBlock(evm, s, w.block, { fork: w.fork, stateRoot: false });
    return { ms: performance.now() - t, gas: r.gasUsed, receiptsRoot: bytesToHex(r.receiptsRoot) };
  };
  once();
  parentPort!.on('message', () => parentPort!.postMessage(once()));
  parentPort!.postMessage('ready');
}
