// Differential fuzzing against @ethereumjs/evm: a fixed-seed batch of generated
// programs must agree, and every saved mismatch in vectors/fuzz/ replays as a state
// test whose expectation is the diagnosed correct result (see its _info).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Evm } from '../src/evm/evm.js';
import { WorldState } from '../src/state/world.js';
import { logsHash } from '../src/state/logs.js';
import { readStateTestFile } from '../src/statetest/parse.js';
import { runCase } from '../src/statetest/run.js';
import { runReference } from '../src/fuzz/ethjs.js';
import { assemble, generateCase, toSpec, type FuzzCase } from '../src/fuzz/generate.js';
import { minimise } from '../src/fuzz/minimise.js';
import { runBatch } from '../src/fuzz/run.js';
import { bytesToHex } from '../src/util/hex.js';
import { repoRoot } from '../src/util/vectors.js';

const SEED = 424242;
const RUNS = Number(process.env.LANES_FUZZ_RUNS ?? 300);
const dir = join(repoRoot(), 'vectors', 'fuzz');
const saved = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];

interface Info { seed: number; diagnosis: string; expect: 'lanes' | 'reference'; status?: string }
const infoOf = (f: string): Info => (Object.values(JSON.parse(readFileSync(join(dir, f), 'utf8')))[0] as { _info: Info })._info;

test('generation is deterministic: the same seed gives the same case', () => {
  assert.equal(JSON.stringify(toSpec(generateCase(7)), (_, v) => (typeof v === 'bigint' ? v.toString() : v)),
    JSON.stringify(toSpec(generateCase(7)), (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
});

test('the minimiser keeps what the predicate needs and drops the rest', async () => {
  const f = generateCase(11);
  const hasSstore = (g: FuzzCase) => g.accounts.some((a) => a.units !== null && (assemble(a.units).includes(0x55)));
  if (!hasSstore(f)) return;
  const m = await minimise(f, async (g) => hasSstore(g));
  assert.ok(hasSstore(m));
  const units = m.accounts.reduce((n, a) => n + (a.units?.length ?? 0), 0);
  assert.ok(units <= 2, `${units} units left`);
  assert.is(m.accounts.length, 2, 'the sender and one contract');
});

test(`${RUNS} generated programs (seeds ${SEED}..) agree with @ethereumjs/evm`, async () => {
  // Seeds whose saved mismatch is diagnosed as a bug of the reference may differ.
  const theirs = new Set(saved.map(infoOf).filter((i) => i.expect === 'lanes').map((i) => i.seed));
  const s = await runBatch(() => Evm.create(), { seed: SEED, runs: RUNS, minimise: false });
  const ours = s.mismatches.filter((m) => !theirs.has(m.seed));
  assert.equal(ours.map((m) => `seed ${m.seed}: ${m.diffs.join('; ')}`), []);
  assert.ok(s.agree + s.unsupported + s.known + s.mismatches.length === RUNS);
});

if (saved.length === 0) test('saved fuzz mismatches', () => console.log(`  (none in ${dir})`));
for (const f of saved) {
  test(`vectors/fuzz/${f} replays to its diagnosed result`, async () => {
    const info = infoOf(f);
    const evm = await Evm.create();
    for (const c of readStateTestFile(join(dir, f))) {
      const r = runCase(evm, c);
      assert.ok(r.pass, `${f}: ${r.reason} (diagnosis: ${info.diagnosis})`);
      if (info.expect === 'reference') {
        // The expectation is the reference's result: check the file still says what it computes.
        const ref = await runReference(c);
        assert.is(bytesToHex(WorldState.fromJSON(ref.post).stateRoot()), bytesToHex(c.expectedRoot));
        assert.is(bytesToHex(logsHash(ref.logs)), bytesToHex(c.expectedLogs));
      }
    }
  });
}

test.run();
