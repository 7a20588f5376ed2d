// Hostile input: malformed files and hex, truncated fixtures, absurd numbers, huge
// memory requests, deep recursion, maximal contracts. Each must end in a clear error
// (exit status 2 and a message naming the problem) or the correct EVM result (as
// @ethereumjs/evm computes it) -- never a crash, a hang or the process running out
// of memory. Through the CLI (a child process, with a time limit) and the library.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Evm } from '../src/evm/evm.js';
import type { Tx } from '../src/evm/types.js';
import { forkByName } from '../src/fork/table.js';
import { COINBASE, SENDER, toCase, toStateTest, type CaseSpec } from '../src/fuzz/case.js';
import { compareOutcomes, runLanes } from '../src/fuzz/compare.js';
import { runReference } from '../src/fuzz/ethjs.js';
import { parseStateTestFile } from '../src/statetest/parse.js';
import { InputError, hexToBytes } from '../src/util/hex.js';
import { repoRoot } from '../src/util/vectors.js';

const CLI = join(repoRoot(), 'dist', 'src', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'lanes-hostile-'));
let evm: Evm;
test.before(async () => {
  evm = await Evm.create();
});

function cli(args: string[], timeoutMs = 60_000) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 26 });
  assert.is(r.signal, null, `lanes ${args.join(' ').slice(0, 80)}: killed by ${r.signal} (hang or crash)\n${r.stderr?.slice(-500)}`);
  return r;
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** A clear usage/input error: exit status 2, one line naming the problem, no stack trace. */
function inputError(args: string[], message: RegExp): void {
  const r = cli(args);
  assert.is(r.status, 2, `exit status of lanes ${args.join(' ').slice(0, 80)}: ${r.stderr}`);
  assert.match(r.stderr, message);
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
}

const A = '0x' + '00'.repeat(19) + 'aa';

function spec(code: string, tx: Partial<CaseSpec['tx']> = {}, env: Partial<CaseSpec['env']> = {}): CaseSpec {
  return {
    fork: 'Cancun',
    env: { number: 1n, timestamp: 1000n, gasLimit: 30_000_000n, baseFee: 7n, random: '0x' + '00'.repeat(32), coinbase: COINBASE, ...env },
    pre: {
      [SENDER]: { balance: '0x' + ((1n << 255n)).toString(16), nonce: '0x0', code: '0x', storage: {} },
      [A]: { balance: '0x0', nonce: '0x1', code, storage: {} },
    },
    tx: { type: 0, nonce: 0n, to: A, value: 0n, data: '0x', gasLimit: 1_000_000n, gasPrice: 10n, maxPriorityFeePerGas: 0n, accessList: [], ...tx },
  };
}

/** Lanes and the reference EVM agree on a case (status, gas, output, logs, post-state). */
async function agrees(name: string, s: CaseSpec): Promise<ReturnType<typeof runLanes>> {
  const c = toCase(name, s);
  const ours = runLanes(evm, c);
  const ref = await runReference(c);
  assert.equal(compareOutcomes(ours, ref, s.tx.to === null), [], name);
  return ours;
}

// ---------------------------------------------------------------- malformed files (CLI)

test('statetest: malformed JSON, truncated fixtures, wrong shapes are input errors', () => {
  inputError(['statetest', file('garbage.json', 'not json at all')], /garbage\.json: invalid JSON/);
  inputError(['statetest', file('empty.json', '')], /empty\.json: invalid JSON/);
  inputError(['statetest', file('array.json', '[]')], /expected an object/);
  const good = JSON.stringify(toStateTest('t', spec('0x00')));
  for (const cut of [1, 10, good.length >> 1, good.length - 2]) {
    inputError(['statetest', file(`trunc${cut}.json`, good.slice(0, cut))], /invalid JSON/);
  }
  const t = JSON.parse(good);
  const variant = (name: string, f: (x: Record<string, any>) => void) => {
    const y = JSON.parse(good);
    f(y.t);
    return file(name, JSON.stringify(y));
  };
  void t;
  inputError(['statetest', variant('noenv.json', (x) => delete x.env)], /env/);
  inputError(['statetest', variant('prearray.json', (x) => (x.pre = []))], /pre/);
  inputError(['statetest', variant('badhex.json', (x) => (x.pre[A].code = '0xzz'))], /hex/);
  inputError(['statetest', variant('oddhex.json', (x) => (x.pre[A].code = '0x123'))], /odd number of hex digits/);
  inputError(['statetest', variant('badaddr.json', (x) => (x.transaction.to = '0x1234'))], /to/);
  inputError(['statetest', variant('numgas.json', (x) => (x.transaction.gasLimit = [{}]))], /gasLimit/);
  inputError(['statetest', variant('badindex.json', (x) => (x.post.Cancun[0].indexes.data = 7))], /indexes\.data/);
  inputError(['statetest', variant('blockgas.json', (x) => (x.env.currentGasLimit = '0x1' + '0'.repeat(20)))], /currentGasLimit/);
  inputError(['statetest', join(dir, 'missing.json')], /no such file/);
});

