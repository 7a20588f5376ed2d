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
// Two predictions per worker count:
//   - `predicted`, transaction execution alone: a list schedule, W workers each taking
//     the lowest-numbered transaction whose dependencies have finished, each
//     transaction costing its measured sequential execution (`Evm.executeTx`).
//     Speed-up = total cost / makespan: the dependency graph's limit, for any executor;
//   - `predictedBlock`, the whole block as this executor runs it (`commitSchedule`):
//     W lanes, one of which also commits every transaction in block order, executing
//     when the next commit is not ready. A commit costs what the sequential executor
//     spends on the transaction outside its execution (applying its writes, then
//     executeBlock's own work until the next transaction: receipt, checks); what comes
//     before the first transaction and after the last stays serial. Past a few lanes
//     the commit decides: n commits on one thread cannot take less than their sum.
// Both leave out validation, re-execution, scheduling and the lanes' own overhead
// (measured on 2 cores: a lane's execution and bookkeeping cost 1.2-1.9x the
// sequential run's work, a commit 1-6x its apply and receipt), so both are ceilings,
// not forecasts.

import type { Block } from '../block/block.js';
import { executeBlock, type ExecuteOptions } from '../block/execute.js';
import { receiptsRoot, type Receipt } from '../block/receipt.js';
import type { BlockFixture } from '../block/fixture.js';
import type { Evm, FullTxResult } from '../evm/evm.js';
import { applyResultWriteSet } from '../evm/sets.js';
import type { Tx } from '../evm/types.js';
import { MAINNET_DAO_FORK_BLOCK, type Fork } from '../fork/table.js';
import { worldSource } from '../state/source.js';
import type { WorldState } from '../state/world.js';
import { bytesToKey } from '../util/hex.js';
import { credit, standIn } from './executor.js';
import { defersCredit } from './stm-worker.js';

/** Worker counts `lanes block --analyze` predicts for. */
export const PREDICTED_WORKERS = [2, 4, 8, 16, 32] as const;

/** The worker counts the short reports show (the bench's rows, the CLI's whole-block column). */
export const REPORTED_WORKERS = [2, 8, 32] as const;

/** The predictions at REPORTED_WORKERS, in that order. */
export function reported(predictions: readonly { workers: number; speedup: number }[]): { workers: number; speedup: number }[] {
  return REPORTED_WORKERS.map((w) => predictions.find((p) => p.workers === w)!);
}

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
  /**
   * Per transaction (each time the least over the runs): its execution (`Evm.executeTx`),
   * its commit (see `commitSchedule`), gas used, and the transactions it depends on.
   */
  txs: { ms: number; commitMs: number; gas: bigint; dependsOn: number[] }[];
  /** Summed execution time of the transactions, and their commits, ms. */
  transactionsMs: number;
  commitsMs: number;
  /** executeBlock's work before the first transaction (system calls) and after the last (withdrawals, receipts root, bloom), ms. */
  headMs: number;
  tailMs: number;
  /** The whole executeBlock (the least over the runs, the recording's own work left out): head + executions + commits + tail, ms. */
  blockMs: number;
  /** The costliest chain of dependent transactions: its time, gas and number of transactions. */
  criticalPath: { ms: number; gas: bigint; length: number };
  /** Predicted speed-up of transaction execution per worker count (list schedule). */
  predicted: { workers: number; speedup: number }[];
  /** Predicted speed-up of the whole block per worker count, one lane committing in order (commitSchedule). */
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
  const ready = new ReadyQueue(deps);
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
    ready.executed(j);
  }
  return now;
}

/** A binary min-heap. */
class MinHeap<T> {
  private readonly items: T[] = [];
  /** `compare(a, b) < 0`: a comes out first. */
  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
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

/** The transactions whose dependencies have all executed, lowest-numbered first. */
class ReadyQueue extends MinHeap<number> {
  private readonly waiting: number[];
  private readonly dependents: number[][];

  constructor(deps: number[][]) {
    super((a, b) => a - b);
    this.waiting = deps.map((d) => d.length);
    this.dependents = deps.map((): number[] => []);
    deps.forEach((d, j) => d.forEach((i) => this.dependents[i].push(j)));
    this.waiting.forEach((w, j) => {
      if (w === 0) this.push(j);
    });
  }

