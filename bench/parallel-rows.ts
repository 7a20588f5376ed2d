// The rows of `bench/parallel.ts`: the workloads (a)-(f) at its sizes, then the
// other generated blocks. In a module of their own so that a worker thread can build
// the same block (`bench/twin.ts`) without loading the benchmark's entry point.

import * as W from '../src/parallel/workloads.js';
import * as C from './parallel-workloads.js';

export interface BenchWorkload {
  /** The letter, or '-' for the other rows. */
  label: string;
  /** The speedup target on 2 workers, if any. */
  target?: number;
  make: () => W.Workload | Promise<W.Workload>;
}

/** The rows: (a)-(f) at the sizes (a tenth with quick), then the other generated blocks. */
export function benchWorkloads(quick = false): BenchWorkload[] {
  const k = quick ? 10 : 1;
  return [
    { label: 'a', target: 1.4, make: () => W.transfersWorkload(10_000 / k) },
    { label: 'b', target: 1.7, make: () => C.erc20TransfersWorkload(5_000 / k) },
    { label: 'c', target: 1.7, make: () => C.ownPairSwapsWorkload(2_000 / k) },
    { label: 'd', target: 1.4, make: () => C.hotMixWorkload(4_000 / k, 0.3) },
    { label: 'e', target: 0.95, make: () => C.onePairSwapsWorkload(2_000 / k) },
    { label: 'f', target: 0.95, make: () => W.transferChainWorkload(2_000 / k) },
    { label: '-', make: () => W.independentWorkload(quick ? 16 : 64, 6000) },
    { label: '-', make: () => W.mixedWorkload(quick ? 50 : 200, 7, 3000, undefined, 64) },
    { label: '-', make: () => W.chainWorkload(quick ? 16 : 64, 3000) },
    { label: '-', make: () => W.hotRecipientWorkload(quick ? 100 : 400) },
  ];
}
