// EIP-3155 traces. Expectations come from outside the code under test: the EIP's own
// example (geth's `evm --json run` output) and @ethereumjs/evm's step events, step
// for step (pc, op, gas, stack, depth), on hand-written programs in full and on the
// evm-benchmarks state tests for their first steps.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Evm } from '../src/evm/evm.js';
import type { Tx } from '../src/evm/types.js';
import { forkByName } from '../src/fork/table.js';
import { readStateTestFile, type StateTestCase } from '../src/statetest/parse.js';
import { collectJsonFiles } from '../src/statetest/runner.js';
import { formatStep, type TraceStep } from '../src/trace/step.js';
import { COINBASE, SENDER, toCase, type CaseSpec } from '../src/fuzz/case.js';
import { runReference, StopRun, type RefStep } from '../src/fuzz/ethjs.js';
import { hexToBytes } from '../src/util/hex.js';
import { repoRoot, vectorsDir } from '../src/util/vectors.js';

const STEP_LIMIT = Number(process.env.LANES_TRACE_STEPS ?? 20_000);
const CLI = join(repoRoot(), 'dist', 'src', 'cli', 'main.js');

let evm: Evm;
test.before(async () => {
  evm = await Evm.create();
});

/** Lanes' steps of a case (at most `limit`). */
function lanesSteps(c: StateTestCase, limit = Infinity): TraceStep[] {
  const steps: TraceStep[] = [];
  try {
    evm.runTx(c.pre.copy(), c.block, c.tx as Tx, forkByName(c.fork), {
      trace: (s) => {
        if (steps.length >= limit) throw new StopRun();
        steps.push(s);
      },
    });
  } catch (e) {
    if (!(e instanceof StopRun)) throw e;
  }
  return steps;
}

async function refSteps(c: StateTestCase, limit = Infinity): Promise<RefStep[]> {
  const steps: RefStep[] = [];
  try {
    await runReference(c, (s) => {
      if (steps.length >= limit) throw new StopRun();
      steps.push(s);
    });
  } catch (e) {
    if (!(e instanceof StopRun)) throw e;
  }
  return steps;
}

/**
 * Step for step, except one known difference: running off the end of the code is an
 * implicit STOP that geth (and Lanes) trace as a STOP step while @ethereumjs/evm ends
 * the frame without a step. Our STOP steps the reference lacks are skipped.
 */
function compareSteps(ours: TraceStep[], ref: RefStep[], what: string): void {
  const same = (a: TraceStep, b: RefStep | undefined) => b !== undefined && a.pc === b.pc && a.op === b.op && a.gas === b.gas
    && a.depth === b.depth && a.stack.length === b.stack.length && a.stack.every((x, j) => x === b.stack[j]);
  const calls = new Set([0xf1, 0xf2, 0xf4, 0xfa]);
  let j = 0;
  for (let i = 0; i < ours.length; i++) {
    const a = ours[i], b = ref[j];
    if (same(a, b)) {
      // gasCost as the reference prices the operation, where both mean the same: not for
      // calls (geth's gasCost includes the callee's gas) and not for failing operations.
      if (!calls.has(a.op) && a.error === undefined && a.gasCost !== b.fee) {
        assert.unreachable(`${what}: step ${i} (${a.opName} at pc ${a.pc}) gasCost ${a.gasCost}, the reference charges ${b.fee}`);
      }
      j++;
      continue;
    }
    if (a.op === 0) continue; // implicit STOP at the end of the code
    if (b === undefined) assert.unreachable(`${what}: Lanes has ${ours.length - i} more steps from step ${i}: ${formatStep(a)}`);
    assert.unreachable(`${what}: step ${i} differs\n  lanes:       ${formatStep(a)}\n  ethereumjs:  ` +
      JSON.stringify({ pc: b.pc, op: b.op, gas: '0x' + b.gas.toString(16), stack: b.stack.map((x) => '0x' + x.toString(16)), depth: b.depth }));
  }
  // With a step bound, the skipped STOPs let the reference run a few steps further.
  if (ours.length < STEP_LIMIT) assert.is(j, ref.length, `${what}: the reference has more steps`);
}

// ---------------------------------------------------------------- the EIP's example

