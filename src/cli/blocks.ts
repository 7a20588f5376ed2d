// `lanes blocktest` and `lanes block`: blockchain tests on worker threads, and block
// fixtures executed sequentially with timings. Registered in main.ts.

import { basename } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { runBlockTests } from '../block/blocktest-runner.js';
import { readBlockFixture, runBlockFixture, type BlockFixture, type FixtureResult } from '../block/fixture.js';
import type { Evm } from '../evm/evm.js';
import { PREDICTED_WORKERS, REPORTED_WORKERS, analyzeBlockFixture, reported, type BlockAnalysis } from '../parallel/analyze.js';
import type { ParallelReport } from '../parallel/executor.js';
import { runFixtureBothWays } from '../parallel/fixture.js';
import { NodeWorkerPool } from '../parallel/pool.js';
import { collectJsonFiles, progressPrinter } from '../statetest/runner.js';
import { InputError } from '../util/hex.js';
import { writeResults } from './results.js';

export const BLOCKS_USAGE = `  lanes blocktest [--run REGEX] [--json] [--workers N] PATH...
      Run blockchain tests of ethereum/tests and execution-spec-tests (JSON
      files, or folders searched for *.json): valid blocks must import, blocks
      with expectException must be rejected for that reason, and the head's
      state must match postState. A test's config.blobSchedule overrides the
      fork's blob parameters.
        --run REGEX    only tests whose name matches REGEX
        --json         print [{"name","pass","fork","stateRoot","error"}] on stdout
        --workers N    worker threads (default: available CPU cores)
      Prints one line per failing test; the last line is "N passed, M failed"
      (on stderr with --json, which leaves stdout to the JSON). Exits 1 if any
      test failed.

  lanes block [--json] [--workers N] [--analyze] [--runs N] FILE...
      Execute block fixtures (mainnet blocks with their pre-state, and the format
      of vectors/lanes/README.md) one after another and print, per block:
      number, fork, transactions, gas, time, Mgas/s, and whether gas used, the
      receipts root (from Byzantium) and the logs bloom match what mainnet recorded.
      Reads of state the fixture lacks fail the block. The last line is
      "N passed, M failed" (on stderr with --json, which leaves stdout to the
      JSON); exits 1 if any block failed.
        --json         print one result object per block instead of the table
        --workers N    run each block sequentially and on N lanes (Block-STM:
                       this thread, which also commits, and N - 1 worker
                       threads), alternately after an untimed run of each:
                       both times, the speedup,
                       re-executions and aborts, and whether both results agree
                       (a block that differs fails); small blocks and N = 1 still
                       run sequentially, and the reason is shown. The summary
                       gives the peak resident memory and the largest WASM memory
                       of a worker thread.
        --analyze      record each transaction's read and write sets and time,
                       and print the dependency graph's edges, its critical path
                       and the predicted speedup on 2, 4, 8, 16 and 32 workers (a
                       list schedule of the graph: transaction execution only),
                       then the whole block's on 2, 8 and 32, one lane also
                       committing every transaction in order, as this executor
                       does (see src/parallel/analyze.ts); with --workers,
                       beside the measured speedup
        --runs N       runs per block (default 1; 5 of each with --workers, 3
                       with --analyze): the median time, and for --analyze each
                       transaction's least time
`;

type Flags = NonNullable<ParseArgsConfig['options']>;

function parse(args: string[], options: Flags) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw new InputError(`${(e as Error).message}\nRun "lanes --help" for usage.`);
    throw e;
  }
}

function positiveFlag(name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^[1-9][0-9]*$/.test(v)) throw new InputError(`--${name}: expected a positive integer, got ${JSON.stringify(v)}`);
  return Number(v);
}

function workersFlag(v: unknown): number | undefined {
  return positiveFlag('workers', v);
}

export async function blocktestCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    run: { type: 'string' },
    json: { type: 'boolean' },
    workers: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(BLOCKS_USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new InputError('blocktest: give blockchain-test files or folders (e.g. $LANES_VECTORS/ethereum-tests/BlockchainTests)');
  const files = collectJsonFiles(positionals);
  if (files.length === 0) throw new InputError(`no .json files under ${positionals.join(', ')}`);
  const progress = progressPrinter(process.stderr, 'blocktest');
  const summary = await runBlockTests(files, { run: values.run as string | undefined, workers: workersFlag(values.workers), onProgress: progress.update })
    .finally(() => progress.stop());
  const json = values.json ? summary.results.map((r) => ({
    name: r.name, pass: r.pass, fork: r.fork, stateRoot: r.stateRoot, ...(r.pass ? {} : { error: r.reason ?? 'failed' }),
  })) : undefined;
  const failures = summary.results.filter((r) => !r.pass).map((r) => `FAIL ${r.file} ${r.name}: ${r.reason}`);
  writeResults(json, failures, summary.passed, summary.failed);
  process.stderr.write(`[blocktest] ${summary.results.length} tests in ${summary.files} files, ${(summary.elapsedMs / 1000).toFixed(2)}s wall time, ` +
    `${summary.workers} worker${summary.workers === 1 ? '' : 's'}\n`);
  if (summary.results.length === 0) process.stderr.write('[blocktest] warning: no tests matched\n');
  return summary.failed > 0 ? 1 : 0;
}

