// Contract workloads: every London case of the ipsilon/evm-benchmarks state tests
// ($LANES_VECTORS/evm-benchmarks), one row per data variant, plus the ERC-20 rows.
//
// Each case runs its transaction's call as a message call on the pre-state: same
// caller, callee, data and value, with the transaction's gas limit less its
// intrinsic gas (what the call itself gets inside a transaction).

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { Workload } from './engines.js';
import { erc20Workloads } from './erc20.js';
import type { Tx } from '../src/evm/types.js';
import { forkByName } from '../src/fork/table.js';
import { forkFilter, readStateTestFile } from '../src/statetest/parse.js';
import { intrinsicGas } from '../src/tx/rules.js';
import { vectorsDir } from '../src/util/vectors.js';

export const CONTRACT_FORK = 'London';

export function benchmarksDir(): string {
  return join(vectorsDir(), 'evm-benchmarks');
}

function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...jsonFiles(p));
    else if (e.name.endsWith('.json')) out.push(p);
  }
  return out.sort();
}

/** The benchmark state tests as workloads; null when the vectors are absent. */
export function benchmarkWorkloads(filter?: RegExp): Workload[] | null {
  const dir = benchmarksDir();
  if (!existsSync(dir)) return null;
  const fork = forkByName(CONTRACT_FORK);
  const out: Workload[] = [];
  for (const file of jsonFiles(dir)) {
    const labels = new Map<string, Record<string, string>>();
    for (const [name, t] of Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, { _info?: { labels?: Record<string, string> } }>)) {
      labels.set(name, t._info?.labels ?? {});
    }
    for (const c of readStateTestFile(file, { fork: forkFilter(CONTRACT_FORK) })) {
      const label = labels.get(c.name)?.[String(c.indexes.data)] ?? `data ${c.indexes.data}`;
      const name = `${c.name} ${label}`;
      if (filter && !filter.test(name)) continue;
      const tx = c.tx as Tx;
      out.push({
        suite: 'contracts',
        group: basename(dirname(relative(dir, file))) || 'main',
        name,
        fork: CONTRACT_FORK,
        pre: c.pre,
        block: c.block,
        call: { caller: tx.sender, to: tx.to, data: tx.data, value: tx.value, gasLimit: tx.gasLimit - intrinsicGas(tx, fork) },
      });
    }
  }
  return out;
}

/** The ERC-20 rows, in the same fork and a block like the benchmarks' own. */
export function tokenWorkloads(block?: Workload['block']): Workload[] {
  return erc20Workloads(CONTRACT_FORK, block ?? defaultContractBlock());
}

function defaultContractBlock(): Workload['block'] {
  return {
    coinbase: new Uint8Array(20).fill(0xc0), number: 1n, timestamp: 1000n, gasLimit: 1_000_000_000n, baseFee: 10n,
    prevRandao: new Uint8Array(32), difficulty: 0x20000n, excessBlobGas: 0n, chainId: 1n, blockHash: () => undefined,
  };
}
