// `lanes blocktest` and `lanes block`: blockchain tests on worker threads, and block
// fixtures executed sequentially with timings. Registered in main.ts.

import { basename } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { runBlockTests } from '../block/blocktest-runner.js';
import { readBlockFixture, runBlockFixture, type FixtureResult } from '../block/fixture.js';
import { runBlockFixtureParallel, type ParallelFixtureResult } from '../parallel/fixture.js';
import { NodeWorkerPool } from '../parallel/pool.js';
import { collectJsonFiles, progressPrinter } from '../statetest/runner.js';
import { InputError } from '../util/hex.js';

export const BLOCKS_USAGE = `  lanes blocktest [--run REGEX] [--json] [--workers N] PATH...
      Run blockchain tests of ethereum/tests and execution-spec-tests (JSON
      files, or folders searched for *.json): valid blocks must import, blocks
      with expectException must be rejected for that reason, and the head's
      state must match postState. A test's config.blobSchedule overrides the
      fork's blob parameters.
        --run REGEX    only tests whose name matches REGEX
        --json         print [{"name","pass","fork","stateRoot","error"}] on stdout
        --workers N    worker threads (default: available CPU cores)
      Prints one line per failing test; the last line is "N passed, M failed".
      Exits 1 if any test failed.

  lanes block [--json] [--workers N] FILE...
      Execute block fixtures (mainnet blocks with their pre-state, and the format
      of vectors/lanes/README.md) one after another and print, per block:
      number, fork, transactions, gas, time, Mgas/s, and whether gas used, the
      receipts root (from Byzantium) and the logs bloom match what mainnet recorded.
      Reads of state the fixture lacks fail the block. The last line is
      "N passed, M failed"; exits 1 if any block failed.
        --json         print one result object per block instead of the table
        --workers N    run the transactions on N worker threads (Block-STM);
                       small blocks and N = 1 still run sequentially
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

function workersFlag(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^[1-9][0-9]*$/.test(v)) throw new InputError(`--workers: expected a positive integer, got ${JSON.stringify(v)}`);
  return Number(v);
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
  const out: string[] = [];
  if (values.json) {
    out.push(JSON.stringify(summary.results.map((r) => ({
      name: r.name, pass: r.pass, fork: r.fork, stateRoot: r.stateRoot, ...(r.pass ? {} : { error: r.reason ?? 'failed' }),
    })), null, 2));
  } else {
    for (const r of summary.results) if (!r.pass) out.push(`FAIL ${r.file} ${r.name}: ${r.reason}`);
  }
  out.push(`${summary.passed} passed, ${summary.failed} failed`);
  process.stdout.write(out.join('\n') + '\n');
  process.stderr.write(`[blocktest] ${summary.results.length} tests in ${summary.files} files, ${(summary.elapsedMs / 1000).toFixed(2)}s wall time, ` +
    `${summary.workers} worker${summary.workers === 1 ? '' : 's'}\n`);
  if (summary.results.length === 0) process.stderr.write('[blocktest] warning: no tests matched\n');
  return summary.failed > 0 ? 1 : 0;
}

export async function blockCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    json: { type: 'boolean' },
    workers: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(BLOCKS_USAGE);
    return 0;
  }
  const workers = workersFlag(values.workers);
  if (positionals.length === 0) throw new InputError('block: give block fixture files (e.g. $LANES_VECTORS/mainnet-blocks/*.json)');
  const files = collectJsonFiles(positionals);
  if (files.length === 0) throw new InputError(`no .json files under ${positionals.join(', ')}`);

  const { Evm } = await import('../evm/evm.js');
  let evm = await Evm.create();
  const pool = workers === undefined ? null : await NodeWorkerPool.create(workers);
  const results: FixtureResult[] = [];
  if (!values.json) process.stdout.write(`${pad('', 4)} ${pad('block', 9)} ${pad('fork', 16)} ${pad('txs', 5, true)} ${pad('gas', 11, true)} ${pad('ms', 9, true)} ${pad('Mgas/s', 7, true)}  gasUsed receipts bloom\n`);
  for (const file of files) {
    const fixture = readBlockFixture(file);
    let r: FixtureResult;
    try {
      r = pool ? await runBlockFixtureParallel(pool, evm, fixture) : runBlockFixture(evm, fixture);
    } catch (e) {
      // An unexpected error (a WASM trap): report the block, start a fresh EVM.
      r = {
        file, number: fixture.header.number, fork: fixture.fork.name, transactions: fixture.transactions.length, gasUsed: 0n,
        expectedGasUsed: fixture.expected.gasUsed, timeMs: 0, gasUsedMatch: false, receiptsRootMatch: null, logsBloomMatch: null,
        transactionsRootMatch: null, stateRootMatch: null, missing: [], pass: false, reason: `threw: ${e instanceof Error ? e.message : String(e)}`,
      };
      evm = await Evm.create();
    }
    results.push(r);
    if (!values.json) process.stdout.write(formatRow(r) + '\n');
  }
  const passed = results.filter((r) => r.pass).length;
  const out: string[] = [];
  if (values.json) {
    out.push(JSON.stringify(results.map((r) => ({
      file: r.file, number: Number(r.number), fork: r.fork, transactions: r.transactions, gasUsed: Number(r.gasUsed),
      expectedGasUsed: Number(r.expectedGasUsed), timeMs: round(r.timeMs, 3), mgasPerSec: round(mgas(r), 2),
      gasUsedMatch: r.gasUsedMatch, receiptsRootMatch: r.receiptsRootMatch, logsBloomMatch: r.logsBloomMatch,
      transactionsRootMatch: r.transactionsRootMatch, stateRootMatch: r.stateRootMatch, missingPreState: r.missing, pass: r.pass, ...(r.pass ? {} : { error: r.reason }),
    })), null, 2));
  }
  const totalGas = results.reduce((s, r) => s + Number(r.gasUsed), 0);
  const totalMs = results.reduce((s, r) => s + r.timeMs, 0);
  out.push(`${passed} passed, ${results.length - passed} failed`);
  process.stdout.write(out.join('\n') + '\n');
  process.stderr.write(`[block] ${results.length} blocks, ${(totalGas / 1e6).toFixed(1)} Mgas in ${(totalMs / 1000).toFixed(2)}s of execution` +
    (totalMs > 0 ? `, ${(totalGas / totalMs / 1000).toFixed(1)} Mgas/s` : '') + '\n');
  if (pool) {
    await pool.close();
    const par = results.filter((r) => 'parallel' in r && (r as ParallelFixtureResult).parallel.mode === 'parallel').length;
    process.stderr.write(`[block] ${workers} worker${workers === 1 ? '' : 's'}: ${par} block${par === 1 ? '' : 's'} in parallel, ${results.length - par} sequentially (one worker, few or light transactions, conflicts dominating)\n`);
  }
  return passed === results.length ? 0 : 1;
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

function formatRow(r: FixtureResult): string {
  const row = `${pad(r.pass ? 'PASS' : 'FAIL', 4)} ${pad(String(r.number), 9)} ${pad(r.fork, 16)} ${pad(String(r.transactions), 5, true)} ` +
    `${pad(String(r.gasUsed), 11, true)} ${pad(r.timeMs.toFixed(1), 9, true)} ${pad(mgas(r).toFixed(1), 7, true)}  ` +
    `${pad(mark(r.gasUsedMatch), 7)} ${pad(mark(r.receiptsRootMatch), 8)} ${mark(r.logsBloomMatch)}` +
    (r.stateRootMatch === null ? '' : `  state ${mark(r.stateRootMatch)}`) + `  ${basename(r.file)}`;
  return r.pass ? row : `${row}\n     ${r.file}: ${r.reason}`;
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}
