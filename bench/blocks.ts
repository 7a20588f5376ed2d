// The blocks suite: real mainnet blocks ($LANES_VECTORS/mainnet-blocks) through
// Lanes' sequential block executor (src/block: runBlockFixture, which runs
// executeBlock and checks gas used, receipts root and logs bloom against what mainnet
// recorded). Lanes only: whole blocks on ethereumjs would need @ethereumjs/vm.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import type { Budget } from './measure.js';
import { readBlockFixture, runBlockFixture } from '../src/block/fixture.js';
import { Evm } from '../src/evm/evm.js';
import { vectorsDir } from '../src/util/vectors.js';

export interface BlockRow {
  suite: 'blocks';
  name: string;
  fork: string;
  transactions: number;
  gasUsed: number;
  /** Median time of executeBlock (the fixture's pre-state copy and checks excluded), ms. */
  medianMs?: number;
  minMs?: number;
  samples?: number;
  mgasPerSec?: number;
  pass: boolean;
  reason: string | null;
}

export function mainnetBlocksDir(): string {
  return join(vectorsDir(), 'mainnet-blocks');
}

const pad = (s: string, n: number, left = false) => (left ? s.padEnd(n) : s.padStart(n));
const COLS = ['block', 'fork', 'txs', 'gas', 'Lanes ms', 'Lanes Mgas/s', 'mainnet checks'];
const WIDTHS = [9, 16, 5, 11, 9, 12, 14];

function printRow(cells: string[]): void {
  console.log(cells.map((c, i) => pad(c, WIDTHS[i], i === 1 || i === 6)).join('  '));
}

/** Runs the suite; returns its rows (empty when skipped). */
export async function runBlocksSuite(b: Budget, filter?: RegExp): Promise<BlockRow[]> {
  console.log('\n## blocks (mainnet, sequential executor, Lanes only)');
  const dir = mainnetBlocksDir();
  if (!existsSync(dir)) {
    console.log(`mainnet-blocks vectors not found at ${dir} (set LANES_VECTORS): skipping them`);
    return [];
  }
  console.log('Each block from its pre-state with runBlockFixture: the time is executeBlock\'s own (signature checks,');
  console.log('transactions, receipts), median of the runs; checks = gas used, receipts root, logs bloom as mainnet recorded.\n');
  printRow(COLS);
  printRow(WIDTHS.map((w) => '-'.repeat(w)));
  const files = readdirSync(dir).filter((f) => /^\d+\.json$/.test(f)).sort((x, y) => parseInt(x) - parseInt(y));
  const evm = await Evm.create();
  const rows: BlockRow[] = [];
  let gas = 0;
  let ms = 0;
  for (const f of files) {
    if (filter && !filter.test(f.replace('.json', ''))) continue;
    const row: BlockRow = { suite: 'blocks', name: f.replace('.json', ''), fork: '', transactions: 0, gasUsed: 0, pass: false, reason: null };
    try {
      const fx = readBlockFixture(join(dir, f));
      const first = runBlockFixture(evm, fx);
      Object.assign(row, { fork: first.fork, transactions: first.transactions, gasUsed: Number(first.gasUsed), pass: first.pass, reason: first.reason });
      const iterations = Math.max(1, Math.min(b.minIterations, Math.floor(b.maxRowMs / Math.max(first.timeMs, 0.001))));
      const bench = new Bench({ time: Math.min(b.timeMs, b.maxRowMs), iterations, warmup: false, throws: true });
      bench.add(row.name, () => ({ overriddenDuration: runBlockFixture(evm, fx).timeMs }), { async: false });
      await bench.run();
      const res = bench.tasks[0].result;
      if (res.state !== 'completed') throw new Error(res.state === 'errored' ? res.error.message : res.state);
      row.medianMs = res.latency.p50;
      row.minMs = res.latency.min;
      row.samples = res.latency.samplesCount;
      row.mgasPerSec = row.medianMs > 0 ? row.gasUsed / 1e6 / (row.medianMs / 1e3) : undefined;
      gas += row.gasUsed;
      ms += row.medianMs;
    } catch (e) {
      row.pass = false;
      row.reason = `threw: ${(e as Error).message.split('\n')[0]}`;
    }
    rows.push(row);
    printRow([
      row.name, row.fork, String(row.transactions), row.gasUsed.toLocaleString('en-US'),
      row.medianMs === undefined ? '-' : row.medianMs.toFixed(1),
      row.mgasPerSec === undefined ? '-' : row.mgasPerSec.toFixed(0),
      row.pass ? 'pass' : 'FAIL',
    ]);
    if (!row.pass) console.log(`   !!! ${row.reason}`);
  }
  if (ms > 0) console.log(`\n${rows.length} blocks, ${(gas / 1e6).toFixed(0)} Mgas in ${(ms / 1e3).toFixed(2)} s: ${(gas / 1e3 / ms).toFixed(0)} Mgas/s overall`);
  return rows;
}
