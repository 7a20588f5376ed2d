// How parallel a block could be: execute it sequentially, record each transaction's
// read and write sets and its cost, build the dependency graph and simulate it on W
// workers. `lanes block --analyze` prints this; bench/parallel.ts sets it beside the
// measured speed-ups, so the scaling beyond the machine at hand is known.
//
// The graph follows what the Block-STM executor (stm-worker.ts) treats as a conflict:
//   - locations are accounts (nonce, balance, code together), storage slots, an
//     account's code alone, and an account's storage as a whole (cleared by a
//     self-destruct or a re-creation);
//   - transaction j depends on the latest i < j that wrote a location j reads (an
//     absolute write); credits are deltas, which commute, so a reader depends on each
//     credit since that write, and credits depend on nothing;
//   - the fee recipient's fee is a credit, unless the transaction reads the recipient
//     (it then runs again with the fee paid inside, as the executor does);
//   - a plain value transfer to an account without code credits it, reading only its
//     code (the executor's rule for transfer deltas).
//
// The prediction is a list schedule: W workers, each taking the lowest-numbered
// transaction whose dependencies have finished, each transaction costing its measured
// sequential execution time. Predicted speed-up = total cost / makespan. It covers
// transaction execution only: no validation, re-execution, scheduling or commit cost —
// what a perfect Block-STM could reach, not a forecast of this one. `predictedBlock`
// adds the rest of the block (system calls, receipts, blooms, roots: executeBlock's
// time less the transactions') as sequential work.

import type { Block } from '../block/block.js';
import { executeBlock, type ExecuteOptions } from '../block/execute.js';
import type { BlockFixture } from '../block/fixture.js';
import type { Evm, FullTxResult } from '../evm/evm.js';
import { applyWriteSet } from '../evm/sets.js';
import type { Tx } from '../evm/types.js';
import { MAINNET_DAO_FORK_BLOCK, type Fork } from '../fork/table.js';
import { worldSource } from '../state/source.js';
import type { WorldState } from '../state/world.js';
import { bytesToKey } from '../util/hex.js';
import { credit, standIn } from './executor.js';
import { defersCredit } from './stm-worker.js';

/** Worker counts `lanes block --analyze` predicts for. */
export const PREDICTED_WORKERS = [2, 4, 8, 16, 32] as const;

/** One transaction's locations: read, written (absolute) and credited (delta). Keys are opaque strings. */
export interface TxAccess {
  reads: string[];
  writes: string[];
  credits: string[];
}

export interface BlockAnalysis {
  transactions: number;
  gasUsed: bigint;
  /** Dependency edges (distinct pairs i < j). */
  edges: number;
  /** Per transaction: measured execution time (the least over the runs), gas used, and the transactions it depends on. */
  txs: { ms: number; gas: bigint; dependsOn: number[] }[];
  /** Summed execution time of the transactions, and of the whole executeBlock (the least over the runs), ms. */
  transactionsMs: number;
  blockMs: number;
  /** The costliest chain of dependent transactions: its time, gas and number of transactions. */
  criticalPath: { ms: number; gas: bigint; length: number };
  /** Predicted speed-up of transaction execution per worker count (list schedule). */
  predicted: { workers: number; speedup: number }[];
  /** The same for the whole block, the rest of it (blockMs - transactionsMs) staying sequential (Amdahl). */
  predictedBlock: { workers: number; speedup: number }[];
}

// ---------------------------------------------------------------- the graph

/** For each transaction, the earlier transactions it depends on (ascending). */
export function dependencyGraph(accesses: TxAccess[]): number[][] {
  const lastWrite = new Map<string, number>();
  const creditsSince = new Map<string, number[]>();
  return accesses.map((a, j) => {
    const deps = new Set<number>();
    for (const loc of a.reads) {
      const w = lastWrite.get(loc);
      if (w !== undefined) deps.add(w);
      for (const c of creditsSince.get(loc) ?? []) deps.add(c);
    }
    for (const loc of a.writes) {
      lastWrite.set(loc, j);
      creditsSince.delete(loc);
    }
    for (const loc of a.credits) {
      let cs = creditsSince.get(loc);
      if (cs === undefined) creditsSince.set(loc, (cs = []));
      if (cs[cs.length - 1] !== j) cs.push(j);
    }
    return [...deps].sort((x, y) => x - y);
  });
}

