// What a finished block leaves alive. An Evm keeps the environment it last wrote into
// its WASM instance, to skip writing it again for the next transaction of the block;
// it must not keep the block's blockHash closure with it, which (the parallel
// executor's) reaches that block's outcomes and their messages.
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { blockEnv } from '../src/block/execute.js';
import { Evm } from '../src/evm/evm.js';
import { randomBlock } from './support/random-blocks.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Runs a transaction under an environment whose blockHash closure holds an object; returns a weak reference to that object. */
function runHolding(evm: Evm): WeakRef<object> {
  const b = randomBlock(5, 0);
  const held = { outcomes: new Array(1000).fill(0) };
  const env = { ...blockEnv(b.block.header, 1n, () => undefined), blockHash: () => (held.outcomes.length === 0 ? new Uint8Array(32) : undefined) };
  const r = evm.runTx(b.pre.copy(), env, b.block.transactions[0], b.options.fork);
  assert.ok(r.invalid === undefined, 'the transaction ran');
  return new WeakRef(held);
}

test("an Evm does not keep a finished block's blockHash closure (nor what it holds)", async () => {
  const evm = await Evm.create();
  const ref = runHolding(evm);
  // A WeakRef's target lives to the end of the job that made it.
  await new Promise((r) => setTimeout(r, 0));
  gc();
  assert.is(ref.deref(), undefined, 'the environment of the last transaction is not kept');
  // The Evm still runs (its cached environment is intact).
  runHolding(evm);
});

test.run();
