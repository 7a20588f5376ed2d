// Parallel block execution (src/parallel): on generated workloads, the repository's
// block fixtures, every block of the ethereum/tests BlockchainTests and of the
// execution-spec-tests blockchain tests (Prague, Osaka), and the mainnet blocks,
// Block-STM on 2, 3 and 4 worker threads (and 1, on the workloads and a sample)
// must give what the sequential executor gives, bit for bit: state root, receipts
// (status, cumulative gas, logs), logs bloom, gas, per-transaction results, or the same
// InvalidBlockError (test/support/parallel-compare.ts). The sequential executor
// (src/block/execute.ts) is the reference. Random blocks: parallel-property.test.ts.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Block } from '../src/block/block.js';
import { readBlockTestFile, runBlockTest } from '../src/block/blocktest.js';
import { executeBlock, type ExecuteOptions } from '../src/block/execute.js';
import { readBlockFixture, runBlockFixture, type BlockFixture } from '../src/block/fixture.js';
import { Evm } from '../src/evm/evm.js';
import { MAINNET_DAO_FORK_BLOCK, forkByName } from '../src/fork/table.js';
import { createAccount, WorldState } from '../src/state/world.js';
import { bytesToKey } from '../src/util/hex.js';
import { collectJsonFiles } from '../src/statetest/runner.js';
import { repoRoot, vectorsDir } from '../src/util/vectors.js';
import { executeBlockParallel, type ParallelBlockResult } from '../src/parallel/executor.js';
import { runBlockFixtureParallel } from '../src/parallel/fixture.js';
import { NodeWorkerPool } from '../src/parallel/pool.js';
import { Snapshot, serializeSnapshot } from '../src/parallel/snapshot.js';
import { hexToWords } from '../src/parallel/keys.js';
import * as W from '../src/parallel/workloads.js';
import { assertSameOutcome as same, parallelOutcome as parallel, sequentialOutcome as sequential, suitePools } from './support/parallel-compare.js';

const WORKERS = [1, 2, 3, 4];
/** The worker counts every block of the vectors runs on. */
const VECTOR_WORKERS = [2, 3, 4];
const pools = suitePools(test, WORKERS);
let evm: Evm;
test.before(async () => {
  evm = await Evm.create();
});

async function check(w: W.Workload, workers: number): Promise<ParallelBlockResult['parallel'] | undefined> {
  // (Generated pre-states hold no EIP-7002/7251 system contracts: required, every Prague block would be rejected after its transactions.)
  const opts: ExecuteOptions = { fork: w.fork, requireSystemContracts: false };
  const seq = sequential(w.pre, (s) => executeBlock(evm, s, w.block, opts));
  // Only the invalid workloads are meant to be rejected (a rejection compares no transaction).
  assert.is('error' in seq, w.name.startsWith('invalid-'), `${w.name}: ${'error' in seq ? seq.error.message : 'accepted'}`);
  const par = await parallel(w.pre, (s) => executeBlockParallel(pools.get(workers)!, evm, s, w.block, { ...opts, force: true, adaptive: false }));
  same(seq, par, `${w.name} on ${workers} worker${workers === 1 ? '' : 's'}`);
  if (par.report) assert.is(par.report.mode, 'parallel', `${w.name}: ${par.report.reason}`);
  return par.report;
}

const cancun = forkByName('Cancun');
const workloads: W.Workload[] = [
  W.independentWorkload(24, 200),
  W.transfersWorkload(40),
  W.hotRecipientWorkload(40),
  W.hotRecipientWorkload(30, forkByName('Byzantium')),
  W.chainWorkload(20, 200),
  ...[1, 2, 3, 4, 5].map((seed) => W.mixedWorkload(60, seed, 150)),
  W.mixedWorkload(40, 9, 150, forkByName('London')),
  W.mixedWorkload(40, 10, 150, forkByName('Byzantium')),
  W.lifecycleWorkload(forkByName('Constantinople')),
  W.lifecycleWorkload(forkByName('Shanghai')),
  W.lifecycleWorkload(cancun),
  W.coinbaseWorkload(forkByName('Frontier')),
  W.coinbaseWorkload(forkByName('SpuriousDragon')),
  W.coinbaseWorkload(forkByName('London')),
  W.coinbaseWorkload(cancun),
  W.coinbaseWorkload(forkByName('Prague')),
  W.fundedLaterWorkload(),
  W.invalidWorkload('nonce', 0),
  W.invalidWorkload('nonce', 4),
  W.invalidWorkload('nonce', 9),
  W.invalidWorkload('balance', 3),
];

