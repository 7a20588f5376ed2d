#!/usr/bin/env node
// The `lanes` command line. Exit status: 0 success, 1 failures (failed tests, or an
// unexpected error), 2 bad usage or bad input (unknown command or flag, malformed
// fixture, bad hex).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEFAULT_FORK, forkByName } from '../fork/table.js';
import { collectJsonFiles, formatIndexes, progressPrinter, runStateTests } from '../statetest/runner.js';
import { InputError, bytesToHex, hexToBytes, parseQuantity } from '../util/hex.js';
import { vectorsDir } from '../util/vectors.js';
import { BLOCKS_USAGE, blockCommand, blocktestCommand } from './blocks.js';
import { writeResults } from './results.js';

const USAGE = `lanes - a parallel, WebAssembly-accelerated Ethereum Virtual Machine

Usage:
  lanes statetest [--fork NAME] [--run REGEX] [--json] [--workers N] [--slowest N] [--trace]
                 [PATH...]
      Run ethereum/tests or execution-spec-tests state tests. PATH is a JSON file
      or a folder searched recursively for *.json. Without PATH: the VMTests of
      $LANES_VECTORS/ethereum-tests (LANES_VECTORS defaults to ../shared/vectors
      beside the repository; vectors/fetch.sh downloads them).
        --fork NAME    only cases of this fork (e.g. Cancun, Prague)
        --run REGEX    only tests whose name matches REGEX
        --json         print geth-style result objects
                       [{"name","pass","stateRoot","fork","error"}] on stdout
        --workers N    worker threads (default: available CPU cores)
        --slowest N    also print the N slowest files and their wall time (stderr)
        --trace        EIP-3155 trace on stderr: one JSON line per operation, then
                       {"stateRoot","output","gasUsed","pass",...} per case (runs
                       the cases one after another in this thread)
      Prints one line per failing case; the last line is "N passed, M failed"
      (on stderr with --json, which leaves stdout to the JSON). Exits 1 if any
      case failed.

  lanes run (--code HEX | --codefile FILE) [--input HEX] [--gas N] [--fork NAME]
            [--bench] [--json] [--trace]
      Execute EVM bytecode in a fresh context and print the return data and gas used.
        --code HEX       bytecode as hex (0x optional)
        --codefile FILE  a file holding the bytecode as hex text (whitespace ignored)
        --input HEX      call data (default empty)
        --gas N          gas limit, decimal or 0x hex (default 30000000)
        --fork NAME      fork rules (default ${DEFAULT_FORK})
        --bench          repeat the run (at least 1 s and 10 runs) and report
                         the median time and Mgas/s
        --json           print {"output","gasUsed","error","medianMs","mgasPerSec"}
        --trace          EIP-3155 trace of the (first) run on stderr: one JSON line
                         per operation, then {"stateRoot","output","gasUsed","pass"}

${BLOCKS_USAGE}
  lanes help | --help
      This text.

Exit status: 0 ok, 1 failures or internal error, 2 bad usage or bad input.
`;

class UsageError extends Error {
  override name = 'UsageError';
}

type Flags = NonNullable<ParseArgsConfig['options']>;

function parse(args: string[], options: Flags, positionals: boolean) {
  try {
    return parseArgs({ args, options, allowPositionals: positionals, strict: true });
  } catch (e) {
    // node:util reports unknown flags and missing values as TypeErrors with ERR_PARSE_ARGS_* codes.
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw new UsageError((e as Error).message);
    throw e;
  }
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    case 'statetest':
      return statetest(rest);
    case 'run':
      return run(rest);
    case 'blocktest':
      return blocktestCommand(rest);
    case 'block':
      return blockCommand(rest);
    case undefined:
      process.stderr.write(USAGE);
      return 2;
    default:
      throw new UsageError(cmd.startsWith('-') ? `unknown option ${JSON.stringify(cmd)}` : `unknown command ${JSON.stringify(cmd)}`);
  }
}

