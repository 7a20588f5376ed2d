// The library API as the README shows it. Expected gas is worked out by hand from
// the Cancun schedule (EIP-2929 cold SLOAD 2100, SSTORE 0 -> 1 20000, memory 3/word).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createEVM, hexToBytes, bytesToHex, InputError } from '../src/index.js';

const alice = hexToBytes('0x' + 'aa'.repeat(20));
const counter = hexToBytes('0x' + 'cc'.repeat(20));
// SLOAD(0) + 1 -> SSTORE(0), return it
const COUNTER = hexToBytes('0x6001600054018060005560005260206000f3');

test('runCall on a deployed contract: output, gas, storage, write set', async () => {
  const evm = await createEVM({ fork: 'Cancun' });
  evm.setAccount(alice, { balance: 10n ** 18n });
  evm.setAccount(counter, { code: COUNTER });
  const r = evm.runCall({ caller: alice, to: counter, gasLimit: 100_000n });
  assert.is(r.status, 'success');
  // 3+3 (PUSH) + 2100 (cold SLOAD) + 3 (ADD) + 3 (DUP) + 3 (PUSH) + 20000 (SSTORE set)
  // + 3 (PUSH) + 6 (MSTORE + 1 word) + 3+3 (PUSH) + 0 (RETURN)
  assert.is(r.gasUsed, 22130n);
  assert.is(BigInt(bytesToHex(r.output)), 1n);
  assert.is(evm.getStorage(counter, 0n), 1n);
  assert.equal(r.writeSet.map((w) => w.address), ['cc'.repeat(20)]);
  assert.ok(r.readSet.storage.some(([a, s]) => a === 'cc'.repeat(20) && BigInt('0x' + s) === 0n));
  const again = evm.runCall({ caller: alice, to: counter, gasLimit: 100_000n });
  // second call: slot dirty from 1 to 2 costs 2900 (EIP-2929 reset) instead of 20000
  assert.is(again.gasUsed, 22130n - 20000n + 2900n);
  assert.is(evm.getStorage(counter, 0n), 2n);
});

test('runCode runs bytecode without deploying it', async () => {
  const evm = await createEVM();
  const r = evm.runCode({ code: hexToBytes('0x600160020160005260206000f3') });
  assert.is(r.status, 'success');
  assert.is(r.gasUsed, 24n); // PUSH, PUSH, ADD, PUSH: 12; MSTORE 3 + 3 for one memory word; PUSH, PUSH: 6; RETURN 0
  assert.is(BigInt(bytesToHex(r.output)), 3n);
});

test('errors are statuses, not exceptions; bad addresses are input errors', async () => {
  const evm = await createEVM();
  assert.is(evm.runCode({ code: hexToBytes('0xfe') }).error, 'invalid opcode');
  assert.is(evm.runCode({ code: hexToBytes('0x6000ff') }).status, 'success'); // SELFDESTRUCT halts successfully
  assert.is(evm.runCode({ code: hexToBytes('0x01') }).error, 'stack underflow');
  const loop = evm.runCode({ code: hexToBytes('0x5b600056'), gasLimit: 1000n }); // JUMPDEST PUSH1 0 JUMP forever
  assert.is(loop.error, 'out of gas');
  assert.is(loop.gasUsed, 1000n);
  assert.throws(() => evm.setAccount(new Uint8Array(3)), (e: unknown) => e instanceof InputError);
});


// The README's examples, run as a user would (node examples/*.mjs against the build).
const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
// The test runner forces colours on; console.log would colour the bigints.
const PLAIN = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' };

test('examples/library.mjs runs and prints what the README says', () => {
  const r = spawnSync(process.execPath, [join(EXAMPLES, 'library.mjs')], { encoding: 'utf8', env: PLAIN });
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.is(lines[0], `success 22130n 0x${'00'.repeat(31)}01`);
  assert.is(lines[1], 'slot 0 = 1n');
  assert.is(lines[3], 'success 24n 3n');
});

test('examples/block.mjs: the parallel block equals the sequential one', () => {
  const r = spawnSync(process.execPath, [join(EXAMPLES, 'block.mjs')], { encoding: 'utf8', env: PLAIN });
  assert.is(r.status, 0, r.stderr);
  const pairs = r.stdout.trim().split('\n').slice(0, 3).map((l) => l.split(' ').slice(-2));
  for (const [a, b] of pairs) assert.is(b, a);
  assert.ok(/^gas used [1-9][0-9]*n /.test(r.stdout), r.stdout);
  assert.ok(/parallel run: (parallel|sequential)/.test(r.stdout), r.stdout);
});

test.run();
