// The benchmark workloads run on Lanes and on @ethereumjs/evm and must agree on
// status, gas used, refund, output, logs and created address. A few cheap rows
// only, and no timing: `npm run bench` does the measuring.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { asm, deployCode } from '../bench/asm.js';
import { benchmarkWorkloads, benchmarksDir, tokenWorkloads } from '../bench/contracts.js';
import { checkWorkload } from '../bench/measure.js';
import { opcodeWorkloads } from '../bench/opcodes.js';
import { bytesToHex } from '../src/util/hex.js';
import type { Workload } from '../bench/engines.js';

async function agree(w: Workload) {
  const c = await checkWorkload(w);
  assert.equal(c.differences, [], `${w.name}: Lanes and ethereumjs disagree`);
  assert.is(c.lanes.status, 'success', `${w.name}: ${c.lanes.error}`);
  return c;
}

test('assembler: pushes, labels, deploy code', () => {
  const code = asm().push(0).push(0x1234).push(1n << 255n).label('l').pushLabel('l').op('JUMP').bytes();
  assert.is(bytesToHex(code.subarray(0, 5)), '0x6000611234');
  assert.is(code[5], 0x7f); // PUSH32
  assert.is(code[38], 0x5b); // JUMPDEST at 38
  assert.is(bytesToHex(code.subarray(39)), '0x61002656');
  const init = deployCode(Uint8Array.of(0xaa, 0xbb));
  assert.is(bytesToHex(init), '0x6100028061000d6000396000f3aabb');
});

const OPCODE_ROWS = ['ADD', 'SSTORE cold (new slots)', 'CALL (warm, 1 wei)'];

for (const name of OPCODE_ROWS) {
  test(`opcode loop agrees: ${name}`, async () => {
    const w = opcodeWorkloads(0.05).find((x) => x.name === name);
    assert.ok(w, `no opcode row ${name}`);
    const c = await agree(w!);
    assert.ok(c.lanes.gasUsed > 1000n);
  });
}

test('ERC-20: deploy, then one transfer and a batch through a contract', async () => {
  for (const w of tokenWorkloads()) {
    const c = await agree(w);
    if (w.name.includes('one call')) {
      // transfer returns true and emits Transfer(from, to, 1)
      assert.is(bytesToHex(c.lanes.output), '0x' + '00'.repeat(31) + '01');
      assert.is(c.lanes.logs.length, 1);
      assert.is(bytesToHex(c.lanes.logs[0].topics[0]), '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef');
    } else {
      assert.is(c.lanes.logs.length, 100);
    }
  }
});

test('a benchmark state test agrees (swap_math)', async () => {
  if (!existsSync(benchmarksDir())) {
    console.log(`evm-benchmarks vectors not found at ${benchmarksDir()}: skipped`);
    return;
  }
  const ws = benchmarkWorkloads(/^swap_math spent$/)!;
  assert.is(ws.length, 1);
  await agree(ws[0]);
});

test.run();
