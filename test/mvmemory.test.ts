// Multi-version memory's location table (src/parallel/mvmemory.ts): buckets of chains,
// records pushed by compare-and-swap. Two threads locating the same keys at the same
// moment, on a table of four buckets (long chains, pushes racing on every bucket), must
// agree on one location per key, and a later look-up must find each of them.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Worker } from 'node:worker_threads';
import { C_ARENA_TOP, controlWords } from '../src/parallel/layout.js';
import { allocateMvBuffers, AV_BALANCE, AV_CODE_HASH, AV_CODE_LEN, AV_FLAGS, AV_WORDS, EK_ABS, EK_DELTA, L_KEY, LOC_WORDS, MvMemory, RESOLVED } from '../src/parallel/mvmemory.js';
import { Snapshot, serializeSnapshot } from '../src/parallel/snapshot.js';
import { WorldState } from '../src/state/world.js';

const KEYS = 3000;

/** Address words of key `k`: distinct for every k. */
function keyWords(k: number, out: Int32Array): Int32Array {
  out.fill(0);
  out[0] = k * 2654435761;
  out[4] = k;
  return out;
}

// A worker's part: waits for the start word, locates every key (in its own order), posts the locations by key.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
(async () => {
  const { MvMemory } = await import(workerData.mvUrl);
  const { Snapshot } = await import(workerData.snapshotUrl);
  const ctrl = new Int32Array(workerData.ctrl);
  const mv = new MvMemory(workerData.buffers, ctrl, new Snapshot(workerData.snapshot), true);
  const key = new Int32Array(5);
  const locs = new Array(workerData.keys);
  const start = new Int32Array(workerData.start);
  Atomics.add(start, 1, 1);
  Atomics.wait(start, 0, 0);
  for (let i = 0; i < workerData.keys; i++) {
    const k = workerData.reverse ? workerData.keys - 1 - i : i;
    key.fill(0);
    key[0] = Math.imul(k, 2654435761);
    key[4] = k;
    locs[k] = mv.locateAccount(key);
  }
  parentPort.postMessage(locs);
})();
`;

test('two threads locating the same accounts at once on four buckets get one location per account', async () => {
  const buffers = allocateMvBuffers(4 * KEYS + 1024, 4, 1 << 20);
  const ctrlBuffer = new SharedArrayBuffer(controlWords(1) * 4);
  new Int32Array(ctrlBuffer)[C_ARENA_TOP] = 8;
  const snapshot = serializeSnapshot(new WorldState());
  const start = new SharedArrayBuffer(8);
  const common = {
    mvUrl: new URL('../src/parallel/mvmemory.js', import.meta.url).href, snapshotUrl: new URL('../src/parallel/snapshot.js', import.meta.url).href,
    buffers, ctrl: ctrlBuffer, snapshot, start, keys: KEYS,
  };
  const results = [false, true].map((reverse) => new Promise<number[]>((resolve, reject) => {
    const w = new Worker(WORKER, { eval: true, workerData: { ...common, reverse } });
    w.once('message', (m: number[]) => { resolve(m); void w.terminate(); });
    w.once('error', reject);
  }));
  // Both ready, then both go.
  const s = new Int32Array(start);
  while (Atomics.load(s, 1) < 2) await new Promise((r) => setTimeout(r, 1));
  Atomics.store(s, 0, 1);
  Atomics.notify(s, 0);
  const [a, b] = await Promise.all(results);
  const seen = new Set<number>();
  const mv = new MvMemory(buffers, new Int32Array(ctrlBuffer), new Snapshot(snapshot), true);
  const key = new Int32Array(5);
  for (let k = 0; k < KEYS; k++) {
    assert.is(a[k], b[k], `account ${k}: the threads found locations ${a[k]} and ${b[k]}`);
    assert.not.ok(seen.has(a[k]), `location ${a[k]} given to two accounts`);
    seen.add(a[k]);
    const words = keyWords(k, key);
    for (let i = 0; i < 5; i++) assert.is(mv.recs[a[k] * LOC_WORDS + L_KEY + i], words[i], `account ${k}: its record's key`);
    assert.is(mv.locateAccount(words), a[k], `account ${k}: found again`);
  }
});


test('a code read skips the deltas of an account and finds the code of the nearest write below it, or an ESTIMATE', () => {
  const buffers = allocateMvBuffers(1024, 16, 1 << 20);
  const ctrlBuffer = new SharedArrayBuffer(controlWords(64) * 4);
  new Int32Array(ctrlBuffer)[C_ARENA_TOP] = 8;
  const mv = new MvMemory(buffers, new Int32Array(ctrlBuffer), new Snapshot(serializeSnapshot(new WorldState())), true);
  const loc = mv.locateAccount(keyWords(7, new Int32Array(5)));
  const out = new Int32Array(9);
  const codeAt = (tx: number): number => {
    const r = mv.readCode(loc, tx, out);
    return r === RESOLVED ? out[0] : -1000 - r; // a code length, or -1000 - the blocking transaction
  };
  const delta = new Int32Array(AV_WORDS);
  delta[AV_BALANCE + 7] = 1;
  const withCode = (len: number): Int32Array => {
    const v = new Int32Array(AV_WORDS);
    v[AV_FLAGS] = 1;
    v[AV_CODE_LEN] = len;
    v[AV_CODE_HASH] = len;
    return v;
  };
  for (let tx = 1; tx < 40; tx++) mv.write(loc, tx, 0, EK_DELTA, delta, 0, AV_WORDS);
  assert.is(codeAt(30), 0, 'only deltas: the pre-state has no code');
  mv.write(loc, 20, 1, EK_ABS, withCode(5), 0, AV_WORDS); // tx 20's new incarnation writes the account
  assert.is(codeAt(20), 0);
  assert.is(codeAt(21), 5);
  assert.is(codeAt(39), 5, 'the write below, past the deltas above it');
  mv.write(loc, 20, 2, EK_DELTA, delta, 0, AV_WORDS); // and its next one only credits it
  assert.is(codeAt(39), 0, 'a delta again: the write is gone');
  mv.markEstimate(loc, 10); // tx 10's delta, aborted
  assert.is(codeAt(39), -1010, 'the ESTIMATE below is met');
  assert.is(codeAt(10), 0);
  mv.write(loc, 10, 1, EK_ABS, withCode(3), 0, AV_WORDS);
  assert.is(codeAt(39), 3);
  mv.write(loc, 30, 1, EK_ABS, withCode(7), 0, AV_WORDS);
  assert.is(codeAt(31), 7, 'above the highest write');
  assert.is(codeAt(30), 3, 'below it: the write under it, past its deltas');
  assert.is(codeAt(10), 0);
  mv.remove(loc, 30);
  assert.is(codeAt(39), 3, 'the highest write removed: the one under it');
  mv.remove(loc, 10);
  assert.is(codeAt(39), 0, 'removed: only deltas again');
});

test.run();
