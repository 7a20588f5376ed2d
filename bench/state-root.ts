// The state root after each block on a large state, side by side in one process: a
// state whose accounts it owns (built with putAccount, as a library user or a genesis
// loader does) and a copy of it (which owns none). The root after a block should cost
// the block's changes on both, not the state's size. Then the root after one large
// block, workload (a) of bench/parallel.ts (10,000 transfers: 20,000 accounts changed),
// on a copy of its state each time: medians of 9 after 2.
//   node dist/bench/state-root.js [ACCOUNTS] (default 200,000; 4 blocks of 50 transfers)

import { executeBlock } from '../src/block/execute.js';
import { Evm } from '../src/evm/evm.js';
import { forkByName } from '../src/fork/table.js';
import * as W from '../src/parallel/workloads.js';
import { createAccount, type WorldState } from '../src/state/world.js';
import { bytesToHex, bytesToKey } from '../src/util/hex.js';
import { median } from './report.js';

const arg = process.argv[2];
const accounts = arg === undefined ? 200_000 : Number(arg);
if (!Number.isInteger(accounts) || accounts < 0) throw new Error(`ACCOUNTS must be a whole number, got ${arg}`);
const fork = forkByName('Cancun');
const evm = await Evm.create();

function build(): WorldState {
  const w = W.transfersWorkload(24, fork);
  for (let i = 0; i < accounts; i++) w.pre.putAccount(bytesToKey(W.address(0xab, i)), createAccount({ balance: 10n ** 18n }));
  return w.pre;
}

console.log(`## state root after each block of 50 transfers, ${accounts.toLocaleString('en-US')} accounts`);
const roots: string[][] = [];
for (const [name, state] of [['owned (putAccount)', build()], ['copied', build().copy()]] as const) {
  let t = performance.now();
  state.stateRoot();
  const first = performance.now() - t;
  const times: string[] = [];
  const mine: string[] = [];
  for (let k = 0; k < 4; k++) {
    const b = new W.TxBuilder(fork, state);
    for (let i = 0; i < 50; i++) b.add(W.address(0xee, i % 24), W.address(0xab, k * 50 + i), { value: 1n, gas: 21_000n });
    executeBlock(evm, state, W.block(fork, b.txs), { fork, stateRoot: false });
    t = performance.now();
    mine.push(bytesToHex(state.stateRoot()));
    times.push((performance.now() - t).toFixed(1));
  }
  roots.push(mine);
  console.log(`${name}: first root ${first.toFixed(0)} ms; after each block ${times.join(', ')} ms`);
}
if (roots[0].join() !== roots[1].join()) throw new Error('the two states disagree on a root');

// A large block: its root costs the accounts it changed (each one's body and leaf, and the branches above).
const large = W.transfersWorkload(10_000, fork);
large.pre.stateRoot();
const largeMs: number[] = [];
let largeRoot = '';
for (let r = 0; r < 11; r++) {
  const state = large.pre.copy();
  executeBlock(evm, state, large.block, { fork, stateRoot: false });
  const t = performance.now();
  const root = bytesToHex(state.stateRoot());
  if (r >= 2) largeMs.push(performance.now() - t);
  if (largeRoot !== '' && root !== largeRoot) throw new Error('the large block gave two roots');
  largeRoot = root;
}
console.log(`root after a block of 10,000 transfers (20,000 accounts changed): ${median(largeMs).toFixed(1)} ms (median of ${largeMs.length})`);