/** One block of `lanes block`: the fixture run, and with --workers / --analyze what they add. */
interface BlockRow {
  result: FixtureResult;
  /** --workers: the sequential run beside the parallel one (`result`). */
  compared?: { sequential: FixtureResult; parallel: ParallelReport; sameAsSequential: boolean; sequentialMs: number; parallelMs: number };
  analysis?: BlockAnalysis;
  analysisError?: string;
}

export async function blockCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    json: { type: 'boolean' },
    workers: { type: 'string' },
    analyze: { type: 'boolean' },
    runs: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(BLOCKS_USAGE);
    return 0;
  }
  const workers = workersFlag(values.workers);
  const analyze = values.analyze === true;
  // Compared, a block's single runs vary too much to compare: over the 53 mainnet
  // blocks, each run sequentially both ways, one pair's ratio ranged from 0.42 to 2.16.
  const runs = positiveFlag('runs', values.runs) ?? (analyze ? 3 : workers !== undefined ? COMPARED_RUNS : 1);
  if (positionals.length === 0) throw new InputError('block: give block fixture files (e.g. $LANES_VECTORS/mainnet-blocks/*.json)');
  const files = collectJsonFiles(positionals);
  if (files.length === 0) throw new InputError(`no .json files under ${positionals.join(', ')}`);

  const { Evm } = await import('../evm/evm.js');
  let evm = await Evm.create();
  const pool = workers === undefined ? null : await NodeWorkerPool.forLanes(workers);
  const json = values.json === true;
  const columns = analyze ? analysisColumns(pool !== null) : pool ? COMPARED_COLUMNS : PLAIN_COLUMNS;
  if (!json) process.stdout.write(formatCells(columns, columns.map((c) => c.title)) + '\n');
  const rows: BlockRow[] = [];
  try {
    for (const file of files) {
      const fixture = readBlockFixture(file);
      let row: BlockRow;
      try {
        // (--analyze alone: one run checks the block; the analysis repeats it.)
        row = pool ? await compare(pool, evm, fixture, runs) : { result: timed(analyze ? 1 : runs, () => runBlockFixture(evm, fixture)) };
        if (analyze) {
          try {
            row.analysis = analyzeBlockFixture(evm, fixture, runs);
          } catch (e) {
            row.analysisError = e instanceof Error ? e.message : String(e);
          }
        }
      } catch (e) {
        // An unexpected error (a WASM trap): report the block, start a fresh EVM.
        row = {
          result: {
            file, number: fixture.header.number, fork: fixture.fork.name, transactions: fixture.transactions.length, gasUsed: 0n,
            expectedGasUsed: fixture.expected.gasUsed, timeMs: 0, gasUsedMatch: false, receiptsRootMatch: null, logsBloomMatch: null,
            transactionsRootMatch: null, stateRootMatch: null, missing: [], pass: false, reason: `threw: ${e instanceof Error ? e.message : String(e)}`,
          },
        };
        evm = await Evm.create();
      }
      rows.push(row);
      if (!json) process.stdout.write(formatRow(columns, row) + '\n');
    }
  } finally {
    await pool?.close();
  }
  const passed = rows.filter(passes).length;
  writeResults(json ? rows.map(jsonRow) : undefined, !json && analyze ? analysisSummary(rows) : [], passed, rows.length - passed);
  const totalGas = rows.reduce((s, r) => s + Number(r.result.gasUsed), 0);
  const totalMs = rows.reduce((s, r) => s + r.result.timeMs, 0);
  process.stderr.write(`[block] ${rows.length} blocks, ${(totalGas / 1e6).toFixed(1)} Mgas in ${(totalMs / 1000).toFixed(2)}s of execution` +
    (totalMs > 0 ? `, ${(totalGas / totalMs / 1000).toFixed(1)} Mgas/s` : '') + '\n');
  if (pool) process.stderr.write(comparedSummary(rows, workers!) + '\n');
  return passed === rows.length ? 0 : 1;
}

