// npm run bench [-- [opcodes] [contracts] [blocks] [--quick] [--filter REGEX]]
//
// Lanes side by side with @ethereumjs/evm: the same bytecode, input, pre-state and
// fork on both, in one process. Prints a table per suite, writes
// bench/results/latest.json, and exits 1 if the engines disagree on any row.

import type { Workload } from './engines.js';
import { runBlocksSuite } from './blocks.js';
import { CONTRACT_FORK, benchmarkWorkloads, benchmarksDir, tokenWorkloads } from './contracts.js';
import { checkWorkload, newRow, timeWorkload, type Budget, type Check, type RowResult } from './measure.js';
import { OPCODE_FORK, opcodeWorkloads } from './opcodes.js';
import { CONTRACT_COLUMNS, OPCODE_COLUMNS, describeDisagreement, geomeanRatio, machine, printColumns, printHeader, printRow, writeResults } from './report.js';
import { parallelBench } from './parallel.js';

const SUITES = ['opcodes', 'contracts', 'blocks'] as const;
type Suite = (typeof SUITES)[number];

const BUDGETS: Record<Suite, { full: Budget; quick: Budget }> = {
  opcodes: {
    full: { timeMs: 250, minIterations: 5, maxRowMs: 1500, warmupMs: 60 },
    quick: { timeMs: 40, minIterations: 2, maxRowMs: 300, warmupMs: 10 },
  },
  contracts: {
    full: { timeMs: 1500, minIterations: 3, maxRowMs: 5000, warmupMs: 200 },
    quick: { timeMs: 150, minIterations: 1, maxRowMs: 800, warmupMs: 0 },
  },
  blocks: {
    full: { timeMs: 300, minIterations: 3, maxRowMs: 1500, warmupMs: 0 },
    quick: { timeMs: 0, minIterations: 1, maxRowMs: 0, warmupMs: 0 },
  },
};

function usage(msg: string): never {
  console.error(`${msg}\nusage: npm run bench -- [${SUITES.join('] [')}] [--quick] [--filter REGEX]`);
  process.exit(2);
}

function parseArgs(argv: string[]) {
  const suites = new Set<Suite>();
  let quick = false;
  let filter: RegExp | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--filter') {
      const v = argv[++i];
      if (v === undefined) usage('--filter needs a regular expression');
      try {
        filter = new RegExp(v, 'i');
      } catch (e) {
        usage(`--filter: ${(e as Error).message}`);
      }
    } else if ((SUITES as readonly string[]).includes(a)) suites.add(a as Suite);
    else usage(`unknown argument ${a}`);
  }
  return { suites: suites.size === 0 ? new Set<Suite>(SUITES) : suites, quick, filter };
}

/**
 * First runs every workload once on both engines and compares them (which also warms
 * both engines' code paths before anything is timed), then times each one.
 */
async function runSuite(rows: RowResult[], workloads: Workload[], budget: Budget, cols: typeof OPCODE_COLUMNS, byRow: Map<RowResult, Workload>) {
  console.error(`checking ${workloads.length} workloads on both engines...`);
  const checked: { w: Workload; c: Check | Error; row: RowResult }[] = [];
  for (const w of workloads) {
    const c = await checkWorkload(w).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
    const row = newRow(w, c);
    byRow.set(row, w);
    if (!row.agree) console.error(`!!! ${w.name}: ${row.error ?? row.differences.join('; ')}`);
    checked.push({ w, c, row });
  }
  printColumns(cols);
  for (const { w, c, row } of checked) {
    if (!(c instanceof Error)) await timeWorkload(w, c, row, budget);
    rows.push(row);
    printRow(cols, row);
  }
  const g = geomeanRatio(rows);
  if (g !== undefined) console.log(`\ngeometric mean of "x faster": ${g.toFixed(1)} over ${rows.filter((r) => r.ratio).length} rows`);
}

/** Both suites' rows emit logs (the LOG loops, ERC-20 Transfer events). */
const LOGS_NOTE = [
  'Logs: ethereumjs builds its log arrays while it executes; Lanes keeps one copy of its log buffer and builds Log',
  'objects when result.logs is first read, which timed runs do not do (the agreement check reads and compares them).',
];

