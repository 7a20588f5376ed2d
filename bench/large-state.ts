// Consecutive blocks on one large state (a node's use, not a fixture's): the parallel
// executor's snapshot kept from block to block and updated in place with the accounts
// the state changed (src/parallel/snapshot.ts) against one built anew every block (the
// state copied before each block, which drops the kept image: what every block paid
// before), and the sequential executor, side by side in one process. Every block's
// state root must agree across the three.
//   node dist/bench/large-state.js [ACCOUNTS] [--blocks N] [--txs N] [--big-slots N]
// (--big-slots: the first of the 64 contracts holds N slots, as a popular token would)
// (default 500,000 accounts, 8 blocks of 200 transactions: 60% calls hashing 6,000 times on
// 64 contracts, 40% transfers, some to new accounts)

import { availableParallelism } from 'node:os';
import { executeBlock } from '../src/block/execute.js';
import { Evm } from '../src/evm/evm.js';
import { forkByName } from '../src/fork/table.js';
import { executeBlockParallel } from '../src/parallel/executor.js';
import { NodeWorkerPool } from '../src/parallel/pool.js';
import * as W from '../src/parallel/workloads.js';
import { createAccount } from '../src/state/world.js';
import { bytesToHex, bytesToKey } from '../src/util/hex.js';
import { intFlag, positionals } from './args.js';

const positional = positionals(['--blocks', '--txs', '--big-slots'])[0];
const accounts = positional === undefined ? 500_000 : Number(positional);
if (!Number.isInteger(accounts) || accounts < 0) throw new Error(`ACCOUNTS must be a whole number, got ${positional}`);
const blocks = intFlag('--blocks', 8);
const txsPerBlock = intFlag('--txs', 200);
const bigSlots = intFlag('--big-slots', 0);

const fork = forkByName('Cancun');
const evm = await Evm.create();
const pool = await NodeWorkerPool.forLanes(2);
try {
  const base = W.mixedWorkload(txsPerBlock, 1, 6000, fork, 64);
  const filler = { balance: 10n ** 18n };
  for (let i = 0; i < accounts; i++) base.pre.putAccount(bytesToKey(W.address(0xab, i)), createAccount(filler));
  // Slots the contract's code never reads or writes (it uses 0-2): only their number matters.
  for (let i = 0; i < bigSlots; i++) base.pre.putStorage(bytesToKey(W.address(0xcc, 0)), bytesToKey(W.word(1000 + i)), W.word(i + 1));
  const seqState = base.pre.copy();
  const keptState = base.pre.copy();
  let freshState = base.pre.copy();
  console.log(`## consecutive blocks on one state of ${base.pre.size.toLocaleString('en-US')} accounts${bigSlots > 0 ? `, one contract with ${bigSlots.toLocaleString('en-US')} slots` : ''}, 2 lanes on ${availableParallelism()} cores`);
  console.log('kept = the snapshot kept and updated in place; rebuilt = the state copied before each block (untimed), so its snapshot is built anew');
  console.log('block | txs | seq ms | kept ms | kept snapshot ms | rebuilt ms | rebuilt snapshot ms | mode');
  const rnd = W.prng(7);
  const senders = Array.from({ length: 24 }, (_, i) => W.address(0xee, i));
  const contracts = Array.from({ length: 64 }, (_, i) => W.address(0xcc, i));
  const sums = { seq: 0, kept: 0, keptSnap: 0, fresh: 0, freshSnap: 0 };
  for (let k = 0; k < blocks; k++) {
    const b = new W.TxBuilder(fork, seqState);
    for (let i = 0; i < txsPerBlock; i++) {
      const from = senders[Math.floor(rnd() * senders.length)];
      if (rnd() < 0.6) b.add(from, contracts[Math.floor(rnd() * contracts.length)], { data: W.word(6000), gas: 700_000n });
      else b.add(from, W.address(0xab, Math.floor(rnd() * (accounts + 1000))), { value: 1n + BigInt(i), gas: 21_000n });
    }
    const block = W.block(fork, b.txs);
    let t = performance.now();
    executeBlock(evm, seqState, block, { fork, stateRoot: false });
    const seqMs = performance.now() - t;
    t = performance.now();
    const kept = await executeBlockParallel(pool, evm, keptState, block, { fork, stateRoot: false });
    const keptMs = performance.now() - t;
    freshState = freshState.copy();
    t = performance.now();
    const fresh = await executeBlockParallel(pool, evm, freshState, block, { fork, stateRoot: false });
    const freshMs = performance.now() - t;
    const roots = [seqState, keptState, freshState].map((s) => bytesToHex(s.stateRoot()));
    if (roots[1] !== roots[0] || roots[2] !== roots[0]) throw new Error(`block ${k}: state roots differ: ${roots.join(', ')}`);
    const mode = (r: typeof kept) => (r.parallel.mode === 'parallel' ? 'parallel' : `sequential (${r.parallel.reason})`);
    console.log([k, txsPerBlock, seqMs.toFixed(1), keptMs.toFixed(1), kept.parallel.timings.snapshotMs.toFixed(1), freshMs.toFixed(1),
      fresh.parallel.timings.snapshotMs.toFixed(1), mode(kept) === mode(fresh) ? mode(kept) : `${mode(kept)} / ${mode(fresh)}`].join(' | '));
    // The first block builds the kept image (a smaller state: the second rebuilds it with room); the steady state from the third.
    if (k >= 2) {
      sums.seq += seqMs;
      sums.kept += keptMs;
      sums.keptSnap += kept.parallel.timings.snapshotMs;
      sums.fresh += freshMs;
      sums.freshSnap += fresh.parallel.timings.snapshotMs;
    }
  }
  const n = Math.max(1, blocks - 2);
  const f = (x: number) => (x / n).toFixed(1);
  console.log(`\nmeans over blocks 2..${blocks - 1}: sequential ${f(sums.seq)} ms; kept ${f(sums.kept)} ms (snapshot ${f(sums.keptSnap)}), ` +
    `${(sums.seq / sums.kept).toFixed(2)}x sequential; rebuilt ${f(sums.fresh)} ms (snapshot ${f(sums.freshSnap)}), ${(sums.seq / sums.fresh).toFixed(2)}x sequential`);
} finally {
  await pool.close();
}
