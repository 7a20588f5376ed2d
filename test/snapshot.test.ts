// The parallel executor's pre-state snapshot kept from block to block (src/parallel/snapshot.ts):
// after any sequence of state changes, the image updated in place reads exactly what the state
// holds (every account, slot and code; removed accounts and slots absent), and blocks executed
// one after another on one state in parallel give what the sequential executor gives.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { executeBlock } from '../src/block/execute.js';
import { Evm } from '../src/evm/evm.js';
import { forkByName } from '../src/fork/table.js';
import { executeBlockParallel } from '../src/parallel/executor.js';
import { hexToWords } from '../src/parallel/keys.js';
import { NodeWorkerPool } from '../src/parallel/pool.js';
import {
  SA_BALANCE, SA_CODE_HASH, SA_CODE_LEN, SA_CODE_OFF, SA_FLAGS, SA_NONCE_HI, SA_NONCE_LO, SF_HAS_STORAGE, Snapshot, releaseSnapshot, serializeSnapshot,
} from '../src/parallel/snapshot.js';
import * as W from '../src/parallel/workloads.js';
import { createAccount, WorldState } from '../src/state/world.js';
import { bigintToBytes, bytesToHex, bytesToKey } from '../src/util/hex.js';

/** Every account and slot of `state` as `snap` reads them, and `gone` (addresses, or [address, slot]) not there. */
function assertSnapshotIs(snap: Snapshot, state: WorldState, gone: (string | [string, string])[], what: string): void {
  const key = new Int32Array(13);
  for (const [addr, a] of state.peekAccounts()) {
    hexToWords(addr, key, 0, 5);
    const rec = snap.findAccount(key, 0);
    assert.ok(rec >= 0, `${what}: account ${addr} missing`);
    const i32 = snap.i32;
    const nonce = (BigInt(i32[rec + SA_NONCE_HI] >>> 0) << 32n) | BigInt(i32[rec + SA_NONCE_LO] >>> 0);
    assert.is(nonce, a.nonce, `${what}: nonce of ${addr}`);
    assert.is(bytesToHex(snap.u8.subarray(4 * (rec + SA_BALANCE), 4 * (rec + SA_BALANCE) + 32)), bytesToHex(bigintToBytes(a.balance, 32)), `${what}: balance of ${addr}`);
    assert.is(bytesToHex(snap.u8.subarray(4 * (rec + SA_CODE_HASH), 4 * (rec + SA_CODE_HASH) + 32)), bytesToHex(a.codeHash), `${what}: code hash of ${addr}`);
    const off = i32[rec + SA_CODE_OFF];
    const len = i32[rec + SA_CODE_LEN];
    assert.is(bytesToHex(len === 0 ? new Uint8Array(0) : snap.u8.subarray(off, off + len)), bytesToHex(a.code), `${what}: code of ${addr}`);
    assert.is((i32[rec + SA_FLAGS] & SF_HAS_STORAGE) !== 0, a.storage.size > 0, `${what}: storage flag of ${addr}`);
    for (const [slot, value] of a.storage) {
      hexToWords(slot, key, 5, 8);
      const at = snap.findStorage(rec, key, 5);
      assert.ok(at >= 0, `${what}: slot ${slot} of ${addr} missing`);
      assert.is(bytesToHex(snap.u8.subarray(at, at + 32)), bytesToHex(value), `${what}: slot ${slot} of ${addr}`);
    }
  }
  for (const g of gone) {
    const [addr, slot] = typeof g === 'string' ? [g, undefined] : g;
    hexToWords(addr, key, 0, 5);
    const rec = snap.findAccount(key, 0);
    if (slot === undefined) {
      if (!state.hasAccount(addr)) assert.is(rec, -1, `${what}: removed account ${addr} still there`);
      continue;
    }
    if (rec < 0 || state.getStorage(addr, slot) !== undefined) continue;
    hexToWords(slot, key, 5, 8);
    // Absent, or (a tracked account's slot deleted in place) zero, which reads the same.
    const at = snap.findStorage(rec, key, 5);
    if (at >= 0) assert.ok(snap.u8.subarray(at, at + 32).every((b) => b === 0), `${what}: removed slot ${slot} of ${addr} still there`);
  }
}

const addr = (i: number) => i.toString(16).padStart(40, '0');

/** The word offset of the record of account `a` in `snap`. */
function recordOf(snap: Snapshot, a: string): number {
  const key = new Int32Array(5);
  hexToWords(a, key, 0, 5);
  return snap.findAccount(key, 0);
}
const slotKey = (i: number) => i.toString(16).padStart(64, '0');
const value = (v: number) => bigintToBytes(BigInt(v), 32);