/** The costliest path through the graph: total cost, and its transactions. */
export function criticalPath(cost: number[], deps: number[][]): { cost: number; path: number[] } {
  const best = new Float64Array(cost.length);
  const via = new Int32Array(cost.length).fill(-1);
  let end = -1;
  for (let j = 0; j < cost.length; j++) {
    let b = 0;
    for (const i of deps[j]) {
      if (via[j] < 0 || best[i] > b) {
        b = best[i];
        via[j] = i;
      }
    }
    best[j] = b + cost[j];
    if (end < 0 || best[j] > best[end]) end = j;
  }
  const path: number[] = [];
  for (let k = end; k >= 0; k = via[k]) path.unshift(k);
  return { cost: end < 0 ? 0 : best[end], path };
}

/**
 * Makespan of a greedy list schedule of the graph on `workers` workers: whenever a
 * worker is free it takes the lowest-numbered transaction whose dependencies have all
 * finished (Block-STM's scheduler also hands out the lowest index first).
 */
export function listSchedule(cost: number[], deps: number[][], workers: number): number {
  const n = cost.length;
  const waiting = deps.map((d) => d.length);
  const dependents: number[][] = Array.from({ length: n }, () => []);
  deps.forEach((d, j) => d.forEach((i) => dependents[i].push(j)));
  const ready = new MinHeap<number>((a, b) => a - b);
  for (let j = 0; j < n; j++) if (waiting[j] === 0) ready.push(j);
  const running = new MinHeap<[number, number]>((a, b) => a[0] - b[0] || a[1] - b[1]); // [finish time, tx]
  let now = 0;
  let free = workers;
  let finished = 0;
  while (finished < n) {
    while (free > 0 && ready.size > 0) {
      const j = ready.pop()!;
      running.push([now + cost[j], j]);
      free--;
    }
    const [t, j] = running.pop()!;
    now = t;
    free++;
    finished++;
    for (const k of dependents[j]) if (--waiting[k] === 0) ready.push(k);
  }
  return now;
}

/** Predicted speed-ups (total cost / makespan) for each worker count. */
export function predictSpeedups(cost: number[], deps: number[][], workers: readonly number[] = PREDICTED_WORKERS): { workers: number; speedup: number }[] {
  const total = cost.reduce((s, c) => s + c, 0);
  return workers.map((w) => {
    const makespan = listSchedule(cost, deps, w);
    return { workers: w, speedup: makespan > 0 ? total / makespan : 1 };
  });
}

// ---------------------------------------------------------------- recording a block

/**
 * Executes `block` on copies of `pre` `runs` times and analyses it. A transaction's
 * cost is its least time over the runs (noise, cold caches and garbage-collection
 * pauses only add), and so is the block's. Throws InvalidBlockError as executeBlock
 * does.
 */
export function analyzeBlock(evm: Evm, pre: WorldState, block: Block, opts: ExecuteOptions, runs = 3): BlockAnalysis {
  let accesses: TxAccess[] = [];
  let gas: bigint[] = [];
  const times: number[][] = block.transactions.map(() => []);
  const blockTimes: number[] = [];
  let gasUsed = 0n;
  for (let run = 0; run < Math.max(1, runs); run++) {
    const recorded: TxAccess[] = [];
    const txGas: bigint[] = [];
    let i = 0;
    const recording = standIn(evm, (state, env, tx, fork) => {
      const t0 = performance.now();
      const { result, access } = executeRecorded(evm, state, env, tx, fork);
      times[i++].push(performance.now() - t0);
      recorded.push(access);
      txGas.push(result.gasUsed);
      return result;
    });
    const t0 = performance.now();
    const r = executeBlock(recording, pre.copy(), block, { ...opts, stateRoot: false, intermediateStateRoots: false, onTx: undefined });
    blockTimes.push(performance.now() - t0);
    accesses = recorded;
    gas = txGas;
    gasUsed = r.gasUsed;
  }
  const ms = times.map((t) => Math.min(...t));
  const deps = dependencyGraph(accesses);
  const cp = criticalPath(ms, deps);
  const transactionsMs = ms.reduce((s, m) => s + m, 0);
  const blockMs = Math.min(...blockTimes);
  const predicted = predictSpeedups(ms, deps);
  const rest = Math.max(0, blockMs - transactionsMs);
  return {
    transactions: ms.length,
    gasUsed,
    edges: deps.reduce((s, d) => s + d.length, 0),
    txs: ms.map((m, j) => ({ ms: m, gas: gas[j], dependsOn: deps[j] })),
    transactionsMs,
    blockMs,
    criticalPath: { ms: cp.cost, gas: cp.path.reduce((s, j) => s + gas[j], 0n), length: cp.path.length },
    predicted,
    predictedBlock: predicted.map((p) => ({ workers: p.workers, speedup: (rest + transactionsMs) / (rest + transactionsMs / p.speedup) })),
  };
}

