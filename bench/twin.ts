// A second sequential executor on a worker thread, running the same block as the main
// thread at the same moment. Two copies of the sequential executor side by side share
// nothing (no multi-version memory, no conflicts, no commit, no hand-over): what they
// reach together is the ceiling of any two-lane executor whose transactions cost what
// they cost the sequential executor, on this machine. On 2 cores that ceiling is below
// 2x: each copy's garbage collection runs partly on V8's helper threads, which a lone
// sequential run finds on the idle core and two runs have to share.
//
// bench/parallel.ts has one load each row in turn (the same deterministic generator
// builds the same block there), and bench/blocks.ts each mainnet block (the same file).

import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { executeBlock } from '../src/block/execute.js';
import { readBlockFixture, runBlockFixture } from '../src/block/fixture.js';
import { Evm } from '../src/evm/evm.js';
import { bytesToHex } from '../src/util/hex.js';
import { promoteSetUp } from './heap.js';
import { benchWorkloads } from './parallel-rows.js';

export interface TwinRun {
  ms: number;
  gas: bigint;
  /** The receipts root (a generated row), or whether the block passed its checks (a fixture). */
  check: string;
}

/** What the twin runs: row `row` of benchWorkloads(quick), or the block fixture at `fixture`. */
export type TwinBlock = { row: number; quick: boolean } | { fixture: string };

type Request = { load: TwinBlock } | 'run';

/** The main thread's handle on a twin. */
export class SequentialTwin {
  private constructor(private readonly worker: Worker) {}

  static start(): SequentialTwin {
    return new SequentialTwin(new Worker(new URL(import.meta.url), { workerData: { twin: true } }));
  }

  /** Has the twin build `block` and run it once (untimed); resolves when it is ready. */
  load(block: TwinBlock): Promise<void> {
    return this.ask({ load: block }).then(() => {});
  }

  /** Executes the block once on the twin's thread, now; resolves with its time (the twin's own clock) and results. */
  run(): Promise<TwinRun> {
    return this.ask('run') as Promise<TwinRun>;
  }

  private ask(req: Request): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const fail = (e: Error) => {
        this.worker.off('message', done);
        reject(e);
      };
      const done = (r: unknown) => {
        this.worker.off('error', fail);
        resolve(r);
      };
      this.worker.once('error', fail);
      this.worker.once('message', done);
      this.worker.postMessage(req);
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

if (!isMainThread && (workerData as { twin?: boolean } | null)?.twin === true) {
  const evm = await Evm.create();
  let once: (() => TwinRun) | null = null;
  parentPort!.on('message', async (req: Request) => {
    if (req === 'run') {
      parentPort!.postMessage(once!());
      return;
    }
    const b = req.load;
    if ('fixture' in b) {
      const f = readBlockFixture(b.fixture);
      once = () => {
        const r = runBlockFixture(evm, f);
        return { ms: r.timeMs, gas: r.gasUsed, check: r.pass ? 'pass' : `fail: ${r.reason}` };
      };
    } else {
      const w = await benchWorkloads(b.quick)[b.row].make();
      once = () => {
        const s = w.pre.copy();
        promoteSetUp();
        const t = performance.now();
        const r = executeBlock(evm, s, w.block, { fork: w.fork, stateRoot: false });
        return { ms: performance.now() - t, gas: r.gasUsed, check: bytesToHex(r.receiptsRoot) };
      };
    }
    once();
    parentPort!.postMessage('ready');
  });
}