test('a kept snapshot, updated in place, reads what the state holds after random changes', () => {
  const rnd = W.prng(11);
  const pick = (n: number) => Math.floor(rnd() * n);
  const state = new WorldState();
  const codes = [Uint8Array.of(0x60, 0x00), Uint8Array.of(0x60, 0x01, 0x60, 0x02), new Uint8Array(300).fill(0x5b)];
  for (let i = 0; i < 400; i++) {
    const storage = new Map<string, Uint8Array>();
    if (i % 5 === 0) for (let s = 0; s < 1 + pick(20); s++) storage.set(slotKey(pick(50)), value(1 + pick(1000)));
    state.putAccount(addr(i), createAccount({ nonce: BigInt(pick(3)), balance: BigInt(pick(1e9)), code: i % 7 === 0 ? codes[pick(3)] : undefined, storage }));
  }
  let previous: SharedArrayBuffer | undefined;
  let inPlace = 0;
  let rebuilt = 0;
  for (let round = 0; round < 60; round++) {
    const gone: (string | [string, string])[] = [];
    // A round's changes: few (updated in place) or, now and then, most accounts (built anew).
    const changes = round % 17 === 16 ? 300 : 1 + pick(40);
    for (let c = 0; c < changes; c++) {
      const a = addr(pick(600));
      const r = rnd();
      if (r < 0.3) state.putAccount(a, createAccount({ nonce: BigInt(pick(9)), balance: BigInt(pick(1e12)) }));
      else if (r < 0.45) {
        state.deleteAccount(a);
        gone.push(a);
      } else if (r < 0.75) {
        const s = slotKey(pick(50));
        const v = rnd() < 0.3 ? new Uint8Array(32) : value(pick(1e6));
        state.putStorage(a, s, v);
        gone.push([a, s]);
      } else if (r < 0.85) state.setCode(a, codes[pick(3)]);
      else if (r < 0.9) {
        state.clearStorage(a);
        for (let s = 0; s < 50; s++) gone.push([a, slotKey(s)]);
      } else {
        // A change made in place through an owned account object.
        const acc = state.getAccount(a);
        if (acc !== undefined) acc.balance += 1n;
      }
    }
    const sab = serializeSnapshot(state);
    if (sab === previous) inPlace++;
    else rebuilt++;
    previous = sab;
    assertSnapshotIs(new Snapshot(sab), state, gone, `round ${round}`);
  }
  // Both paths ran: the test would otherwise say nothing about one of them.
  assert.ok(inPlace >= 30, `updated in place ${inPlace} times`);
  assert.ok(rebuilt >= 3, `rebuilt ${rebuilt} times`);
});

test('a first image written into the buffer of one given back reads its own state alone; a kept image is not given back', () => {
  const rnd = W.prng(5);
  const pick = (n: number) => Math.floor(rnd() * n);
  /** A state of `n` accounts from `from` on, a fifth with storage, a seventh with code. */
  const stateOf = (from: number, n: number) => {
    const s = new WorldState();
    for (let i = from; i < from + n; i++) {
      const storage = new Map<string, Uint8Array>();
      if (i % 5 === 0) for (let k = 0; k < 1 + pick(20); k++) storage.set(slotKey(pick(50)), value(1 + pick(1000)));
      s.putAccount(addr(i), createAccount({ nonce: BigInt(pick(3)), balance: BigInt(pick(1e9)), code: i % 7 === 0 ? new Uint8Array(40 + pick(200)).fill(i & 0xff) : undefined, storage }));
    }
    return s;
  };
  const big = stateOf(0, 600);
  const first = serializeSnapshot(big);
  releaseSnapshot(first);
  // Smaller, partly the same addresses with other contents: what the big image left behind must not show.
  const small = stateOf(300, 200);
  const reused = serializeSnapshot(small);
  assert.ok(reused === first, 'the given-back buffer was not reused');
  const gone: (string | [string, string])[] = [];
  for (let i = 0; i < 600; i++) if (i < 300 || i >= 500) gone.push(addr(i));
  for (const [a, acc] of big.peekAccounts()) for (const slot of acc.storage.keys()) gone.push([a, slot]);
  assertSnapshotIs(new Snapshot(reused), small, gone, 'reused buffer');
  // Given back twice (a second release is ignored), then taken by one state only.
  releaseSnapshot(reused);
  releaseSnapshot(reused);
  const other = serializeSnapshot(stateOf(1000, 50));
  assert.ok(other === reused);
  assert.ok(serializeSnapshot(stateOf(2000, 50)) !== reused, 'one buffer handed to two snapshots');
  // A state's second snapshot is kept (updated in place at its next block): never given to another state.
  const kept = stateOf(3000, 100);
  serializeSnapshot(kept);
  const keptSab = serializeSnapshot(kept);
  releaseSnapshot(keptSab);
  assert.ok(serializeSnapshot(stateOf(4000, 20)) !== keptSab, 'a kept image was handed to another state');
});