for (const workers of WORKERS) {
  test(`generated workloads: parallel == sequential on ${workers} worker${workers === 1 ? '' : 's'}`, async () => {
    for (const w of workloads) await check(w, workers);
  });
}

test('independent transactions do not conflict (with deferred fees, not even on the fee recipient)', async () => {
  const r = await check(W.independentWorkload(24, 400), 2);
  assert.ok(r);
  assert.ok(r.feesDeferred);
  assert.is(r.stats.validationAborts, 0);
  assert.is(r.stats.dependencyAborts, 0);
  assert.is(r.stats.executions, 24);
});

test('the committing thread is a lane: it executes too, with the same results (forLanes)', async () => {
  const pool = await NodeWorkerPool.forLanes(2);
  try {
    assert.is(pool.size, 1);
    for (const w of [W.independentWorkload(24, 400), W.mixedWorkload(60, 4, 150), W.lifecycleWorkload(cancun), W.invalidWorkload('nonce', 4)]) {
      const opts: ExecuteOptions = { fork: w.fork, requireSystemContracts: false };
      const seq = sequential(w.pre, (s) => executeBlock(evm, s, w.block, opts));
      const par = await parallel(w.pre, (s) => executeBlockParallel(pool, evm, s, w.block, { ...opts, force: true, adaptive: false }));
      same(seq, par, `${w.name} on 2 lanes`);
      if (par.report === undefined) continue; // rejected like the sequential run
      assert.is(par.report.mode, 'parallel', `${w.name}: ${par.report.reason}`);
      assert.is(par.report.workers, 2);
      assert.ok(par.report.callerStats, `${w.name}: no lane`);
      if (w.name.startsWith('independent')) assert.ok(par.report.callerStats.executions > 0, 'the lane executed nothing');
    }
    // Without it, the calling thread only commits.
    const w = W.independentWorkload(16, 200);
    const r = await executeBlockParallel(pool, evm, w.pre.copy(), w.block, { fork: w.fork, force: true, adaptive: false, callerLane: false });
    assert.is(r.parallel.workers, 1);
    assert.is(r.parallel.callerStats, undefined);
  } finally {
    await pool.close();
  }
});

test('the probe stops after two clearly heavy transactions: the workers take the rest', async () => {
  const pool = await NodeWorkerPool.forLanes(2);
  try {
    // Each call hashes 20,000 times: milliseconds, far above the probe's heavy mark on any machine this runs on.
    const w = W.independentWorkload(12, 20000);
    const opts: ExecuteOptions = { fork: w.fork, requireSystemContracts: false };
    const seq = sequential(w.pre, (s) => executeBlock(evm, s, w.block, opts));
    const par = await parallel(w.pre, (s) => executeBlockParallel(pool, evm, s, w.block, opts));
    same(seq, par, w.name);
    assert.is(par.report!.mode, 'parallel', par.report!.reason);
    assert.is(par.report!.stats.executions, 10, 'two probed, ten executed by the lanes (no conflicts)');
  } finally {
    await pool.close();
  }
});

test('a fully dependent block on 2 lanes gives the sequential result, given up or not', async () => {
  const pool = await NodeWorkerPool.forLanes(2);
  try {
    for (const w of [W.chainWorkload(64, 100), W.transferChainWorkload(200)]) {
      const seq = sequential(w.pre, (s) => executeBlock(evm, s, w.block, { fork: w.fork }));
      const par = await parallel(w.pre, (s) => executeBlockParallel(pool, evm, s, w.block, { fork: w.fork, force: true }));
      same(seq, par, `${w.name} on 2 lanes`);
      if (par.report!.mode === 'sequential') assert.match(par.report!.reason ?? '', /conflicts dominate/);
    }
  } finally {
    await pool.close();
  }
});

test('a transaction reading the fee recipient is re-executed with the exact balance', async () => {
  const r = await check(W.coinbaseWorkload(cancun), 2);
  assert.ok(r!.stats.coinbaseReexecutions > 0);
});

