#!/usr/bin/env node
// `npm run fuzz -- --runs N --seed S [--out DIR] [--no-minimise]`: differential fuzzing
// of Lanes against @ethereumjs/evm (a devDependency). Mismatches are minimised and
// written as state tests to vectors/fuzz/ (or --out). Exit status 1 if any.

import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Evm } from '../evm/evm.js';
import { existsSync } from 'node:fs';
import { repoRoot, vectorsDir } from '../util/vectors.js';
import { corpus } from './mutate.js';
import { runBatch } from './run.js';

const USAGE = `usage: npm run fuzz -- [--runs N] [--seed S] [--out DIR] [--no-minimise] [--mutate]
  --runs N        programs to generate and run on both engines (default 1000)
  --mutate        instead of generating programs, perturb the Cancun state tests of
                  $LANES_VECTORS/ethereum-tests/GeneralStateTests (transaction, code,
                  storage, balances); mismatches are saved unminimised
  --seed S        first seed (default: from the clock); case i uses seed S+i
  --out DIR       where mismatches are written (default vectors/fuzz)
  --no-minimise   save mismatches as generated
`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: { runs: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, 'no-minimise': { type: 'boolean' }, mutate: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const num = (v: string | undefined, d: number, what: string) => {
    if (v === undefined) return d;
    if (!/^[0-9]+$/.test(v) || Number(v) > 0xffffffff) throw new Error(`${what}: expected a non-negative integer below 2^32, got ${JSON.stringify(v)}`);
    return Number(v);
  };
  const runs = num(values.runs, 1000, '--runs');
  const seed = num(values.seed, Date.now() % 0xffffffff, '--seed');
  const out = values.out ?? join(repoRoot(), 'vectors', 'fuzz');
  let corpusFiles: string[] | undefined;
  if (values.mutate) {
    const root = join(vectorsDir(), 'ethereum-tests', 'GeneralStateTests');
    if (!existsSync(root)) throw new Error(`--mutate: no state tests at ${root} (set LANES_VECTORS)`);
    corpusFiles = corpus(root);
  }
  process.stderr.write(`[fuzz] ${runs} runs from seed ${seed}; mismatches to ${out}\n`);
  let last = performance.now();
  const s = await runBatch(() => Evm.create(), {
    seed, runs, saveDir: out, minimise: !values['no-minimise'], corpus: corpusFiles,
    onMismatch: (sd, diffs, file) => process.stderr.write(`[fuzz] MISMATCH seed ${sd}: ${diffs.slice(0, 4).join('; ')}${diffs.length > 4 ? ` (+${diffs.length - 4})` : ''}\n        -> ${file}\n`),
    onProgress: (done) => {
      const now = performance.now();
      if (now - last > 10_000) {
        process.stderr.write(`[fuzz] ${done}/${runs}\n`);
        last = now;
      }
    },
  });
  process.stdout.write(`${s.runs} runs (seeds ${seed}..${seed + s.runs - 1}), ${s.agree} agree, ${s.known} differ by a known reference bug, ${s.unsupported} unsupported, ` +
    `${s.mismatches.length} mismatches, ${(s.ms / 1000).toFixed(1)} s (${(s.runs / (s.ms / 1000)).toFixed(1)} runs/s)\n`);
  return s.mismatches.length ? 1 : 0;
}

main().then((c) => (process.exitCode = c), (e) => {
  process.stderr.write(`fuzz: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