async function statetest(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    fork: { type: 'string' },
    run: { type: 'string' },
    json: { type: 'boolean' },
    workers: { type: 'string' },
    slowest: { type: 'string' },
    trace: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, true);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let workers: number | undefined;
  if (values.workers !== undefined) {
    const w = values.workers as string;
    if (!/^[1-9][0-9]*$/.test(w)) throw new UsageError(`--workers: expected a positive integer, got ${JSON.stringify(w)}`);
    workers = Number(w);
  }
  const fork = values.fork as string | undefined;
  if (fork !== undefined) forkByName(fork); // unknown fork: InputError listing the known ones

  let paths = positionals;
  if (paths.length === 0) {
    const dir = vectorsDir();
    const vm = join(dir, 'ethereum-tests', 'GeneralStateTests', 'VMTests');
    if (!existsSync(vm)) {
      throw new InputError(
        `no PATH given and the default tests ${vm} are not there. Get the official vectors with ` +
        `vectors/fetch.sh (it prints the LANES_VECTORS=... to set), or pass state-test files or folders.`,
      );
    }
    paths = [vm];
  }
  const files = collectJsonFiles(paths);
  if (files.length === 0) throw new InputError(`no .json files under ${paths.join(', ')}`);

  let summary;
  if (values.trace) {
    const { traceStateTests } = await import('../trace/statetest.js');
    summary = await traceStateTests(files, { fork, run: values.run as string | undefined, write: (t) => process.stderr.write(t) });
  } else {
    const progress = progressPrinter(process.stderr);
    try {
      summary = await runStateTests(files, { fork, run: values.run as string | undefined, workers, onProgress: progress.update });
    } finally {
      progress.stop();
    }
  }

  // geth's `evm statetest` result objects with --json
  const json = values.json ? summary.results.map((r) => ({
    name: r.name,
    pass: r.pass,
    stateRoot: r.actualRoot,
    fork: r.fork,
    ...(r.pass ? {} : { error: r.reason ?? r.error ?? 'failed' }),
  })) : undefined;
  const failures = summary.results.filter((r) => !r.pass).map((r) => r.indexes.data < 0
    ? `FAIL ${r.file} (whole file): ${r.reason}`
    : `FAIL ${r.file} ${r.name} ${r.fork} d=${r.indexes.data} g=${r.indexes.gas} v=${r.indexes.value}` +
      ` expected ${r.expectedRoot} actual ${r.actualRoot || '-'}: ${r.reason}`);
  writeResults(json, failures, summary.passed, summary.failed);
  process.stderr.write(`[statetest] ${summary.results.length} cases in ${summary.files} files, ` +
    `${(summary.elapsedMs / 1000).toFixed(2)}s wall time, ${summary.workers} worker${summary.workers === 1 ? '' : 's'}\n`);
  if (summary.results.length === 0) process.stderr.write('[statetest] warning: no cases matched\n');
  if (values.slowest !== undefined) {
    const n = Number(values.slowest);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--slowest: expected a positive integer, got ${JSON.stringify(values.slowest)}`);
    const slow = [...summary.fileMs].sort((a, b) => b[1] - a[1]).slice(0, n);
    for (const [file, ms] of slow) process.stderr.write(`[statetest] ${(ms / 1000).toFixed(2)}s ${file}\n`);
  }
  return summary.failed > 0 ? 1 : 0;
}

async function run(args: string[]): Promise<number> {
  const { values } = parse(args, {
    code: { type: 'string' },
    codefile: { type: 'string' },
    input: { type: 'string' },
    gas: { type: 'string' },
    fork: { type: 'string' },
    bench: { type: 'boolean' },
    json: { type: 'boolean' },
    trace: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, false);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if ((values.code === undefined) === (values.codefile === undefined)) throw new UsageError('run: give exactly one of --code HEX and --codefile FILE');
  let code: Uint8Array;
  if (values.code !== undefined) code = hexToBytes(values.code, '--code');
  else {
    const file = values.codefile as string;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new InputError(`--codefile ${file}: cannot read: ${(e as Error).message}`);
    }
    code = hexToBytes(text.replace(/\s+/g, ''), `--codefile ${file}`);
  }
  const data = values.input === undefined ? new Uint8Array(0) : hexToBytes(values.input, '--input');
  const gasLimit = values.gas === undefined ? 30_000_000n : parseQuantity(values.gas, '--gas', 64);
  const fork = forkByName((values.fork as string | undefined) ?? DEFAULT_FORK);

  const { Evm } = await import('../evm/evm.js');
  const evm = await Evm.create();
  const exec = () => evm.runCode({ code, data, gasLimit, fork });
  let result;
  if (values.trace) {
    const { jsonlTracer, formatSummary } = await import('../trace/step.js');
    const tracer = jsonlTracer((t) => process.stderr.write(t));
    try {
      result = evm.runCode({ code, data, gasLimit, fork, trace: tracer });
    } finally {
      tracer.flush();
    }
    process.stderr.write(formatSummary({ stateRoot: evm.state.stateRoot(), output: result.output, gasUsed: result.gasUsed, pass: result.status === 'success', fork: fork.name, ...(result.error ? { error: result.error } : {}) }) + '\n');
  } else result = exec();

  let medianMs: number | null = null;
  let mgasPerSec: number | null = null;
  let runs = 0;
  if (values.bench) {
    // At least 10 runs and 1 s; a slow program stops after 3 runs and 10 s.
    const times: number[] = [];
    const t0 = performance.now();
    for (;;) {
      const t = performance.now();
      exec();
      const now = performance.now();
      times.push(now - t);
      const elapsed = now - t0;
      if ((times.length >= 10 && elapsed >= 1000) || (times.length >= 3 && elapsed >= 10_000)) break;
    }
    times.sort((a, b) => a - b);
    const mid = times.length >> 1;
    medianMs = times.length % 2 === 1 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
    mgasPerSec = medianMs > 0 ? Number(result.gasUsed) / (medianMs * 1000) : null;
    runs = times.length;
  }

  const error = result.error ?? (result.status === 'revert' ? 'execution reverted' : null);
  if (values.json) {
    process.stdout.write(JSON.stringify({ output: bytesToHex(result.output), gasUsed: Number(result.gasUsed), error, medianMs, mgasPerSec }) + '\n');
  } else {
    const lines = [`output: ${bytesToHex(result.output)}`, `gasUsed: ${result.gasUsed}`, `status: ${result.status}${error !== null ? ` (${error})` : ''}`];
    if (medianMs !== null) {
      lines.push(`median: ${medianMs < 0.01 ? `${(medianMs * 1000).toFixed(3)} µs` : `${medianMs.toFixed(3)} ms`} over ${runs} runs` + (mgasPerSec !== null ? `, ${mgasPerSec.toFixed(1)} Mgas/s` : ''));
    }
    process.stdout.write(lines.join('\n') + '\n');
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`lanes: ${e.message}\nRun "lanes --help" for usage.\n`);
      process.exitCode = 2;
    } else if (e instanceof InputError) {
      process.stderr.write(`lanes: ${e.message}\n`);
      process.exitCode = 2;
    } else {
      const err = e instanceof Error ? e : new Error(String(e));
      process.stderr.write(`lanes: ${process.env.LANES_DEBUG ? err.stack : err.message}\n`);
      process.exitCode = 1;
    }
  },
);