test('a transaction sent by or to the fee recipient runs with the fee paid inside, not twice', async () => {
  const cb = W.address(0xc0, 0x0cb);
  const pre = new WorldState();
  const b = new W.TxBuilder(cancun, pre);
  W.fund(pre, cb);
  for (let i = 0; i < 8; i++) {
    b.add(W.fund(pre, W.address(0xe1, i)), i % 2 === 0 ? cb : W.address(0xd1, i), { value: 7n, gas: 21_000n });
    if (i % 3 === 0) b.add(cb, W.address(0xd2, i), { value: 5n, gas: 21_000n });
  }
  const blk = W.block(cancun, b.txs, cb);
  const seq = sequential(pre, (s) => executeBlock(evm, s, blk, { fork: cancun }));
  const par = await parallel(pre, (s) => executeBlockParallel(pools.get(2)!, evm, s, blk, { fork: cancun, force: true, adaptive: false }));
  same(seq, par, 'fee recipient as sender and recipient');
  assert.is(par.report!.mode, 'parallel', par.report!.reason);
  assert.ok(par.report!.feesDeferred, 'the other transactions defer their fees');
  assert.is(par.report!.stats.coinbaseReexecutions, 0);
});

test('a fully dependent block may be given up early for sequential execution', async () => {
  const w = W.chainWorkload(64, 100);
  const seq = sequential(w.pre, (s) => executeBlock(evm, s, w.block, { fork: w.fork }));
  const par = await parallel(w.pre, (s) => executeBlockParallel(pools.get(2)!, evm, s, w.block, { fork: w.fork }));
  same(seq, par, 'chain');
  // Whether the workers overlapped enough to conflict depends on the machine's load; when they did, the block was given up early.
  if (par.report?.mode === 'sequential') {
    assert.match(par.report.reason ?? '', /conflicts dominate|light transactions/);
    assert.ok(par.report.stats.executions <= 24, `${par.report.stats.executions} executions before giving up`);
  }
  // Independent transactions are not given up (their fees are deferred, so they do not chain on the fee recipient).
  const w2 = W.independentWorkload(32, 1000);
  const ind = await executeBlockParallel(pools.get(2)!, evm, w2.pre.copy(), w2.block, { fork: w2.fork });
  assert.is(ind.parallel.mode, 'parallel', ind.parallel.reason);
});

test('a block that outgrows multi-version memory runs sequentially, with the sequential result', async () => {
  // Frontier: BALANCE costs 20 gas, so a loop reads a new account (calldata word 1, a
  // base of its own per transaction, plus the counter) per 74 gas, two location
  // records each, beyond the sizing's one per 100 gas before Berlin.
  const frontier = forkByName('Frontier');
  const reader = W.asm(0, 'CALLDATALOAD', '@loop', 'DUP1', 'ISZERO', '>end', 'JUMPI',
    'DUP1', 32, 'CALLDATALOAD', 'ADD', 'BALANCE', 'POP', 1, 'SWAP1', 'SUB', '>loop', 'JUMP', '@end', 'STOP');
  const pre = new WorldState();
  const b = new W.TxBuilder(frontier, pre);
  for (let i = 0; i < 8; i++) {
    const c = W.address(0xca, i);
    pre.putAccount(bytesToKey(c), createAccount({ code: reader, nonce: 1n }));
    b.add(W.fund(pre, W.address(0xe5, i)), c, { data: W.concat(W.word(11_500), W.word(BigInt(i + 1) << 40n)), gas: 1_000_000n });
  }
  const blk = W.block(frontier, b.txs);
  const seq = sequential(pre, (s) => executeBlock(evm, s, blk, { fork: frontier }));
  const par = await parallel(pre, (s) => executeBlockParallel(pools.get(2)!, evm, s, blk, { fork: frontier, force: true, adaptive: false }));
  // Every transaction finishes its reads: none runs out of gas (which would use all 1,000,000).
  assert.ok('result' in seq && seq.result.receipts.every((r, i, rs) => r.cumulativeGasUsed - (i > 0 ? rs[i - 1].cumulativeGasUsed : 0n) < 1_000_000n));
  same(seq, par, 'outgrown multi-version memory');
  assert.is(par.report!.mode, 'sequential');
  assert.match(par.report!.reason ?? '', /too many locations/);
});

test('a block the probe finds light runs sequentially, the probe\'s transactions committed as they ran', async () => {
  for (const w of [W.independentWorkload(40, 20), W.mixedWorkload(60, 6, 20)]) {
    const opts: ExecuteOptions = { fork: w.fork, requireSystemContracts: false };
    const seq = sequential(w.pre, (s) => executeBlock(evm, s, w.block, opts));
    const par = await parallel(w.pre, (s) => executeBlockParallel(pools.get(2)!, evm, s, w.block, opts));
    same(seq, par, `${w.name}, probed`);
    assert.is(par.report!.mode, 'sequential');
    assert.match(par.report!.reason ?? '', /light transactions: the first \d+ took/);
  }
});