test('the EIP-3155 example trace (geth evm --json run, Istanbul) is reproduced field for field', () => {
  // From the EIP's "Test Cases": pc, op, gas, gasCost, memSize, stack, returnData.
  const rd = '0xf5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b';
  const expected: [number, number, string, string, number, string[], string][] = [
    [0, 96, '0x2540be400', '0x3', 0, [], '0x'],
    [2, 128, '0x2540be3fd', '0x3', 0, ['0x40'], '0x'],
    [3, 83, '0x2540be3fa', '0xc', 0, ['0x40', '0x40'], '0x'],
    [4, 96, '0x2540be3ee', '0x3', 96, [], '0x'],
    [6, 96, '0x2540be3eb', '0x3', 96, ['0x40'], '0x'],
    [8, 85, '0x2540be3e8', '0x4e20', 96, ['0x40', '0x40'], '0x'],
    [9, 96, '0x2540b95c8', '0x3', 96, [], '0x'],
    [11, 96, '0x2540b95c5', '0x3', 96, ['0x40'], '0x'],
    [13, 96, '0x2540b95c2', '0x3', 96, ['0x40', '0x0'], '0x'],
    [15, 96, '0x2540b95bf', '0x3', 96, ['0x40', '0x0', '0x40'], '0x'],
    [17, 96, '0x2540b95bc', '0x3', 96, ['0x40', '0x0', '0x40', '0x0'], '0x'],
    [19, 90, '0x2540b95b9', '0x2', 96, ['0x40', '0x0', '0x40', '0x0', '0x2'], '0x'],
    [20, 250, '0x2540b95b7', '0x24abb676c', 96, ['0x40', '0x0', '0x40', '0x0', '0x2', '0x2540b95b7'], '0x'],
    [21, 96, '0x2540b92a7', '0x3', 96, ['0x1'], rd],
    [23, 243, '0x2540b92a4', '0x0', 96, ['0x1', '0x40'], rd],
  ];
  const lines: string[] = [];
  const r = evm.runCode({
    code: hexToBytes('0x604080536040604055604060006040600060025afa6040f3'), gasLimit: 10_000_000_000n, fork: forkByName('Istanbul'),
    trace: (s) => lines.push(formatStep(s)),
  });
  assert.is(r.gasUsed, 0x515cn); // the example's summary: "gasUsed":"0x515c"
  assert.is(lines.length, expected.length);
  lines.forEach((l, i) => {
    const o = JSON.parse(l);
    const [pc, op, gas, gasCost, memSize, stack, returnData] = expected[i];
    assert.equal({ pc: o.pc, op: o.op, gas: o.gas, gasCost: o.gasCost, memSize: o.memSize, stack: o.stack, returnData: o.returnData, depth: o.depth },
      { pc, op, gas, gasCost, memSize, stack, returnData, depth: 1 }, `line ${i}`);
    assert.is(o.refund, '0x0');
  });
});

// ---------------------------------------------------------------- short programs, full traces

const A = '0x' + '00'.repeat(19) + 'aa';
const B = '0x' + '00'.repeat(19) + 'bb';
const C = '0x' + '00'.repeat(19) + 'cc';

function spec(code: Record<string, string>, tx: Partial<CaseSpec['tx']> = {}): CaseSpec {
  const pre: CaseSpec['pre'] = { [SENDER]: { balance: '0xffffffffffffffffffff', nonce: '0x0', code: '0x', storage: {} } };
  for (const [addr, c] of Object.entries(code)) pre[addr] = { balance: '0x1000', nonce: '0x1', code: c, storage: { '0x1': '0x2a' } };
  return {
    fork: 'Cancun',
    env: { number: 300n, timestamp: 1000n, gasLimit: 30_000_000n, baseFee: 7n, random: '0x' + '11'.repeat(32), coinbase: COINBASE },
    pre,
    tx: { type: 2, nonce: 0n, to: A, value: 5n, data: '0x0102', gasLimit: 1_000_000n, gasPrice: 100n, maxPriorityFeePerGas: 2n, accessList: [], ...tx },
  };
}

const PROGRAMS: [string, CaseSpec][] = [
  // SSTORE, MSTORE8, STATICCALL to sha256, RETURN (the EIP example under Cancun)
  ['eip example, Cancun', spec({ [A]: '0x604080536040604055604060006040600060025afa6040f3' })],
  // CALL B with value 1 (B: SLOAD/SSTORE/LOG1/RETURN 32 bytes), RETURNDATACOPY, RETURN
  ['call with value, log, returndata', spec({
    [A]: '0x60206000600060006001' + '73' + B.slice(2) + '5af1' + '3d600060003e' + '60206000f3',
    [B]: '0x600154600101600155' + '60aa600052' + '60ff60206000a1' + '60206000f3',
  })],
  // child reverts with data; child runs out of gas (gas 100); child hits INVALID; child underflows
  ['failing children', spec({
    [A]: '0x6000600060006000' + '73' + B.slice(2) + '5af450' + // DELEGATECALL B (reverts)
      '600060006000600060006000' + '73' + C.slice(2) + '6064f150' + // CALL C with 100 gas (loops out of gas)
      '60006000600060006000' + '73' + '00'.repeat(19) + 'dd' + '5afa50' + // STATICCALL an empty account
      '6001600255' + '3d6000f3',
    [B]: '0x6005600052' + '6004601cfd',
    [C]: '0x5b600056',
  })],
  // CREATE and CREATE2 of a contract returning 0x6001; EXTCODESIZE of the new one; SELFDESTRUCT
  ['create, create2, selfdestruct', spec({
    [A]: '0x' + '6a' + '6160016000526002601ef3' + '600052' + // initcode (11 bytes) at memory 21..31
      '600b6015600af0' + '3b50' + // CREATE with value 10, EXTCODESIZE
      '6007600b60156000f5' + // CREATE2 salt 7
      '73' + C.slice(2) + 'ff',
  })],
  // a creation transaction whose initcode stores and returns code
  ['creation transaction', spec({}, { to: null, data: '0x6001600055' + '6160016000526002601ef3' })],
  // errors in the top frame: bad jump
  ['bad jump', spec({ [A]: '0x600456' })],
  ['stack underflow', spec({ [A]: '0x600101' })],
  ['out of gas in memory expansion', spec({ [A]: '0x63ffffffff51' })],
  ['static violation', spec({ [A]: '0x60006000600060006000' + '73' + B.slice(2) + '5afa00', [B]: '0x6001600155' })],
];

