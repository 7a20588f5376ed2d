// The dependency analysis behind `lanes block --analyze` (src/parallel/analyze.ts): the
// graph, critical path and list schedule on hand-built blocks whose answers can be
// worked out on paper, then on executed blocks whose shape is known by construction
// (a chain, independent calls, the fee recipient read, deposits into one address),
// and the CLI's --analyze and --workers output.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Evm } from '../src/evm/evm.js';
import { forkByName } from '../src/fork/table.js';
import { analyzeBlock, commitSchedule, criticalPath, dependencyGraph, listSchedule, predictSpeedups, type BlockAnalysis, type TxAccess } from '../src/parallel/analyze.js';
import * as W from '../src/parallel/workloads.js';
import { repoRoot } from '../src/util/vectors.js';

const access = (reads: string[], writes: string[] = [], credits: string[] = []): TxAccess => ({ reads, writes, credits });
const speedup = (a: BlockAnalysis, workers: number) => a.predicted.find((p) => p.workers === workers)!.speedup;

let evm: Evm;
test.before(async () => {
  evm = await Evm.create();
});

test('graph: the latest writer, not earlier ones; credits since the last write; writes alone add no edge', () => {
  const deps = dependencyGraph([
    access([], ['x']), // 0 writes x
    access(['x'], ['x']), // 1 reads 0's x, writes x
    access(['x']), // 2 reads 1's x only
    access([], ['x']), // 3 overwrites x without reading: no edge
    access(['y'], [], ['c']), // 4 credits c
    access([], [], ['c']), // 5 credits c
    access(['c'], ['c']), // 6 reads c: every credit since; writes it
    access([], [], ['c']), // 7 credits c
    access(['c', 'x']), // 8: 6's write and 7's credit; 3's x
  ]);
  assert.equal(deps, [[], [0], [1], [], [], [], [4, 5], [], [3, 6, 7]]);
});

test('list schedule and critical path on hand-checked graphs', () => {
  // A chain: nothing overlaps, whatever the workers.
  const chain = [[], [0], [1], [2]];
  assert.is(listSchedule([1, 2, 3, 4], chain, 2), 10);
  assert.equal(criticalPath([1, 2, 3, 4], chain), { cost: 10, path: [0, 1, 2, 3] });
  // Independent: n / W rounds of equal transactions.
  const five = [[], [], [], [], []];
  assert.is(listSchedule([1, 1, 1, 1, 1], five, 2), 3);
  assert.is(listSchedule([1, 1, 1, 1, 1], five, 8), 1);
  assert.equal(predictSpeedups([1, 1, 1, 1, 1], five, [1, 2, 8]).map((p) => p.speedup), [1, 5 / 3, 5]);
  // A diamond: 0 (2) then 1 and 2 (1 each) side by side, then 3 (2): 5 on two workers, 6 on one.
  const diamond = [[], [0], [0], [1, 2]];
  assert.is(listSchedule([2, 1, 1, 2], diamond, 2), 5);
  assert.is(listSchedule([2, 1, 1, 2], diamond, 1), 6);
  assert.equal(criticalPath([2, 1, 3, 2], diamond), { cost: 7, path: [0, 2, 3] });
  // Lowest index first: 0 (3) and 1 (1) start; 2 needs 0; 3 is free and takes 1's worker at 1, so 2 starts at 3.
  assert.is(listSchedule([3, 1, 1, 5], [[], [], [0], []], 2), 6);
});

test('commit schedule (one lane also commits in order) on hand-checked blocks', () => {
  const independent = (n: number) => Array.from({ length: n }, (): number[] => []);
  // One lane does everything: the sequential sum.
  assert.is(commitSchedule([3, 1, 2], [1, 2, 1], [[], [0], []], 1), 10);
  assert.is(commitSchedule([1, 1], [1, 1], independent(2), 1, [2, 2]), 8);
  // Many lanes: all four execute at once (0-4), then lane 0 commits them one after another (4-8).
  assert.is(commitSchedule([4, 4, 4, 4], [1, 1, 1, 1], independent(4), 8), 8);
  // Lane 0 executes while the next commit is not ready: tx 1 beside tx 0 (0-3), then the commits (3-5).
  assert.is(commitSchedule([3, 3], [1, 1], independent(2), 2), 5);
  // A chain: each commit overlaps the next execution (executions 0-2, 2-4, 4-6; commits 2-3, 4-5, 6-7).
  assert.is(commitSchedule([2, 2, 2], [1, 1, 1], [[], [0], [1]], 2), 7);
  // Receipt leaves: hashed by the other lane once committed (leaf 0: 2-4), by lane 0 after its last commit (leaf 1: 3-5).
  assert.is(commitSchedule([1, 1], [1, 1], independent(2), 2, [2, 2]), 5);
});