function passes(r: BlockRow): boolean {
  return r.result.pass && r.analysisError === undefined && (r.compared === undefined || (r.compared.sequential.pass && r.compared.sameAsSequential));
}

/** Timed runs of each kind per block with --workers (the median is reported). */
const COMPARED_RUNS = 5;

/** The median-time run of `runs`. */
function timed<R extends { timeMs: number }>(runs: number, run: () => R): R {
  const xs = Array.from({ length: runs }, run);
  return xs.sort((a, b) => a.timeMs - b.timeMs)[runs >> 1];
}

/** Blocks compared so far: the order of their runs alternates from one block to the next too. */
let compared = 0;

/** The block sequentially and on the pool (runFixtureBothWays); median times. */
async function compare(pool: NodeWorkerPool, evm: Evm, f: BlockFixture, runs: number): Promise<BlockRow> {
  const { warmUp, sequential: seq, parallel: par } = await runFixtureBothWays(pool, evm, f, runs, compared++ & 1);
  const s = seq.sort((a, b) => a.timeMs - b.timeMs)[runs >> 1];
  const p = par.sort((a, b) => a.timeMs - b.timeMs)[runs >> 1];
  // Both ran the fixture's checks: equal results give equal verdicts on each.
  const sameAsSequential = [warmUp.sequential, ...seq, warmUp.parallel, ...par].every((q) => q.gasUsed === s.gasUsed && q.pass === s.pass && q.reason === s.reason &&
    q.receiptsRootMatch === s.receiptsRootMatch && q.logsBloomMatch === s.logsBloomMatch && q.stateRootMatch === s.stateRootMatch);
  return { result: p, compared: { sequential: s, parallel: p.parallel, sameAsSequential, sequentialMs: s.timeMs, parallelMs: p.timeMs } };
}

function reexecutions(r: ParallelReport, transactions: number): number {
  return r.mode === 'parallel' ? Math.max(0, r.stats.executions - transactions) : 0;
}

function aborts(r: ParallelReport): number {
  return r.mode === 'parallel' ? r.stats.validationAborts + r.stats.dependencyAborts : 0;
}

function jsonRow(row: BlockRow): Record<string, unknown> {
  const r = row.result;
  const o: Record<string, unknown> = {
    file: r.file, number: Number(r.number), fork: r.fork, transactions: r.transactions, gasUsed: Number(r.gasUsed),
    expectedGasUsed: Number(r.expectedGasUsed), timeMs: round(r.timeMs, 3), mgasPerSec: round(mgas(r), 2),
    gasUsedMatch: r.gasUsedMatch, receiptsRootMatch: r.receiptsRootMatch, logsBloomMatch: r.logsBloomMatch,
    transactionsRootMatch: r.transactionsRootMatch, stateRootMatch: r.stateRootMatch, missingPreState: r.missing, pass: passes(row),
  };
  const c = row.compared;
  if (c) {
    Object.assign(o, {
      sequentialMs: round(c.sequentialMs, 3), parallelMs: round(c.parallelMs, 3), speedup: round(c.sequentialMs / c.parallelMs, 3),
      reexecutions: reexecutions(c.parallel, r.transactions), aborts: aborts(c.parallel), mode: c.parallel.mode,
      // A parallel attempt given up for sequential execution: the executions it wasted.
      ...(c.parallel.mode === 'sequential' ? { abandonedExecutions: c.parallel.stats.executions } : {}),
      ...(c.parallel.reason === undefined ? {} : { reason: c.parallel.reason }), sameAsSequential: c.sameAsSequential,
      workers: c.parallel.workers, wasmMemoryBytes: c.parallel.stats.wasmMemoryBytes, maxRssBytes: process.resourceUsage().maxRSS * 1024,
    });
  }
  const a = row.analysis;
  if (a) {
    o.analysis = {
      edges: a.edges, transactionsMs: round(a.transactionsMs, 3), commitsMs: round(a.commitsMs, 3), headMs: round(a.headMs, 3), tailMs: round(a.tailMs, 3),
      blockMs: round(a.blockMs, 3),
      criticalPath: { ms: round(a.criticalPath.ms, 3), gas: Number(a.criticalPath.gas), length: a.criticalPath.length },
      predictedSpeedup: Object.fromEntries(a.predicted.map((p) => [String(p.workers), round(p.speedup, 3)])),
      predictedBlockSpeedup: Object.fromEntries(a.predictedBlock.map((p) => [String(p.workers), round(p.speedup, 3)])),
    };
  }
  if (row.analysisError !== undefined) o.analysisError = row.analysisError;
  const errors = [r.pass ? null : r.reason, c && !c.sequential.pass ? `sequential: ${c.sequential.reason}` : null,
    c && !c.sameAsSequential ? 'parallel and sequential results differ' : null, row.analysisError ?? null].filter((x) => x !== null);
  if (errors.length > 0) o.error = errors.join('; ');
  return o;
}

