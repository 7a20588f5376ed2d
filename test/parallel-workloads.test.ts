// The parallel workloads (a)-(f) (src/parallel/workloads.ts and
// bench/parallel-workloads.ts), at modest sizes: every transaction succeeds and does
// what the workload says (a Uniswap swap emits the pair's Swap event, a transfer the
// token's Transfer event), Block-STM on 2 workers gives exactly the sequential result,
// and a worker's WASM memory stays under 64 MiB on a ~30M-gas block.

import { keccak_256 as keccak } from '@noble/hashes/sha3.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeReceipt } from '../src/block/receipt.js';
import { executeBlock, type BlockResult } from '../src/block/execute.js';
import { Evm } from '../src/evm/evm.js';
import { executeBlockParallel } from '../src/parallel/executor.js';
import { NodeWorkerPool } from '../src/parallel/pool.js';
import * as W from '../src/parallel/workloads.js';
import { bytesToHex } from '../src/util/hex.js';
import * as C from '../bench/parallel-workloads.js';

const topic = (event: string) => bytesToHex(keccak(new TextEncoder().encode(event)));
const SWAP = topic('Swap(address,uint256,uint256,uint256,uint256,address)');
const TRANSFER = topic('Transfer(address,address,uint256)');

let evm: Evm;
let pool: NodeWorkerPool;
test.before(async () => {
  evm = await Evm.create();
  pool = await NodeWorkerPool.create(2);
});
test.after(async () => {
  await pool.close();
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
  test(`${c.name}: all succeed, and 2 workers give the sequential result`, async () => {
    const w = await c.make();
    const seq = sequential(w);
    assert.equal(seq.result.results.map((x) => x.status), w.block.transactions.map(() => 'success'));
    c.check(w, seq.result);
    const s = w.pre.copy();
    const par = await executeBlockParallel(pool, evm, s, w.block, { fork: w.fork, force: true, adaptive: false });
    assert.is(par.parallel.mode, 'parallel', par.parallel.reason);
    assert.is(bytesToHex(s.stateRoot()), seq.root, 'state root');
    assert.is(par.gasUsed, seq.result.gasUsed, 'gas');
    assert.is(bytesToHex(par.receiptsRoot), bytesToHex(seq.result.receiptsRoot), 'receipts root');
    assert.is(bytesToHex(par.logsBloom), bytesToHex(seq.result.logsBloom), 'logs bloom');
    seq.result.receipts.forEach((r, i) => assert.is(bytesToHex(encodeReceipt(par.receipts[i])), bytesToHex(encodeReceipt(r)), `receipt ${i}`));
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
