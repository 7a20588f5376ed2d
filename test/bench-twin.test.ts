// bench/twin.ts: the worker thread that runs a bench block beside the main thread's
// must run the very same block (same gas, same receipts root, or a fixture's checks
// passed) from a fresh copy every time.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { mainnetBlocksDir } from '../bench/blocks.js';
import { benchWorkloads } from '../bench/parallel-rows.js';
import { SequentialTwin } from '../bench/twin.js';
import { executeBlock } from '../src/block/execute.js';
import { readBlockFixture, runBlockFixture } from '../src/block/fixture.js';
import { Evm } from '../src/evm/evm.js';
import { bytesToHex } from '../src/util/hex.js';

test('the twin runs the same generated blocks as this thread (rows a and f, quick sizes)', async () => {
  const rows = benchWorkloads(true);
  const evm = await Evm.create();
  const twin = SequentialTwin.start();
  try {
    for (const label of ['a', 'f']) {
      const row = rows.findIndex((r) => r.label === label);
      const w = await rows[row].make();
      const mine = executeBlock(evm, w.pre.copy(), w.block, { fork: w.fork, stateRoot: false });
      await twin.load({ row, quick: true });
      const a = await twin.run();
      const b = await twin.run();
      assert.is(a.gas, mine.gasUsed, `${label}: gas`);
      assert.is(a.check, bytesToHex(mine.receiptsRoot), `${label}: receipts root`);
      assert.is(b.check, a.check, `${label}: a second run from a fresh copy`);
      assert.ok(a.ms > 0 && b.ms > 0);
    }
  } finally {
    await twin.close();
  }
});

const FIXTURE = join(mainnetBlocksDir(), '4370000.json');

test('the twin runs a mainnet block fixture and passes its checks', async () => {
  if (!existsSync(FIXTURE)) return; // no vectors here (they are read through LANES_VECTORS)
  const mine = runBlockFixture(await Evm.create(), readBlockFixture(FIXTURE));
  const twin = SequentialTwin.start();
  try {
    await twin.load({ fixture: FIXTURE });
    const r = await twin.run();
    assert.is(r.check, 'pass');
    assert.is(r.gas, mine.gasUsed);
  } finally {
    await twin.close();
  }
});

test.run();