for (const [name, s] of PROGRAMS) {
  test(`full trace agrees with @ethereumjs/evm: ${name}`, async () => {
    const c = toCase(name, s);
    const ours = lanesSteps(c);
    const ref = await refSteps(c);
    assert.ok(ours.length > 0);
    compareSteps(ours, ref, name);
  });
}

test('gasCost: the gas each operation took (a call: with the gas it gave; a create: without)', () => {
  const c = toCase('call', PROGRAMS[1][1]);
  const steps = lanesSteps(c);
  for (let i = 0; i + 1 < steps.length; i++) {
    const s = steps[i], next = steps[i + 1];
    if (s.depth !== next.depth) continue;
    if (s.opName === 'CALL') assert.ok(s.gasCost > s.gas - next.gas, 'a call charges the child gas it later refunds');
    else assert.is(s.gasCost, s.gas - next.gas, `${s.opName} at pc ${s.pc}`);
  }
  const create = lanesSteps(toCase('create', PROGRAMS[3][1])).find((s) => s.opName === 'CREATE')!;
  assert.ok(create.gasCost < 40_000n, `CREATE gasCost ${create.gasCost} excludes the child's gas`);
  const failing = lanesSteps(toCase('underflow', PROGRAMS[6][1]));
  assert.is(failing[failing.length - 1].error, 'stack underflow');
});

test('tracing changes nothing: results with and without a tracer are identical', () => {
  for (const [name, s] of PROGRAMS) {
    const c = toCase(name, s);
    const plain = c.pre.copy(), traced = c.pre.copy();
    const a = evm.runTx(plain, c.block, c.tx as Tx, forkByName(c.fork));
    const b = evm.runTx(traced, c.block, c.tx as Tx, forkByName(c.fork), { trace: () => {} });
    assert.equal({ ...b, readSet: undefined }, { ...a, readSet: undefined }, name);
    assert.equal(traced.stateRoot(), plain.stateRoot(), name);
  }
});

// ---------------------------------------------------------------- evm-benchmarks, bounded

const benchDir = join(vectorsDir(), 'evm-benchmarks');
const benchFiles = existsSync(benchDir) ? collectJsonFiles([benchDir]) : [];
if (benchFiles.length === 0) {
  test('evm-benchmarks traces', () => {
    console.log(`  (skipped: no evm-benchmarks vectors at ${benchDir}; set LANES_VECTORS)`);
  });
}
for (const file of benchFiles) {
  test(`evm-benchmarks ${file.slice(benchDir.length + 1)}: first ${STEP_LIMIT} steps agree with @ethereumjs/evm`, async () => {
    for (const c of readStateTestFile(file)) {
      const ours = lanesSteps(c, STEP_LIMIT);
      const ref = await refSteps(c, STEP_LIMIT);
      compareSteps(ours, ref, `${c.name} d=${c.indexes.data}`);
    }
  });
}

// ---------------------------------------------------------------- the CLI

test('lanes run --trace: one JSON line per operation on stderr, then the summary', () => {
  const r = spawnSync(process.execPath, [CLI, 'run', '--trace', '--code', '0x6001600201600055'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.slice(0, -1).map((l) => l.opName), ['PUSH1', 'PUSH1', 'ADD', 'PUSH1', 'SSTORE', 'STOP']);
  assert.equal(lines[4].stack, ['0x3', '0x0']);
  assert.is(lines[4].gasCost, '0x' + (22100).toString(16)); // cold slot, zero to non-zero
  const summary = lines[lines.length - 1];
  assert.equal(Object.keys(summary).slice(0, 4), ['stateRoot', 'output', 'gasUsed', 'pass']);
  assert.is(summary.gasUsed, '0x' + (3 * 4 + 22100).toString(16));
  assert.is(summary.pass, true);
  assert.match(r.stdout, /gasUsed: 22112/);
});

test('lanes statetest --trace: steps and a summary line per case, results as without it', () => {
  const file = benchFiles.find((f) => f.endsWith('swap_math.json'));
  if (!file) return;
  const r = spawnSync(process.execPath, [CLI, 'statetest', '--trace', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.is(r.status, 0, r.stderr.slice(-2000));
  assert.match(r.stdout, /3 passed, 0 failed/);
  const summaries = r.stderr.split('\n').filter((l) => l.startsWith('{"stateRoot"')).map((l) => JSON.parse(l));
  assert.is(summaries.length, 3);
  for (const s of summaries) assert.is(s.pass, true);
  const c = readStateTestFile(file)[0];
  const first = r.stderr.split('\n')[0];
  assert.is(first, formatStep(lanesSteps(c, 1)[0]));
});

test.run();
