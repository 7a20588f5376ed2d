// A/B of two builds of Lanes on one parallel workload, in one process: each build's
// sequential executor and forced Block-STM on 2 lanes (its own pool), alternating
// from round to round, with the order of the two builds swapped every round. Prints
// the medians of both builds' parallel wall time and process CPU time (all threads),
// and their ratios. On this 2-core VM a change of a few per cent is only visible this
// way: runs of separate processes differ by more than that.
//
//   node dist/bench/ab.js DIST_A DIST_B [a|b|c|d|e|f|independent|mixed] [ROUNDS]
//
// DIST_A and DIST_B are built dist directories (a copy of dist/ before a change, and
// dist/ after it); each needs build/ beside it (a symlink will do). A build loaded
// second measured about 5% slower than an identical copy loaded first (2026-11-25),
// so run both orders (A B, then B A) before trusting a difference.

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median } from './report.js';

interface Build {
  name: string;
  sequential(): number;
  forced(): Promise<{ ms: number; cpuMs: number }>;
  close(): Promise<void>;
}

const WORKLOADS = ['a', 'b', 'c', 'd', 'e', 'f', 'independent', 'mixed'] as const;
type WorkloadName = (typeof WORKLOADS)[number];

/** The block a workload name stands for, made with the build's own generators. */
async function makeWorkload(dist: string, which: WorkloadName) {
  const W = await import(pathToFileURL(`${dist}/src/parallel/workloads.js`).href);
  const C = await import(pathToFileURL(`${dist}/bench/parallel-workloads.js`).href);
  switch (which) {
    case 'a': return W.transfersWorkload(10_000);
    case 'b': return C.erc20TransfersWorkload(5_000);
    case 'c': return C.ownPairSwapsWorkload(2_000);
    case 'd': return C.hotMixWorkload(4_000, 0.3);
    case 'e': return C.onePairSwapsWorkload(2_000);
    case 'f': return W.transferChainWorkload(2_000);
    case 'independent': return W.independentWorkload(64, 6_000);
    case 'mixed': return W.mixedWorkload(200, 7, 3_000, undefined, 64);
  }
}

async function load(name: string, dir: string, which: WorkloadName): Promise<Build> {
  const dist = resolve(dir);
  const at = (p: string) => import(pathToFileURL(`${dist}/${p}`).href);
  const { executeBlock } = await at('src/block/execute.js');
  const { Evm } = await at('src/evm/evm.js');
  const { executeBlockParallel } = await at('src/parallel/executor.js');
  const { NodeWorkerPool } = await at('src/parallel/pool.js');
  const w = await makeWorkload(dist, which);
  const evm = await Evm.create();
  const pool = await NodeWorkerPool.forLanes(2);
  return {
    name,
    sequential() {
      const s = w.pre.copy();
      const t = performance.now();
      executeBlock(evm, s, w.block, { fork: w.fork, stateRoot: false });
      return performance.now() - t;
    },
    async forced() {
      const s = w.pre.copy();
      const c = process.cpuUsage();
      const t = performance.now();
      await executeBlockParallel(pool, evm, s, w.block, { fork: w.fork, stateRoot: false, force: true, adaptive: false });
      const ms = performance.now() - t;
      const d = process.cpuUsage(c);
      return { ms, cpuMs: (d.user + d.system) / 1000 };
    },
    close: () => pool.close(),
  };
}

async function main(): Promise<void> {
  const [dirA, dirB, which = 'a', roundsArg = '12'] = process.argv.slice(2);
  if (dirA === undefined || dirB === undefined || !(WORKLOADS as readonly string[]).includes(which) || !/^\d+$/.test(roundsArg)) {
    console.error(`usage: node dist/bench/ab.js DIST_A DIST_B [${WORKLOADS.join('|')}] [ROUNDS]`);
    process.exit(2);
  }
  const rounds = Number(roundsArg);
  const builds = [await load('A', dirA, which as WorkloadName), await load('B', dirB, which as WorkloadName)];
  const seq = new Map<string, number[]>(builds.map((b) => [b.name, []]));
  const par = new Map<string, number[]>(builds.map((b) => [b.name, []]));
  const cpu = new Map<string, number[]>(builds.map((b) => [b.name, []]));
  try {
    // Two warm-up rounds, then `rounds` measured ones; the builds take turns going first.
    for (let i = -2; i < rounds; i++) {
      for (const b of i % 2 === 0 ? builds : [...builds].reverse()) {
        const s = b.sequential();
        const p = await b.forced();
        if (i < 0) continue;
        seq.get(b.name)!.push(s);
        par.get(b.name)!.push(p.ms);
        cpu.get(b.name)!.push(p.cpuMs);
      }
      if (i >= 0) process.stderr.write(`round ${i + 1}/${rounds}\r`);
    }
  } finally {
    for (const b of builds) await b.close();
  }
  const m = (k: Map<string, number[]>, n: string) => median(k.get(n)!);
  for (const n of ['A', 'B']) {
    console.log(`${n}: sequential ${m(seq, n).toFixed(1)} ms, forced ${m(par, n).toFixed(1)} ms (${(m(seq, n) / m(par, n)).toFixed(2)}x), CPU ${m(cpu, n).toFixed(0)} ms`);
  }
  console.log(`${which}, ${rounds} rounds: B/A forced wall ${(m(par, 'B') / m(par, 'A')).toFixed(3)}, CPU ${(m(cpu, 'B') / m(cpu, 'A')).toFixed(3)}`);
}

await main();
