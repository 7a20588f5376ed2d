// The parallel executor's per-transaction messages, timed alone: the block's
// transactions encoded on the committing thread and decoded by a worker (tx-codec.ts),
// and the outcomes a worker encodes and the committing thread decodes
// (outcome-codec.ts), with a result's write set encoded from the WASM's bytes (what a
// worker does) and from its parsed objects (a result whose write set was read), side
// by side (alternating; a worker's batches of 64). Then the write sets applied to a
// copy of the pre-state: from the WASM's bytes, as the sequential executor does, and
// from the decoded outcomes, as the parallel commit does (decoding included), side by
// side. Medians of the rounds after the first (the first two for a pair), in
// microseconds per transaction.
//
//   node dist/bench/codecs.js [ROUNDS]

import { executeBlock } from '../src/block/execute.js';
import { Evm } from '../src/evm/evm.js';
import { applyResultWriteSet } from '../src/evm/sets.js';
import type { FullTxResult } from '../src/evm/evm.js';
import { OutcomeEncoder, decodeOutcomes } from '../src/parallel/outcome-codec.js';
import type { TxOutcome } from '../src/parallel/protocol.js';
import { TxList, encodeTxs } from '../src/parallel/tx-codec.js';
import { benchWorkloads } from './parallel-rows.js';
import { median } from './report.js';

const rounds = Math.max(2, Number(process.argv[2] ?? 9));

/** Microseconds per item of `f` over `n` items: the median of the rounds after the first. */
function time(n: number, f: () => void): number {
  const ms: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    f();
    if (r > 0) ms.push(performance.now() - t);
  }
  return (1000 * median(ms)) / n;
}

/** Batches of a worker's size (its STREAM_BATCH), each encoder taken as a worker's is. */
const BATCH = 64;

function encodeAll(results: FullTxResult[]): void {
  for (let i = 0; i < results.length; i += BATCH) {
    const e = new OutcomeEncoder(BATCH, false, true);
    for (let tx = i; tx < Math.min(i + BATCH, results.length); tx++) e.add({ tx, inc: 0, result: results[tx] });
    e.take(null);
  }
}

/**
 * time() of two functions, alternating from round to round so that neither always runs
 * first; `prepare`, if given, runs untimed before each call and its value is passed on.
 */
function timeBoth<T = void>(n: number, f: (p: T) => void, g: (p: T) => void, prepare?: () => T): [number, number] {
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const [h, out] of (r % 2 === 0 ? [[f, a], [g, b]] : [[g, b], [f, a]]) as [(p: T) => void, number[]][]) {
      const p = prepare?.() as T;
      const t = performance.now();
      h(p);
      if (r > 1) out.push(performance.now() - t);
    }
  }
  return [(1000 * median(a)) / n, (1000 * median(b)) / n];
}

const evm = await Evm.create();
const rows: string[][] = [['workload', 'txs', 'tx encode', 'tx decode', 'outcome encode (bytes)', 'outcome encode (objects)', 'outcome decode', 'apply (bytes)', 'apply (decoded)']];
// The (a)-(c) at its sizes, as bench/parallel.ts runs them.
for (const { label: name, make } of benchWorkloads().filter((row) => ['a', 'b', 'c'].includes(row.label))) {
  const w = await make();
  const txs = w.block.transactions;
  const n = txs.length;
  // Two runs' results: one left as the interpreter's bytes, the other's write sets read (parsed into objects).
  const fromBytes = executeBlock(evm, w.pre.copy(), w.block, { fork: w.fork, stateRoot: false }).results;
  const fromObjects = executeBlock(evm, w.pre.copy(), w.block, { fork: w.fork, stateRoot: false }).results;
  for (const r of fromObjects) void r.writeSet;
  // Both encoders made before either takes its buffer, so that their buffers are one size.
  const ea = new OutcomeEncoder(n, false, true);
  const eb = new OutcomeEncoder(n, false, true);
  fromBytes.forEach((result, tx) => ea.add({ tx, inc: 0, result }));
  fromObjects.forEach((result, tx) => eb.add({ tx, inc: 0, result }));
  const a = ea.take(null);
  const b = eb.take(null);
  if (!Buffer.from(a.bytes).equals(Buffer.from(b.bytes))) throw new Error(`${name}: the two write-set paths encode differently`);
  const sab = encodeTxs(txs);
  const [bytesPath, objectsPath] = timeBoth(n, () => encodeAll(fromBytes), () => encodeAll(fromObjects));
  const [applyBytes, applyDecoded] = timeBoth(n,
    (state) => {
      for (const r of fromBytes) applyResultWriteSet(state, r);
    },
    (state) => {
      const outcomes = new Array<TxOutcome>(n);
      decodeOutcomes(a, outcomes);
      for (const o of outcomes) applyResultWriteSet(state, o.result);
    },
    () => w.pre.copy());
  rows.push([
    name,
    String(n),
    time(n, () => encodeTxs(txs)).toFixed(2),
    time(n, () => {
      const list = new TxList(sab);
      for (let i = 0; i < n; i++) list.get(i);
    }).toFixed(2),
    bytesPath.toFixed(2),
    objectsPath.toFixed(2),
    time(n, () => decodeOutcomes(a, new Array<TxOutcome>(n))).toFixed(2),
    applyBytes.toFixed(2),
    applyDecoded.toFixed(2),
  ]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
console.log(`us per transaction, medians of ${rounds - 1} rounds after one untimed (the pairs: ${rounds - 2} after two, alternating)`);
for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