async function main() {
  const { suites, quick, filter } = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const m = machine();
  console.log(`Lanes vs @ethereumjs/evm — ${m.cpu} (${m.cores} cores), Node ${m.node}${quick ? ', --quick' : ''}`);
  const results: Record<string, RowResult[]> = {};
  const byRow = new Map<RowResult, Workload>();
  const pick = (ws: Workload[]) => (filter ? ws.filter((w) => filter.test(w.name) || filter.test(w.group)) : ws);

  if (suites.has('opcodes')) {
    printHeader(`opcodes (fork ${OPCODE_FORK})`, [
      'Each row: a loop of the opcode with stack-neutral setup (e.g. DUP3 DUP3 ADD POP), run to completion as a message call',
      '(runCall) on both engines. ns/op = median time of a run / executions of the measured opcode (setup ops included).',
      'x faster = ethereumjs median time / Lanes median time.',
      ...LOGS_NOTE,
    ]);
    results.opcodes = [];
    await runSuite(results.opcodes, pick(opcodeWorkloads(quick ? 0.25 : 1)), BUDGETS.opcodes[quick ? 'quick' : 'full'], OPCODE_COLUMNS, byRow);
  }

  if (suites.has('contracts')) {
    const bench = benchmarkWorkloads();
    printHeader(`contracts (fork ${CONTRACT_FORK})`, [
      'The state test\'s transaction as a message call (runCall) on its pre-state: same caller, to, data, value;',
      'gas limit = the transaction\'s less its intrinsic gas. No intrinsic gas, fees or nonce: the same work on both engines.',
      'x faster = ethereumjs median time / Lanes median time.',
      ...LOGS_NOTE,
    ]);
    if (bench === null) console.log(`evm-benchmarks vectors not found at ${benchmarksDir()} (set LANES_VECTORS): skipping them`);
    const block = bench?.[0]?.block;
    results.contracts = [];
    await runSuite(results.contracts, pick([...(bench ?? []), ...tokenWorkloads(block)]), BUDGETS.contracts[quick ? 'quick' : 'full'], CONTRACT_COLUMNS, byRow);
  }

  const blocks = suites.has('blocks') ? await runBlocksSuite(BUDGETS.blocks[quick ? 'quick' : 'full'], filter) : [];
  // Parallel workloads: sequential and Block-STM side by side (bench/parallel.ts prints its table).
  const parallel = suites.has('blocks') ? await parallelBench({ quick }) : [];
  const failedBlocks = blocks.filter((b) => !b.pass);

  const all = Object.values(results).flat();
  const bad = all.filter((r) => !r.agree);
  const file = writeResults({
    date: new Date().toISOString(),
    machine: m,
    quick,
    seconds: Math.round((Date.now() - started) / 1000),
    engines: { lanes: 'this repository (build/lanes.wasm)', ethereumjs: '@ethereumjs/evm with its default SimpleStateManager' },
    suites: { ...results, ...(suites.has('blocks') ? { blocks, parallel } : {}) },
    disagreements: bad.map((r) => ({ suite: r.suite, name: r.name, differences: r.differences, error: r.error })),
    failedBlocks: failedBlocks.map((b) => ({ block: b.name, reason: b.reason })),
  });
  console.log(`\nresults: ${file} (${Math.round((Date.now() - started) / 1000)} s)`);

  if (bad.length > 0) {
    console.log(`\n${'!'.repeat(78)}\n!!! ${bad.length} row(s) where Lanes and @ethereumjs/evm DISAGREE or failed:\n${'!'.repeat(78)}`);
    for (const r of bad) console.log(describeDisagreement(r, byRow.get(r)));
    process.exitCode = 1;
  }
  if (failedBlocks.length > 0) {
    console.log(`\n!!! ${failedBlocks.length} mainnet block(s) FAILED their checks:`);
    for (const b of failedBlocks) console.log(`  block ${b.name}: ${b.reason}`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exit(1);
});