test('a kept snapshot tracks large accounts: their changed slots written in place, through checkpoints and reverts', () => {
  const rnd = W.prng(23);
  const pick = (n: number) => Math.floor(rnd() * n);
  const state = new WorldState();
  const big = addr(1);
  const storage = new Map<string, Uint8Array>();
  for (let s = 0; s < 300; s++) storage.set(slotKey(s), value(s + 1));
  state.putAccount(big, createAccount({ nonce: 1n, code: Uint8Array.of(0x60, 0x00), storage }));
  for (let i = 2; i < 40; i++) state.putAccount(addr(i), createAccount({ balance: BigInt(i) }));
  serializeSnapshot(state);
  let lastBuffer = serializeSnapshot(state);
  let lastRecord = recordOf(new Snapshot(lastBuffer), big);
  let inPlace = 0;
  for (let round = 0; round < 40; round++) {
    const gone: (string | [string, string])[] = [];
    const underCheckpoint = round % 3 === 1;
    if (underCheckpoint) state.checkpoint();
    for (let c = 0; c < 1 + pick(30); c++) {
      const s = slotKey(pick(700)); // existing slots and new ones
      const r = rnd();
      if (r < 0.5) state.putStorage(big, s, value(1 + pick(1e6)));
      else if (r < 0.8) state.putStorage(big, s, new Uint8Array(32)); // deleted
      else state.getAccount(big)!.storage.set(s, value(7)); // through the account object
      gone.push([big, s]);
    }
    state.getAccount(big)!.balance += 1n;
    if (round === 25) {
      state.clearStorage(big); // the log is lost: the account is written whole
      for (let s = 0; s < 700; s++) gone.push([big, slotKey(s)]);
      for (let s = 0; s < 100; s++) state.putStorage(big, slotKey(s), value(9));
    }
    const sab = serializeSnapshot(state);
    const snap = new Snapshot(sab);
    // The same buffer and the same record: the account's slots were written into it in place.
    const rec = recordOf(snap, big);
    if (sab === lastBuffer && rec === lastRecord) inPlace++;
    lastBuffer = sab;
    lastRecord = rec;
    assertSnapshotIs(snap, state, gone, `round ${round}`);
    if (underCheckpoint) {
      state.revert();
      lastBuffer = serializeSnapshot(state);
      lastRecord = recordOf(new Snapshot(lastBuffer), big);
      assertSnapshotIs(new Snapshot(lastBuffer), state, gone, `round ${round}, after revert`);
    }
  }
  assert.ok(inPlace >= 20, `the large account's record was updated in place ${inPlace} times of 40`);
});

test('a snapshot taken under a checkpoint is brought back by the next one after revert()', () => {
  const state = new WorldState();
  for (let i = 0; i < 50; i++) state.putAccount(addr(i), createAccount({ balance: BigInt(i) }));
  serializeSnapshot(state);
  serializeSnapshot(state); // the kept image, with room
  state.checkpoint();
  state.putAccount(addr(3), createAccount({ balance: 999n }));
  state.deleteAccount(addr(4));
  state.putAccount(addr(77), createAccount({ balance: 7n }));
  const during = serializeSnapshot(state);
  assertSnapshotIs(new Snapshot(during), state, [addr(4)], 'under the checkpoint');
  state.revert();
  const after = serializeSnapshot(state);
  assert.is(after, during, 'updated in place');
  assertSnapshotIs(new Snapshot(after), state, [addr(77)], 'after revert');
});

test('blocks one after another on one state: parallel == sequential, the snapshot kept between them', async () => {
  const evm = await Evm.create();
  const pool = await NodeWorkerPool.forLanes(2);
  try {
    const fork = forkByName('Cancun');
    const base = W.mixedWorkload(40, 3, 150, fork);
    const seqState = base.pre.copy();
    const parState = base.pre.copy();
    // Empty accounts a zero-value call touches, which removes them (EIP-161).
    for (let i = 0; i < 40; i++) for (const s of [seqState, parState]) s.putAccount(bytesToKey(W.address(0xe7, i)), createAccount());
    const rnd = W.prng(5);
    const senders = Array.from({ length: 24 }, (_, i) => W.address(0xee, i));
    const contracts = Array.from({ length: 12 }, (_, i) => W.address(0xcc, i));
    for (let k = 0; k < 6; k++) {
      const b = new W.TxBuilder(fork, seqState);
      for (let i = 0; i < 30; i++) {
        const from = senders[Math.floor(rnd() * senders.length)];
        const r = rnd();
        if (r < 0.4) b.add(from, contracts[Math.floor(rnd() * contracts.length)], { data: W.word(150), gas: 200_000n });
        else if (r < 0.7) b.add(from, W.address(0xd0 + k, i), { value: 1n + BigInt(i), gas: 21_000n });
        else b.add(from, W.address(0xe7, Math.floor(rnd() * 40)), { value: 0n, gas: 21_000n });
      }
      const block = W.block(fork, b.txs);
      const seq = executeBlock(evm, seqState, block, { fork });
      const par = await executeBlockParallel(pool, evm, parState, block, { fork, force: true, adaptive: false });
      assert.is(par.parallel.mode, 'parallel', `block ${k}: ${par.parallel.reason}`);
      assert.is(par.gasUsed, seq.gasUsed, `block ${k}: gas`);
      assert.is(bytesToHex(par.receiptsRoot), bytesToHex(seq.receiptsRoot), `block ${k}: receipts root`);
      assert.is(bytesToHex(parState.stateRoot()), bytesToHex(seqState.stateRoot()), `block ${k}: state root`);
    }
  } finally {
    await pool.close();
  }
});

test.run();