test('a chain of calls on one slot: each depends on the one before, ~1x at any width', () => {
  const w = W.chainWorkload(8, 100);
  const a = analyzeBlock(evm, w.pre, w.block, { fork: w.fork }, 1);
  assert.is(a.transactions, 8);
  a.txs.forEach((t, j) => assert.ok(j === 0 ? t.dependsOn.length === 0 : t.dependsOn.includes(j - 1), `tx ${j} depends on ${t.dependsOn}`));
  assert.is(a.criticalPath.length, 8);
  for (const p of a.predicted) assert.ok(Math.abs(p.speedup - 1) < 1e-9, `${p.workers} workers: ${p.speedup}`);
});

test('independent calls: no edges (fees are credits), ~min(W, n)x', () => {
  const w = W.independentWorkload(8, 300);
  const a = analyzeBlock(evm, w.pre, w.block, { fork: w.fork }, 1);
  // The whole block's parts add up, and its prediction is bounded by the serial commits.
  assert.ok(Math.abs(a.blockMs - (a.headMs + a.transactionsMs + a.commitsMs + a.tailMs)) < 1e-9);
  assert.ok(Math.abs(a.commitsMs - a.txs.reduce((s, t) => s + t.commitMs, 0)) < 1e-9);
  for (const p of a.predictedBlock) assert.ok(p.speedup > 1 && p.speedup <= a.blockMs / (a.headMs + a.commitsMs) + 1e-9, `${p.workers} workers: ${p.speedup}`);
  assert.is(a.edges, 0);
  const max = Math.max(...a.txs.map((t) => t.ms));
  // At 8 or more workers every transaction starts at once: total / the longest.
  assert.ok(Math.abs(speedup(a, 32) - a.transactionsMs / max) < 1e-9);
  for (const p of a.predicted) assert.ok(p.speedup <= Math.min(p.workers, 8) + 1e-9 && p.speedup > 1, `${p.workers} workers: ${p.speedup}`);
  assert.is(a.criticalPath.length, 1);
});

test('a transaction reading the fee recipient depends on every fee before it', () => {
  const w = W.coinbaseWorkload(forkByName('Cancun'));
  const a = analyzeBlock(evm, w.pre, w.block, { fork: w.fork }, 1);
  // Transaction 3 (the first COINBASE BALANCE reader) follows three fee payers; 1 and 2 are independent calls.
  assert.equal(a.txs[3].dependsOn, [0, 1, 2]);
  assert.equal(a.txs[1].dependsOn, []);
  assert.equal(a.txs[2].dependsOn, []);
});

test('deposits into one address are credits; its own transfer depends on each of them', () => {
  const w = W.hotRecipientWorkload(20);
  const a = analyzeBlock(evm, w.pre, w.block, { fork: w.fork }, 1);
  const exchange = W.address(0xea, 0);
  const sends = w.block.transactions.flatMap((tx, i) => (tx.sender.every((b, k) => b === exchange[k]) ? [i] : []));
  assert.is(sends.length, 2);
  const deposits = w.block.transactions.flatMap((tx, i) => (tx.to?.every((b, k) => b === exchange[k]) && tx.value > 0n ? [i] : []));
  for (const d of deposits) if (d < sends[0]) assert.ok(a.txs[sends[0]].dependsOn.includes(d), `send ${sends[0]} after deposit ${d}`);
  for (const d of deposits) {
    const before = a.txs[d].dependsOn.filter((i) => deposits.includes(i));
    assert.equal(before, [], `deposit ${d} depends on deposits ${before}`);
  }
});

test('a chain of transfers: each spends what the previous one received', () => {
  const w = W.transferChainWorkload(12);
  const a = analyzeBlock(evm, w.pre, w.block, { fork: w.fork }, 1);
  a.txs.forEach((t, j) => assert.equal(t.dependsOn, j === 0 ? [] : [j - 1]));
  assert.ok(Math.abs(speedup(a, 8) - 1) < 1e-9);
});