test('falls back to sequential execution, and says why', async () => {
  const w = W.independentWorkload(20, 50);
  const one = await executeBlockParallel(pools.get(1)!, evm, w.pre.copy(), w.block, { fork: w.fork });
  assert.is(one.parallel.mode, 'sequential');
  assert.match(one.parallel.reason ?? '', /one worker/);
  const tiny = W.independentWorkload(3, 50);
  const small = await executeBlockParallel(pools.get(2)!, evm, tiny.pre.copy(), tiny.block, { fork: tiny.fork });
  assert.is(small.parallel.mode, 'sequential');
  assert.match(small.parallel.reason ?? '', /3 transactions/);
  const light = W.transfersWorkload(40);
  const transfers = await executeBlockParallel(pools.get(2)!, evm, light.pre.copy(), light.block, { fork: light.fork });
  assert.is(transfers.parallel.mode, 'sequential');
  assert.match(transfers.parallel.reason ?? '', /light transactions/);
  const none = await executeBlockParallel(null, evm, w.pre.copy(), w.block, { fork: w.fork });
  assert.is(none.parallel.mode, 'sequential');
  const big = await executeBlockParallel(pools.get(2)!, evm, w.pre.copy(), w.block, { fork: w.fork, adaptive: false });
  assert.is(big.parallel.mode, 'parallel');
});

test('the shared snapshot holds the world state', () => {
  const pre = new WorldState();
  const storage = new Map([[bytesToKey(new Uint8Array(32).fill(1)), new Uint8Array(32).fill(2)]]);
  pre.putAccount('11'.repeat(20), createAccount({ nonce: 3n, balance: 2n ** 200n + 5n, code: Uint8Array.of(0x60, 0x00), storage }));
  pre.putAccount('22'.repeat(20), createAccount({ balance: 1n }));
  const snap = new Snapshot(serializeSnapshot(pre));
  const key = new Int32Array(13);
  hexToWords('11'.repeat(20), key, 0, 5);
  const rec = snap.findAccount(key, 0);
  assert.ok(rec >= 0);
  hexToWords('01'.repeat(32), key, 5, 8);
  const at = snap.findStorage(rec, key, 5);
  assert.equal([...snap.u8.subarray(at, at + 32)], new Array(32).fill(2));
  hexToWords('02'.repeat(32), key, 5, 8);
  assert.is(snap.findStorage(rec, key, 5), -1);
  hexToWords('33'.repeat(20), key, 0, 5);
  assert.is(snap.findAccount(key, 0), -1);
});

// ---------------------------------------------------------------- fixtures

function fixtureOptions(f: BlockFixture): ExecuteOptions {
  return {
    fork: f.fork, chainId: f.chainId, blockHash: (n) => f.blockHashes.get(n),
    daoFork: f.mainnetSchedule && f.chainId === 1n && f.header.number === MAINNET_DAO_FORK_BLOCK,
    intermediateStateRoots: false, stateRoot: false, requireSystemContracts: f.complete,
  };
}

/** One sequential run of `block`, then a parallel one on each of `workers` (forced, never given up). */
async function checkBlock(pre: WorldState, block: Block, opts: ExecuteOptions, what: string, workers: number[]): Promise<void> {
  const seq = sequential(pre, (s) => executeBlock(evm, s, block, opts));
  for (const n of workers) {
    const par = await parallel(pre, (s) => executeBlockParallel(pools.get(n)!, evm, s, block, { ...opts, force: true, adaptive: false }));
    same(seq, par, `${what} on ${n} worker${n === 1 ? '' : 's'}`);
    if (par.report && block.transactions.length > 0) assert.is(par.report.mode, 'parallel', `${what} on ${n} workers: ${par.report.reason}`);
  }
}

async function checkFixture(f: BlockFixture, workers: number[]): Promise<void> {
  const block = { header: f.header, transactions: f.transactions, uncles: [], withdrawals: f.withdrawals };
  await checkBlock(f.preState, block, fixtureOptions(f), f.file, workers);
}