  /** Transaction j has executed: the transactions waiting only for it become ready. */
  executed(j: number): void {
    for (const k of this.dependents[j]) if (--this.waiting[k] === 0) this.push(k);
  }
}

/**
 * Makespan of a block's transactions on `workers` lanes, lane 0 of which commits them
 * in block order (Lanes' streamed commit, the calling thread a lane): transaction j
 * costs `exec[j]` to execute once its dependencies have executed, and `commit[j]` to
 * commit once it has executed and j - 1 is committed. Whenever lane 0 is free it
 * commits the next transaction if that one has executed, else executes the
 * lowest-numbered ready one (to its end: the commit waits). The other lanes execute,
 * lowest-numbered first, and with nothing to execute hash receipt trie leaves:
 * `leaf[j]` once j is committed (receipts.ts); lane 0 joins them after its last
 * commit. Ends when every transaction is committed and every leaf hashed.
 */
export function commitSchedule(exec: number[], commit: number[], deps: number[][], workers: number, leaf?: number[]): number {
  const n = exec.length;
  const ready = new ReadyQueue(deps);
  // [finish time, tx, lane 0's or not, an execution or a leaf]
  const running = new MinHeap<[number, number, boolean, boolean]>((a, b) => a[0] - b[0] || a[1] - b[1]);
  const executed = new Uint8Array(n);
  const leaves = leaf === undefined ? 0 : n;
  let now = 0;
  let freeLanes = workers - 1; // besides lane 0
  let laneZeroFree = 0; // when lane 0 ends its commit
  let laneZeroBusy = false; // lane 0 runs an execution or a leaf (in `running`)
  let committed = 0;
  let hashed = 0;
  let nextLeaf = 0;
  while (committed < n || hashed < leaves) {
    while (freeLanes > 0) {
      if (ready.size > 0) {
        const j = ready.pop()!;
        running.push([now + exec[j], j, false, true]);
      } else if (nextLeaf < committed && nextLeaf < leaves) {
        running.push([now + leaf![nextLeaf], nextLeaf++, false, false]);
      } else break;
      freeLanes--;
    }
    if (laneZeroFree <= now && !laneZeroBusy) {
      if (committed < n && executed[committed] === 1) {
        laneZeroFree = now + commit[committed++];
        continue;
      }
      if (ready.size > 0) {
        const j = ready.pop()!;
        running.push([now + exec[j], j, true, true]);
        laneZeroBusy = true;
      } else if (committed === n && nextLeaf < leaves) {
        running.push([now + leaf![nextLeaf], nextLeaf++, true, false]);
        laneZeroBusy = true;
      }
    }
    // The next event: a task ends, or lane 0 ends a commit.
    const top = running.size > 0 ? running.peek()![0] : Infinity;
    now = laneZeroFree > now ? Math.min(top, laneZeroFree) : top;
    if (now === Infinity) throw new Error('commitSchedule: a dependency on a later transaction'); // deps must point down
    while (running.size > 0 && running.peek()![0] <= now) {
      const [, j, zero, execution] = running.pop()!;
      if (zero) laneZeroBusy = false;
      else freeLanes++;
      if (!execution) {
        hashed++;
        continue;
      }
      executed[j] = 1;
      ready.executed(j);
    }
  }
  return Math.max(now, laneZeroFree);
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
  const n = block.transactions.length;
  let accesses: TxAccess[] = [];
  let gas: bigint[] = [];
  // Per run: each transaction's execution, apply and the gap after it (executeBlock's
  // work until the next one, or the block's end), and the head before the first.
  const exec: number[][] = block.transactions.map(() => []);
  const apply: number[][] = block.transactions.map(() => []);
  const after: number[][] = block.transactions.map(() => []);
  const heads: number[] = [];
  const roots: number[] = [];
  let gasUsed = 0n;
  for (let run = 0; run < Math.max(1, runs); run++) {
    const recorded: TxAccess[] = [];
    const txGas: bigint[] = [];
    let i = 0;
    let left = 0; // when the last transaction returned to executeBlock
    const recording = standIn(evm, (state, env, tx, fork) => {
      const entered = performance.now();
      if (i === 0) heads.push(entered - t0);
      else after[i - 1].push(entered - left);
      const r = executeRecorded(evm, state, env, tx, fork);
      exec[i].push(r.execMs);
      apply[i].push(r.applyMs);
      i++;
      recorded.push(r.access);
      txGas.push(r.result.gasUsed);
      left = performance.now();
      return r.result;
    });
    const t0 = performance.now();
    const receiptsRootTimed = (receipts: Receipt[]) => {
      const t = performance.now();
      const root = opts.receiptsRoot?.(receipts) ?? receiptsRoot(receipts);
      roots.push(performance.now() - t);
      return root;
    };
    const r = executeBlock(recording, pre.copy(), block, { ...opts, stateRoot: false, intermediateStateRoots: false, onTx: undefined, receiptsRoot: receiptsRootTimed });
    const end = performance.now();
    if (n === 0) heads.push(end - t0);
    else if (i === n) after[n - 1].push(end - left);
    accesses = recorded;
    gas = txGas;
    gasUsed = r.gasUsed;
  }
  const least = (xs: number[]) => Math.min(...xs);
  const ms = exec.map(least);
  // The last transaction's gap is the block's tail, not its commit.
  const gaps = after.map(least);
  const tailMs = n === 0 ? 0 : gaps[n - 1];
  const commitMs = apply.map((a, j) => least(a) + (j === n - 1 ? 0 : gaps[j]));
  const headMs = least(heads);
  // The receipts root, inside the tail: with receipts that have a status (EIP-658) Lanes
  // hashes its leaves on lanes with nothing else to do (receipts.ts), here a leaf per
  // transaction of equal cost, the branches included; before, on the committing thread.
  const rootMs = Math.min(least(roots), tailMs);
  const sharedRoot = opts.fork.eips.has(658) && n > 0;
  const leaf = sharedRoot ? ms.map(() => rootMs / n) : undefined;
  const serialTailMs = sharedRoot ? tailMs - rootMs : tailMs;
  const deps = dependencyGraph(accesses);
  const cp = criticalPath(ms, deps);
  const transactionsMs = ms.reduce((s, m) => s + m, 0);
  const commitsMs = commitMs.reduce((s, m) => s + m, 0);
  const blockMs = headMs + transactionsMs + commitsMs + tailMs;
  return {
    transactions: n,
    gasUsed,
    edges: deps.reduce((s, d) => s + d.length, 0),
    txs: ms.map((m, j) => ({ ms: m, commitMs: commitMs[j], gas: gas[j], dependsOn: deps[j] })),
    transactionsMs,
    commitsMs,
    headMs,
    tailMs,
    blockMs,
    criticalPath: { ms: cp.cost, gas: cp.path.reduce((s, j) => s + gas[j], 0n), length: cp.path.length },
    predicted: predictSpeedups(ms, deps),
    predictedBlock: PREDICTED_WORKERS.map((w) => {
      const makespan = headMs + (n === 0 ? 0 : commitSchedule(ms, commitMs, deps, w, leaf)) + serialTailMs;
      return { workers: w, speedup: makespan > 0 ? blockMs / makespan : 1 };
    }),
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
function executeRecorded(evm: Evm, state: WorldState, env: Env, tx: Tx, fork: Fork): { result: FullTxResult; access: TxAccess; execMs: number; applyMs: number } {
  const coinbase = bytesToKey(env.coinbase);
  const recipient = transferRecipient(state, tx, env.coinbase, fork);
  const t0 = performance.now();
  let r = evm.executeTx(worldSource(state), env, tx, fork, { deferCoinbaseFee: true });
  let fee = r.invalid === undefined ? r.coinbaseFee : undefined;
  if (fee !== undefined && r.readSet.accounts.includes(coinbase)) {
    r = evm.executeTx(worldSource(state), env, tx, fork);
    fee = undefined;
  }
  const t1 = performance.now();
  applyResultWriteSet(state, r);
  if (fee !== undefined) credit(state, coinbase, fee, fork.eips.has(161));
  const t2 = performance.now();

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
  return { result: r, access, execMs: t1 - t0, applyMs: t2 - t1 };
}

/** The recipient of a plain value transfer whose credit the executor defers, if it has no code. */
function transferRecipient(state: WorldState, tx: Tx, coinbase: Uint8Array, fork: Fork): string | null {
  if (!defersCredit(tx, coinbase, new Set(fork.precompiles))) return null;
  const to = bytesToKey(tx.to!);
  return (state.peekAccount(to)?.code.length ?? 0) === 0 ? to : null;
}
