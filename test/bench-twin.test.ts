// bench/twin.ts: the worker thread that runs a bench row's block beside the main
// thread's must build the very same block (same gas, same receipts root) and refuse
// nothing quietly.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { benchWorkloads } from '../bench/parallel-rows.js';
import { SequentialTwin } from '../bench/twin.js';
import { executeBlock } from '../src/block/execute.js';
import { Evm } from '../src/evm/evm.js';
import { bytesToHex } from '../src/util/hex.js';

test('the twin runs the same block as this thread (rows a and f, quick sizes)', async () => {
  const rows = benchWorkloads(true);
  const evm = await Evm.create();
  for (const label of ['a', 'f']) {
    const index = rows.findIndex((r) => r.label === label);
    const w = await rows[index].make();
    const mine = executeBlock(evm, w.pre.copy(), w.block, { fork: w.fork, stateRoot: false });
    const twin = await SequentialTwin.start(index, true);
    try {
      const a = await twin.run();
      const b = await twin.run();
      assert.is(a.gas, mine.gasUsed, `${label}: gas`);
      assert.is(a.receiptsRoot, bytesToHex(mine.receiptsRoot), `${label}: receipts root`);
      assert.is(b.receiptsRoot, a.receiptsRoot, `${label}: a second run from a fresh copy`);
      assert.ok(a.ms > 0 && b.ms > 0);
    } finally {
      await twin.close();
    }
  }
});

test.run();
