// The parallel workloads (a)-(f) (src/parallel/workloads.ts and
// bench/parallel-workloads.ts), at modest sizes: every transaction succeeds and does
// what the workload says (a Uniswap swap emits the pair's Swap event, a transfer the
// token's Transfer event), Block-STM on 2, 3 and 4 workers gives exactly the sequential
// result (state root, receipts, logs, bloom, gas, per-transaction results),
// and a worker's WASM memory stays under 64 MiB on a ~30M-gas block.

import { keccak_256 as keccak } from '@noble/hashes/sha3.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { executeBlock, type BlockResult } from '../src/block/execute.js';
import { Evm } from '../src/evm/evm.js';
import { executeBlockParallel } from '../src/parallel/executor.js';
import { NodeWorkerPool } from '../src/parallel/pool.js';
import * as W from '../src/parallel/workloads.js';
import { bytesToHex } from '../src/util/hex.js';
import * as C from '../bench/parallel-workloads.js';
import { assertSameOutcome, parallelOutcome } from './support/parallel-compare.js';

const topic = (event: string) => bytesToHex(keccak(new TextEncoder().encode(event)));
const SWAP = topic('Swap(address,uint256,uint256,uint256,uint256,address)');
const TRANSFER = topic('Transfer(address,address,uint256)');

let evm: Evm;
let pool: NodeWorkerPool;
const WORKERS = [2, 3, 4];
const pools = new Map<number, NodeWorkerPool>();
test.before(async () => {
  evm = await Evm.create();
  // Both commits, whatever the machine: streamed beside the workers with an even number of them, after them with an odd one.
  for (const n of WORKERS) pools.set(n, await NodeWorkerPool.create(n, { streamCommit: n % 2 === 0 }));
  pool = pools.get(2)!;
});
test.after(async () => {
  for (const p of pools.values()) await p.close();
});

function sequential(w: W.Workload): { result: BlockResult; root: string } {
  const s = w.pre.copy();
  const result = executeBlock(evm, s, w.block, { fork: w.fork });
  return { result, root: bytesToHex(s.stateRoot()) };
}

/** Events with `topic0` per transaction. */
function events(r: BlockResult, topic0: string): number[] {
  return r.results.map((x) => x.logs.filter((l) => bytesToHex(l.topics[0]) === topic0).length);
}

const cases: { name: string; make: () => W.Workload | Promise<W.Workload>; check: (w: W.Workload, r: BlockResult) => void }[] = [
  {
    name: '(a) plain transfers', make: () => W.transfersWorkload(200),
    check: (w, r) => assert.ok(r.results.every((x) => x.gasUsed === 21_000n)),
  },
  {
    name: '(b) ERC-20 transfers', make: () => C.erc20TransfersWorkload(100),
    check: (w, r) => assert.equal(events(r, TRANSFER), w.block.transactions.map(() => 1)),
  },
  {
    name: '(c) swaps on their own pairs', make: () => C.ownPairSwapsWorkload(40),
    check: (w, r) => {
      assert.equal(events(r, SWAP), w.block.transactions.map(() => 1));
      const pairs = new Set(r.results.map((x) => bytesToHex(x.logs.find((l) => bytesToHex(l.topics[0]) === SWAP)!.address)));
      assert.is(pairs.size, 40);
    },
  },
  {
    name: '(d) 30% on one hot pair', make: () => C.hotMixWorkload(100, 0.3),
    check: (w, r) => {
      const swaps = events(r, SWAP).filter((n) => n === 1).length;
      assert.ok(swaps >= 20 && swaps <= 40, `${swaps} swaps of 100`);
      assert.ok(events(r, TRANSFER).every((n) => n >= 1));
    },
  },
  {
    name: '(e) swaps on one pair', make: () => C.onePairSwapsWorkload(40),
    check: (w, r) => {
      assert.equal(events(r, SWAP), w.block.transactions.map(() => 1));
      const pairs = new Set(r.results.map((x) => bytesToHex(x.logs.find((l) => bytesToHex(l.topics[0]) === SWAP)!.address)));
      assert.is(pairs.size, 1);
    },
  },
  {
    name: '(f) a chain of transfers', make: () => W.transferChainWorkload(60),
    check: (w, r) => assert.ok(r.results.every((x) => x.gasUsed === 21_000n)),
  },
];

for (const c of cases) {
  test(`${c.name}: all succeed, and 2, 3 and 4 workers give the sequential result`, async () => {
    const w = await c.make();
    const seq = sequential(w);
    assert.equal(seq.result.results.map((x) => x.status), w.block.transactions.map(() => 'success'));
    c.check(w, seq.result);
    for (const n of WORKERS) {
      const par = await parallelOutcome(w.pre, (s) => executeBlockParallel(pools.get(n)!, evm, s, w.block, { fork: w.fork, force: true, adaptive: false }));
      assert.is(par.report?.mode, 'parallel', par.report?.reason);
      assertSameOutcome(seq, par, `${c.name} on ${n} workers`);
    }
  });
}

test('generation is deterministic', async () => {
  const [a, b] = [await C.onePairSwapsWorkload(10), await C.onePairSwapsWorkload(10)];
  assert.is(bytesToHex(a.pre.stateRoot()), bytesToHex(b.pre.stateRoot()));
  assert.equal(a.block.transactions.map((t) => bytesToHex(t.data)), b.block.transactions.map((t) => bytesToHex(t.data)));
});

test('a worker\'s WASM memory stays under 64 MiB on a ~30M-gas block', async () => {
  const w = await C.ownPairSwapsWorkload(225);
  const s = w.pre.copy();
  const r = await executeBlockParallel(pool, evm, s, w.block, { fork: w.fork, force: true, adaptive: false });
  assert.ok(r.gasUsed >= 29_000_000n && r.gasUsed <= 32_000_000n, `gas ${r.gasUsed}`);
  assert.is(r.parallel.mode, 'parallel', r.parallel.reason);
  const bytes = r.parallel.stats.wasmMemoryBytes;
  assert.ok(bytes > 0 && bytes < 64 * 2 ** 20, `${bytes} bytes`);
});

test.run();