const lanesFixtures = join(repoRoot(), 'vectors', 'lanes');
test('vectors/lanes fixtures pass through the parallel fixture runner', async () => {
  const files = readdirSync(lanesFixtures).filter((f) => f.endsWith('.json')).map((f) => join(lanesFixtures, f));
  const sub = join(lanesFixtures, 'parallel');
  if (existsSync(sub)) files.push(...readdirSync(sub).filter((f) => f.endsWith('.json')).map((f) => join(sub, f)));
  for (const file of files) {
    const f = readBlockFixture(file);
    const seq = runBlockFixture(evm, f);
    const par = await runBlockFixtureParallel(pools.get(2)!, evm, f, { force: true });
    assert.is(par.pass, seq.pass, `${file}: ${par.reason}`);
    assert.is(par.gasUsed, seq.gasUsed, file);
    assert.is(par.reason, seq.reason, file);
  }
});

// Every block a blockchain test executes (after its header checks), with the state and
// options it runs with: ethereum/tests (Cancun and before) and execution-spec-tests
// (Prague and Osaka: EIP-7702 authorizations, EIP-7685 requests, the system calls).
for (const [suite, dir] of [
  ['BlockchainTests', join(vectorsDir(), 'ethereum-tests', 'BlockchainTests')],
  ['execution-spec-tests blockchain_tests', join(vectorsDir(), 'eest', 'blockchain_tests')],
] as const) {
  if (!existsSync(dir)) {
    test(`${suite} (skipped: no vectors at ${dir})`, () => {});
    continue;
  }
  test(`${suite}: every block, parallel == sequential on ${VECTOR_WORKERS.join(', ')} workers`, async () => {
    let blocks = 0;
    for (const file of collectJsonFiles([dir])) {
      for (const [name, raw] of Object.entries(readBlockTestFile(file))) {
        const executed: [WorldState, Block, ExecuteOptions][] = [];
        const r = runBlockTest(evm, file, name, raw, { onBlock: (state, block, opts) => executed.push([state, block, opts]) });
        assert.ok(!r.threw, `${file} ${name}: ${r.reason}`);
        for (const [i, [state, block, opts]] of executed.entries()) await checkBlock(state, block, opts, `${file} ${name}, executed block ${i}`, VECTOR_WORKERS);
        blocks += executed.length;
      }
    }
    assert.ok(blocks > 0);
  });
}

const mainnet = join(vectorsDir(), 'mainnet-blocks');
const mainnetFiles = existsSync(mainnet) ? readdirSync(mainnet).filter((f) => f.endsWith('.json')).sort().map((f) => join(mainnet, f)) : [];
if (mainnetFiles.length === 0) {
  test('mainnet blocks (skipped: no vectors at $LANES_VECTORS/mainnet-blocks)', () => {});
} else {
  test(`mainnet blocks: parallel == sequential on ${VECTOR_WORKERS.join(', ')} workers (${mainnetFiles.length} blocks)`, async () => {
    for (const file of mainnetFiles) await checkFixture(readBlockFixture(file), VECTOR_WORKERS);
  });
  test('a partial pre-state: the parallel fixture runner names the reads it lacks as the sequential one does', async () => {
    let named = 0;
    for (const name of ['19934116.json', '15537394.json', '12300570.json', '18426253.json']) {
      const f = readBlockFixture(join(mainnet, name));
      // Drop slots of the first accounts with storage from the pre-state and from what the fixture says it holds,
      // and forget the block hashes: execution changes, and both runners must name the same reads.
      let dropped = 0;
      for (const [addr, slots] of f.knownSlots) {
        if (slots.size === 0 || dropped >= 60) continue;
        for (const slot of slots) f.preState.putStorage(addr, slot, new Uint8Array(32));
        dropped += slots.size;
        f.knownSlots.set(addr, new Set());
      }
      f.blockHashes.clear();
      const seq = runBlockFixture(evm, f);
      const par = await runBlockFixtureParallel(pools.get(2)!, evm, f, { force: true, adaptive: false });
      assert.is(par.parallel.mode, 'parallel', name);
      assert.equal(par.missing, seq.missing, name);
      assert.is(par.reason, seq.reason, name);
      assert.is(par.gasUsed, seq.gasUsed, name);
      named += seq.missing.length;
    }
    assert.ok(named > 0, 'no read outside the pre-state: the test checks nothing');
  });

  // The one-worker parallel path on a sample spread over the forks.
  const sample = mainnetFiles.filter((_, i) => i % 6 === 0);
  test(`mainnet blocks: parallel == sequential on 1 worker (${sample.length} blocks)`, async () => {
    for (const file of sample) await checkFixture(readBlockFixture(file), [1]);
  });
}

test.run();
