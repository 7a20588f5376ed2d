// A transaction's write set reaches a state three ways, which must agree: from the
// WASM's bytes (Evm.runTx, the sequential executor), from its objects (applyWriteSet),
// and from a Block-STM outcome's encoding (the parallel commit, without decoding it
// into objects). Random blocks (transfers, ERC-20 calls, creations, CREATE2
// redeploys, self-destructs, reverts, EIP-7702 delegations) give the write sets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { blockEnv } from '../src/block/execute.js';
import { Evm } from '../src/evm/evm.js';
import { applyResultWriteSet, applyWriteSet, writeSetBytesOf } from '../src/evm/sets.js';
import { OutcomeEncoder, decodeOutcomes } from '../src/parallel/outcome-codec.js';
import type { TxOutcome } from '../src/parallel/protocol.js';
import { worldSource } from '../src/state/source.js';
import { randomBlock } from './support/random-blocks.js';

const evm = await Evm.create();
const BLOCKS = 12;

test(`write sets from bytes, objects and outcome encodings give the same state (${BLOCKS} random blocks)`, () => {
  let writes = 0;
  let slots = 0;
  let deleted = 0;
  for (let i = 0; i < BLOCKS; i++) {
    const b = randomBlock(11, i);
    const fork = b.options.fork;
    const env = blockEnv(b.block.header, 1n, () => undefined);
    const fromBytes = b.pre.copy();
    const fromObjects = b.pre.copy();
    const fromEncoding = b.pre.copy();
    b.block.transactions.forEach((tx, j) => {
      const what = `block ${i}, transaction ${j} (${b.kinds[j]})`;
      const r1 = evm.runTx(fromBytes, env, tx, fork);
      const r2 = evm.executeTx(worldSource(fromObjects), env, tx, fork);
      applyWriteSet(fromObjects, r2.writeSet);
      const r3 = evm.executeTx(worldSource(fromEncoding), env, tx, fork);
      // r2's write set has been read (objects), r3's not (the WASM's bytes): both encode
      // alike (the encoders made together, so that their buffers are one size).
      const e = new OutcomeEncoder(1, true);
      const fromParsed = new OutcomeEncoder(1, true);
      assert.ok(writeSetBytesOf(r3) !== undefined || r3.invalid !== undefined, what);
      e.add({ tx: 0, result: r3 });
      fromParsed.add({ tx: 0, result: r2 });
      const encoded = e.take(null);
      const encodedObjects = fromParsed.take(null);
      assert.ok(writeSetBytesOf(r2) === undefined, what);
      assert.ok(Buffer.from(encoded.bytes).equals(Buffer.from(encodedObjects.bytes)), `${what}: the encoding of bytes and of objects`);
      const decoded: TxOutcome[] = [];
      decodeOutcomes(encoded, decoded);
      applyResultWriteSet(fromEncoding, decoded[0].result);
      // The kept bytes, read after the fact, are the objects the others were made of.
      assert.equal(r1.writeSet, r2.writeSet, what);
      assert.equal(decoded[0].result.writeSet, r2.writeSet, what);
      writes += r2.writeSet.length;
      slots += r2.writeSet.reduce((n, w) => n + w.storage.length, 0);
      deleted += r2.writeSet.filter((w) => w.deleted).length;
    });
    assert.equal(fromBytes.toJSON(), fromObjects.toJSON(), `block ${i}`);
    assert.equal(fromEncoding.toJSON(), fromObjects.toJSON(), `block ${i}`);
    assert.equal(fromBytes.stateRoot(), fromObjects.stateRoot(), `block ${i}`);
  }
  // The blocks must have exercised what the paths differ in.
  assert.ok(writes > 100 && slots > 50 && deleted > 0, `${writes} account writes, ${slots} slots, ${deleted} deletions`);
});

test.run();