function mgas(r: FixtureResult): number {
  return r.timeMs > 0 ? Number(r.gasUsed) / r.timeMs / 1000 : 0;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function mark(m: boolean | null): string {
  return m === null ? '-' : m ? 'ok' : 'DIFF';
}

// ---------------------------------------------------------------- tables

interface Column {
  title: string;
  width: number;
  /** Left-aligned (text) rather than right-aligned (numbers). */
  left?: boolean;
  cell: (row: BlockRow) => string;
}

const STATUS: Column = { title: '', width: 4, left: true, cell: (r) => (passes(r) ? 'PASS' : 'FAIL') };
const NUMBER: Column = { title: 'block', width: 9, left: true, cell: (r) => String(r.result.number) };
const FORK: Column = { title: 'fork', width: 16, left: true, cell: (r) => r.result.fork };
const TXS: Column = { title: 'txs', width: 5, cell: (r) => String(r.result.transactions) };
const GAS: Column = { title: 'gas', width: 11, cell: (r) => String(r.result.gasUsed) };
const CHECKS: Column = {
  title: 'gasUsed receipts bloom', width: 22, left: true,
  cell: (r) => `${pad(mark(r.result.gasUsedMatch), 7)} ${pad(mark(r.result.receiptsRootMatch), 8)} ${mark(r.result.logsBloomMatch)}` +
    (r.result.stateRootMatch === null ? '' : `  state ${mark(r.result.stateRootMatch)}`),
};
const FILE: Column = { title: '', width: 0, left: true, cell: (r) => basename(r.result.file) };

const PLAIN_COLUMNS: Column[] = [
  STATUS, NUMBER, FORK, TXS, GAS,
  { title: 'ms', width: 9, cell: (r) => r.result.timeMs.toFixed(1) },
  { title: 'Mgas/s', width: 7, cell: (r) => mgas(r.result).toFixed(1) },
  CHECKS, FILE,
];

const MEASURED: Column[] = [
  { title: 'seq ms', width: 9, cell: (r) => (r.compared ? r.compared.sequentialMs.toFixed(1) : '-') },
  { title: 'par ms', width: 9, cell: (r) => (r.compared ? r.compared.parallelMs.toFixed(1) : '-') },
  { title: 'speedup', width: 7, cell: (r) => (r.compared ? `${(r.compared.sequentialMs / r.compared.parallelMs).toFixed(2)}x` : '-') },
];

const COMPARED_COLUMNS: Column[] = [
  STATUS, NUMBER, FORK, TXS, GAS, ...MEASURED,
  { title: 'reexec', width: 6, cell: (r) => (r.compared ? String(reexecutions(r.compared.parallel, r.result.transactions)) : '-') },
  { title: 'aborts', width: 6, cell: (r) => (r.compared ? String(aborts(r.compared.parallel)) : '-') },
  { title: 'mode', width: 10, left: true, cell: (r) => (r.compared ? (r.compared.parallel.mode === 'parallel' ? 'parallel' : 'sequential') : '-') },
  CHECKS, FILE,
];

function analysisColumns(measured: boolean): Column[] {
  const predicted = PREDICTED_WORKERS.map((w): Column => ({
    title: `${w}w`, width: 6, cell: (r) => (r.analysis ? `${r.analysis.predicted.find((p) => p.workers === w)!.speedup.toFixed(2)}x` : '-'),
  }));
  return [
    STATUS, NUMBER, TXS, GAS,
    { title: 'edges', width: 7, cell: (r) => (r.analysis ? String(r.analysis.edges) : '-') },
    { title: 'tx ms', width: 8, cell: (r) => (r.analysis ? r.analysis.transactionsMs.toFixed(1) : '-') },
    { title: 'critical ms (txs)', width: 17, cell: (r) => (r.analysis ? `${r.analysis.criticalPath.ms.toFixed(1)} (${r.analysis.criticalPath.length})` : '-') },
    ...predicted,
    {
      title: `block ${REPORTED_WORKERS.join('/')}w`, width: 16,
      cell: (r) => (r.analysis ? `${reported(r.analysis.predictedBlock).map((p) => p.speedup.toFixed(2)).join('/')}x` : '-'),
    },
    ...(measured ? MEASURED : []),
    FILE,
  ];
}

function formatCells(columns: Column[], cells: string[]): string {
  return cells.map((c, i) => (columns[i].width === 0 ? c : pad(c, columns[i].width, !columns[i].left))).join(' ').trimEnd();
}

function formatRow(columns: Column[], row: BlockRow): string {
  const line = formatCells(columns, columns.map((c) => c.cell(row)));
  const notes: string[] = [];
  const c = row.compared;
  if (c && c.parallel.mode === 'sequential') notes.push(`sequential: ${c.parallel.reason}`);
  if (!row.result.pass) notes.push(`${row.result.file}: ${row.result.reason}`);
  if (c && !c.sequential.pass) notes.push(`sequential run: ${c.sequential.reason}`);
  if (c && !c.sameAsSequential) notes.push('parallel and sequential results differ');
  if (row.analysisError !== undefined) notes.push(`analysis: ${row.analysisError}`);
  return [line, ...notes.map((n) => `     ${n}`)].join('\n');
}

/** --analyze totals: transactions, edges, and the predicted speedups averaged over the blocks and weighted by time. */
function analysisSummary(rows: BlockRow[]): string[] {
  const as = rows.flatMap((r) => (r.analysis ? [r.analysis] : []));
  if (as.length === 0) return [];
  const txs = as.reduce((s, a) => s + a.transactions, 0);
  const edges = as.reduce((s, a) => s + a.edges, 0);
  const ms = as.reduce((s, a) => s + a.transactionsMs, 0);
  const per = (w: number, f: (a: BlockAnalysis, speedup: number) => number) => as.reduce((s, a) => s + f(a, a.predicted.find((p) => p.workers === w)!.speedup), 0);
  const mean = PREDICTED_WORKERS.map((w) => `${w}: ${(per(w, (_, x) => x) / as.length).toFixed(2)}x`);
  // Time-weighted: all blocks' transaction time over the sum of their makespans.
  const weighted = PREDICTED_WORKERS.map((w) => `${w}: ${(ms / per(w, (a, x) => a.transactionsMs / x)).toFixed(2)}x`);
  const blockMs = as.reduce((s, a) => s + a.blockMs, 0);
  const whole = PREDICTED_WORKERS.map((w) => `${w}: ${(as.reduce((s, a) => s + a.predictedBlock.find((p) => p.workers === w)!.speedup, 0) / as.length).toFixed(2)}x`);
  return [
    `${as.length} blocks analysed: ${txs} transactions, ${edges} dependency edges, ${ms.toFixed(1)} ms of transaction execution ` +
      `(${((100 * ms) / blockMs).toFixed(0)}% of the blocks' ${blockMs.toFixed(1)} ms)`,
    `predicted speedup (transaction execution, list schedule), mean over blocks: ${mean.join(', ')}`,
    `predicted speedup, all blocks' transactions together: ${weighted.join(', ')}`,
    `predicted speedup of whole blocks, one lane also committing every transaction in order (this design's ceiling), mean: ${whole.join(', ')}`,
  ];
}

/** --workers totals: modes, times, speedups, memory. */
function comparedSummary(rows: BlockRow[], workers: number): string {
  const cs = rows.flatMap((r) => (r.compared ? [r.compared] : []));
  const par = cs.filter((c) => c.parallel.mode === 'parallel').length;
  const seqMs = cs.reduce((s, c) => s + c.sequentialMs, 0);
  const parMs = cs.reduce((s, c) => s + c.parallelMs, 0);
  const mean = cs.reduce((s, c) => s + c.sequentialMs / c.parallelMs, 0) / cs.length;
  const wasm = cs.reduce((m, c) => Math.max(m, c.parallel.stats.wasmMemoryBytes), 0);
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  return `[block] ${workers} lane${workers === 1 ? '' : 's'}: ${par} block${par === 1 ? '' : 's'} in parallel, ${cs.length - par} sequentially; ` +
    `sequential ${(seqMs / 1000).toFixed(2)}s, parallel ${(parMs / 1000).toFixed(2)}s` +
    (cs.length > 0 ? ` (${(seqMs / parMs).toFixed(2)}x overall, mean ${mean.toFixed(2)}x per block); ` : '; ') +
    `peak resident memory ${mib(process.resourceUsage().maxRSS * 1024)}, largest worker thread WASM memory ${mib(wasm)}`;
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}