/** analyzeBlock on a block fixture's block and pre-state, in its chain's environment (as the fixture runner sets it). */
export function analyzeBlockFixture(evm: Evm, f: BlockFixture, runs = 3): BlockAnalysis {
  const block = { header: f.header, transactions: f.transactions, uncles: [], withdrawals: f.withdrawals };
  const daoFork = f.mainnetSchedule && f.chainId === 1n && f.header.number === MAINNET_DAO_FORK_BLOCK;
  return analyzeBlock(evm, f.preState, block, {
    fork: f.fork, chainId: f.chainId, blockHash: (n) => f.blockHashes.get(n), daoFork, requireSystemContracts: f.complete,
  }, runs);
}

type Env = Parameters<Evm['executeTx']>[1];

/**
 * One transaction as the executor runs it: fee deferred unless the transaction reads
 * the fee recipient; then applied to `state` with the fee credited. Returns the result
 * and the transaction's locations.
 */
function executeRecorded(evm: Evm, state: WorldState, env: Env, tx: Tx, fork: Fork): { result: FullTxResult; access: TxAccess } {
  const coinbase = bytesToKey(env.coinbase);
  const recipient = transferRecipient(state, tx, env.coinbase, fork);
  let r = evm.executeTx(worldSource(state), env, tx, fork, { deferCoinbaseFee: true });
  let fee = r.invalid === undefined ? r.coinbaseFee : undefined;
  if (fee !== undefined && r.readSet.accounts.includes(coinbase)) {
    r = evm.executeTx(worldSource(state), env, tx, fork);
    fee = undefined;
  }
  applyWriteSet(state, r.writeSet);
  if (fee !== undefined) credit(state, coinbase, fee, fork.eips.has(161));

  const access: TxAccess = { reads: [], writes: [], credits: [] };
  for (const a of r.readSet.accounts) access.reads.push(a === recipient ? `code:${a}` : `account:${a}`);
  for (const [a, s] of r.readSet.storage) access.reads.push(`slot:${a}:${s}`, `storage:${a}`);
  for (const w of r.writeSet) {
    if (w.address === recipient && !w.deleted && w.code === undefined && w.storage.length === 0) {
      access.credits.push(`account:${w.address}`);
      continue;
    }
    if (w.deleted || w.account) access.writes.push(`account:${w.address}`);
    if (w.deleted || w.code !== undefined) access.writes.push(`code:${w.address}`);
    if (w.deleted || w.storageCleared) access.writes.push(`storage:${w.address}`);
    for (const [s] of w.storage) access.writes.push(`slot:${w.address}:${s}`);
  }
  if (fee !== undefined) access.credits.push(`account:${coinbase}`);
  return { result: r, access };
}

/** The recipient of a plain value transfer whose credit the executor defers, if it has no code. */
function transferRecipient(state: WorldState, tx: Tx, coinbase: Uint8Array, fork: Fork): string | null {
  if (!defersCredit(tx, coinbase, new Set(fork.precompiles))) return null;
  const to = bytesToKey(tx.to!);
  return (state.peekAccount(to)?.code.length ?? 0) === 0 ? to : null;
}

/** A binary min-heap. */
class MinHeap<T> {
  private readonly items: T[] = [];
  /** `compare(a, b) < 0`: a comes out first. */
  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  push(x: T): void {
    const h = this.items;
    h.push(x);
    for (let i = h.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (this.compare(h[i], h[p]) >= 0) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  pop(): T | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.compare(h[l], h[m]) < 0) m = l;
        if (r < h.length && this.compare(h[r], h[m]) < 0) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