test('run: bad hex, bad numbers and unknown flags are usage or input errors', () => {
  inputError(['run', '--code', '0xzz'], /--code: invalid hex digit/);
  inputError(['run', '--code', '0x123'], /odd number of hex digits/);
  inputError(['run', '--code', '00', '--input', 'xyz'], /--input/);
  inputError(['run', '--code', '00', '--gas', '0x1' + '0'.repeat(20)], /--gas.*64 bits/);
  inputError(['run', '--code', '00', '--gas', 'lots'], /--gas/);
  inputError(['run', '--code', '00', '--gas=-5'], /--gas/);
  inputError(['run', '--codefile', join(dir, 'nope.hex')], /cannot read/);
  inputError(['run', '--code', '00', '--fork', 'Atlantis'], /Atlantis/);
  inputError(['run', '--code', '00', '--bogus'], /bogus/);
});

// ---------------------------------------------------------------- absurd numbers and sizes

test('CLI run: 1 GB and 4 GB memory requests, 2^32 offsets and lengths run out of gas promptly', () => {
  const programs = [
    '0x600163400000005200', // MSTORE at 2^30
    '0x6001640100000000525900', // MSTORE at 2^32
    '0x63ffffffff6000206000f3', // KECCAK256 of 2^32-1 bytes
    '0x6340000000600060003700', // CALLDATACOPY of 1 GB
    '0x63400000006000f3', // RETURN 1 GB
    '0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff6000f3', // RETURN 2^256-1 bytes
  ];
  for (const code of programs) {
    const r = cli(['run', '--json', '--gas', '9223372036854775807', '--code', code], 20_000);
    assert.is(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.is(out.error, 'out of gas', code);
  }
});

test('memory: a 64 MB expansion with the gas for it succeeds and MSIZE reports it', () => {
  // MSTORE(64 MB - 32, 1); MSTORE(0, MSIZE); RETURN(0, 32). Memory words 2^21: 3*2^21 + 2^42/512 gas.
  const r = evm.runCode({ code: hexToBytes('0x600163' + '03ffffe0' + '52' + '595f52' + '60205ff3'), gasLimit: 20_000_000_000n });
  assert.is(r.status, 'success', r.error);
  assert.is(BigInt('0x' + Buffer.from(r.output).toString('hex')), 64n << 20n);
  // PUSH1 PUSH4 MSTORE MSIZE PUSH0 MSTORE PUSH1 PUSH0 RETURN: 3+3+3+2+2+3+3+2+0
  assert.is(r.gasUsed, 3n * (1n << 21n) + (1n << 42n) / 512n + 21n);
});

test('library: huge code or calldata give correct results', () => {
  const r = evm.runCode({ code: new Uint8Array(10 << 20).fill(0x5b), gasLimit: 1_000_000n }); // 10 MB of JUMPDESTs
  assert.is(r.error, 'out of gas');
  const d = evm.runCode({ code: hexToBytes('0x3660005260206000f3'), data: new Uint8Array(4 << 20), gasLimit: 1_000_000n }); // CALLDATASIZE of 4 MB
  assert.is(BigInt('0x' + Buffer.from(d.output).toString('hex')), 4n << 20n);
});

// Open (reported to the lead): gas beyond 2^63 - 1 is clamped to the WASM's i64 when the
// message starts, but gas used is computed from the unclamped limit, so the sender pays
// ~2^63 gas and GAS reports the clamped value; a negative gas limit is accepted.
test('library: a gas limit above 2^63 gives the correct result or an input error; a negative one an input error', () => {
  let big;
  try {
    big = evm.runCode({ code: hexToBytes('0x5a00'), gasLimit: (1n << 64n) + 5n }); // GAS, STOP
  } catch (e) {
    assert.instance(e, Error);
  }
  if (big) assert.is(big.gasUsed, 2n, 'GAS and STOP use 2 gas');
  assert.throws(() => evm.runCode({ code: hexToBytes('0x00'), gasLimit: -1n }));
});

test('transactions with gas limits near and above 2^63 match the reference EVM or are refused as input errors', async () => {
  const code = '0x5a60005260206000f3'; // return GAS
  const max = (1n << 64n) - 1n;
  // Below 2^63: exact, like the reference EVM.
  await agrees('gas 2^63-1', spec(code, { gasLimit: (1n << 63n) - 1n }, { gasLimit: max }));
  // From 2^63 (valid 64-bit fields, but beyond the interpreter's signed gas counter):
  // a clear input error, never a different GAS reading.
  for (const g of [1n << 63n, max - 1n]) {
    assert.throws(() => runLanes(evm, toCase(`gas ${g}`, spec(code, { gasLimit: g }, { gasLimit: max }))), (e: unknown) => e instanceof InputError && /2\^63/.test((e as Error).message));
  }
  // Above the block's gas limit: an invalid transaction, nothing changes.
  const c = toCase('over', spec(code, { gasLimit: (1n << 64n) + 1n }, { gasLimit: max }));
  const ours = runLanes(evm, c);
  assert.is(ours.status, 'invalid');
  assert.equal(ours.post, c.pre.toJSON());
});

// ---------------------------------------------------------------- depth and size limits

test('a 1024-deep recursion (CALL to itself with all gas) matches the reference EVM, library and CLI', async () => {
  // CALL(gas, ADDRESS, 0, 0, 0, 0, 0); SSTORE(CALLDATASIZE, result); STOP -- the depth limit stops it
  const code = '0x5f5f5f5f5f305af1365500';
  const s = spec(code, { gasLimit: 100_000_000_000n }, { gasLimit: 100_000_000_000n });
  const ours = await agrees('recursion', s);
  assert.is(ours.status, 'success');
  const f = file('recursion.json', JSON.stringify(toStateTest('recursion', s, { hash: '0x' + '00'.repeat(32), logs: '0x' + '00'.repeat(32) })));
  const r = cli(['statetest', '--json', f]);
  assert.is(r.status, 1); // the zero expectation fails, but the case runs to a state root
  assert.match(JSON.parse(r.stdout)[0].stateRoot, /^0x[0-9a-f]{64}$/);
});

test('24 KB contracts: all JUMPDESTs runs; code of exactly 24576 bytes deploys, one more does not', async () => {
  await agrees('jumpdests', spec('0x' + '5b'.repeat(24576)));
  await agrees('jumpdests and a loop', spec('0x' + '5b'.repeat(24570) + '5f56', { gasLimit: 2_000_000n })); // JUMP 0 forever: out of gas
  // initcode: RETURN(0, n) of zeroes
  const deploy = (n: number) => '0x62' + n.toString(16).padStart(6, '0') + '5ff3';
  const ok = await agrees('max code', spec('0x', { to: null, data: deploy(24576), gasLimit: 10_000_000n }));
  assert.is(ok.status, 'success');
  const tooBig = await agrees('code too large', spec('0x', { to: null, data: deploy(24577), gasLimit: 10_000_000n }));
  assert.is(tooBig.status, 'halt');
  // initcode above 49152 bytes (EIP-3860): an invalid transaction
  const c = toCase('initcode', spec('0x', { to: null, data: '0x' + '00'.repeat(49153), gasLimit: 10_000_000n }));
  assert.is(runLanes(evm, c).status, 'invalid');
});

test('absurd balances, nonces and values in the pre-state and the transaction', async () => {
  const s = spec('0x4760005260206000f3'); // return SELFBALANCE
  s.pre[A].balance = '0x' + ((1n << 256n) - 1n).toString(16);
  await agrees('max balance', s);
  const v = spec('0x00', { value: (1n << 256n) - 1n }); // more than the sender has: invalid
  assert.is(runLanes(evm, toCase('value', v)).status, 'invalid');
  const n = spec('0x00', { nonce: (1n << 64n) - 1n }); // EIP-2681: nonce at the maximum is invalid
  n.pre[SENDER].nonce = '0xffffffffffffffff';
  const c = toCase('nonce', n);
  assert.is(runLanes(evm, c).status, 'invalid');
  // Wider than 256 bits: a transaction that cannot exist; the parser keeps it and reports it
  const w = JSON.parse(JSON.stringify(toStateTest('wide', spec('0x00'))));
  w.wide.transaction.value = ['0x1' + '0'.repeat(70)];
  const [wc] = parseStateTestFile('wide.json', JSON.stringify(w));
  assert.ok(wc.unencodable);
});

test('library: a tracer that throws stops the run and leaves the EVM usable', () => {
  const loop = hexToBytes('0x5b5f56');
  assert.throws(() => evm.runCode({ code: loop, gasLimit: 10_000_000n, trace: () => { throw new Error('stop'); } }), /stop/);
  const r = evm.runCode({ code: hexToBytes('0x600160020160005260206000f3') });
  assert.is(r.status, 'success');
  const tx: Tx = { type: 0, sender: hexToBytes(SENDER), nonce: 0n, gasLimit: 100_000n, to: hexToBytes(A), value: 0n, data: new Uint8Array(0), gasPrice: 10n, accessList: [] };
  void tx;
  void forkByName;
  void readFileSync;
});

test.run();