// ---------------------------------------------------------------- the CLI

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const fixture = (name: string) => join(repoRoot(), 'vectors', 'lanes', name);

function lanes(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('lanes block --analyze: per block edges, critical path, predicted speedups; --json the same', () => {
  const human = lanes('block', '--analyze', '--runs', '1', fixture('synthetic-hot-counter.json'), fixture('synthetic-transfers.json'));
  assert.is(human.status, 0, human.stderr);
  assert.match(human.stdout, /critical ms \(txs\)\s+2w\s+4w\s+8w\s+16w\s+32w/);
  assert.match(human.stdout, /critical ms \(txs\)\s+2w\s+4w\s+8w\s+16w\s+32w\s+block 2\/8\/32w/);
  assert.match(human.stdout, /PASS 1 +100 +\d+ +99 .* \(100\) +1\.00x +1\.00x +1\.00x +1\.00x +1\.00x +[\d.]+\/[\d.]+\/[\d.]+x synthetic-hot-counter\.json/);
  assert.match(human.stdout, /2 blocks analysed: 300 transactions/);
  assert.match(human.stdout, /mean over blocks: 2: [\d.]+x, 4: [\d.]+x, 8: [\d.]+x, 16: [\d.]+x, 32: [\d.]+x/);
  assert.match(human.stdout, /whole blocks, one lane also committing every transaction in order \(this design's ceiling\), mean: 2: [\d.]+x, 4: [\d.]+x, 8: [\d.]+x, 16: [\d.]+x, 32: [\d.]+x/);

  // Three runs (the default): a transaction's cost is its least time over them. With one, the first
  // transactions of a fresh process (a cold JIT, a few hundred us each, against a few us warm) can
  // make the critical path, and 32 workers predict no more than 2.
  const json = lanes('block', '--analyze', '--runs', '3', '--json', fixture('synthetic-transfers.json'));
  assert.is(json.status, 0, json.stderr);
  const [b] = JSON.parse(json.stdout);
  assert.is(b.transactions, 200);
  assert.is(b.analysis.edges, 0); // 200 transfers between distinct accounts
  assert.is(b.analysis.criticalPath.length, 1);
  assert.equal(Object.keys(b.analysis.predictedSpeedup), ['2', '4', '8', '16', '32']);
  assert.ok(b.analysis.predictedSpeedup['32'] > b.analysis.predictedSpeedup['2']);
  assert.equal(Object.keys(b.analysis.predictedBlockSpeedup), ['2', '4', '8', '16', '32']);
  for (const k of ['transactionsMs', 'commitsMs', 'headMs', 'tailMs', 'blockMs']) assert.type(b.analysis[k], 'number', k);
});

test('lanes block --workers N --json: sequential and parallel side by side', () => {
  const r = lanes('block', '--workers', '2', '--json', fixture('synthetic-token.json'), fixture('synthetic-hot-counter.json'));
  assert.is(r.status, 0, r.stderr);
  const blocks = JSON.parse(r.stdout) as Record<string, unknown>[];
  assert.is(blocks.length, 2);
  for (const b of blocks) {
    for (const k of ['number', 'transactions', 'gasUsed', 'sequentialMs', 'parallelMs', 'speedup', 'reexecutions', 'aborts', 'wasmMemoryBytes', 'maxRssBytes']) {
      assert.type(b[k], 'number', `${k} in ${JSON.stringify(b)}`);
    }
    assert.is(b.pass, true);
    assert.is(b.sameAsSequential, true);
    assert.ok(b.mode === 'parallel' || typeof b.reason === 'string');
    assert.ok(Math.abs((b.speedup as number) - (b.sequentialMs as number) / (b.parallelMs as number)) < 0.01);
  }
  assert.match(r.stderr, /peak resident memory [\d.]+ MiB, largest worker thread WASM memory [\d.]+ MiB/);
});

test('lanes block --runs needs a positive integer', () => {
  const r = lanes('block', '--analyze', '--runs', '0', fixture('synthetic-transfers.json'));
  assert.is(r.status, 2);
  assert.match(r.stderr, '--runs');
});

test.run();
