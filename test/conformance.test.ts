// Conformance with the official ethereum/tests GeneralStateTests, with a ratchet:
// test/known-failures.txt lists the cases allowed to fail (one id per line,
// `file::name::fork::d-g-v # reason`, file relative to the vectors folder). The test
// fails when a case outside the list fails, or when a listed case no longer fails
// (remove it: the ratchet only tightens). VMTests must pass completely.
//
// LANES_UPDATE_KNOWN_FAILURES=1 rewrites the list from this run instead of failing
// on differences (VMTests failures still fail the test).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { caseId, collectJsonFiles, progressPrinter, runStateTests } from '../src/statetest/runner.js';
import { repoRoot, vectorsDir } from '../src/util/vectors.js';

const base = vectorsDir();
const suite = join(base, 'ethereum-tests', 'GeneralStateTests');
const listFile = join(repoRoot(), 'test', 'known-failures.txt');
const isVmTest = (id: string) => id.startsWith('ethereum-tests/GeneralStateTests/VMTests/');
const SHOW = 40;

function readKnown(): Map<string, string> {
  const known = new Map<string, string>();
  if (!existsSync(listFile)) return known;
  for (const raw of readFileSync(listFile, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const at = line.indexOf(' # ');
    known.set(at < 0 ? line : line.slice(0, at).trim(), at < 0 ? '' : line.slice(at + 3).trim());
  }
  return known;
}

function list(title: string, ids: string[]): string {
  const shown = ids.slice(0, SHOW).map((id) => `  ${id}`);
  if (ids.length > SHOW) shown.push(`  ... and ${ids.length - SHOW} more`);
  return `${title} (${ids.length}):\n${shown.join('\n')}`;
}

if (!existsSync(suite)) {
  console.log(`conformance: skipped, no vectors at ${suite} (set LANES_VECTORS or run vectors/fetch.sh)`);
} else {
  test('ethereum/tests GeneralStateTests match the known-failures ratchet', async () => {
    const progress = progressPrinter(process.stderr, 'conformance');
    const summary = await runStateTests(collectJsonFiles([suite]), { onProgress: progress.update }).finally(() => progress.stop());
    console.log(`conformance: ${summary.passed} passed, ${summary.failed} failed in ${(summary.elapsedMs / 1000).toFixed(1)}s`);

    const failures = new Map<string, string>();
    for (const r of summary.results) if (!r.pass) failures.set(caseId(r, base), (r.reason ?? r.error ?? 'failed').replace(/\s+/g, ' '));
    const known = readKnown();
    const vmFailures = [...failures.keys()].filter(isVmTest);
    const listedVm = [...known.keys()].filter(isVmTest);

    if (process.env.LANES_UPDATE_KNOWN_FAILURES === '1') {
      const lines = [...failures].filter(([id]) => !isVmTest(id)).map(([id, why]) => `${id} # ${why}`).sort();
      writeFileSync(listFile, lines.length === 0 ? '' : lines.join('\n') + '\n');
      console.log(`conformance: wrote ${lines.length} entries to ${listFile}`);
    } else {
      const unexpected = [...failures.keys()].filter((id) => !known.has(id) && !isVmTest(id));
      const fixed = [...known.keys()].filter((id) => !failures.has(id) && !isVmTest(id));
      const problems: string[] = [];
      if (unexpected.length > 0) problems.push(list('failing but not in test/known-failures.txt', unexpected.map((id) => `${id} # ${failures.get(id)}`)));
      if (fixed.length > 0) problems.push(list('listed in test/known-failures.txt but passing (or gone): remove them', fixed));
      if (listedVm.length > 0) problems.push(list('VMTests entries are not allowed in test/known-failures.txt', listedVm));
      if (problems.length > 0) assert.unreachable(problems.join('\n'));
    }
    if (vmFailures.length > 0) assert.unreachable(list('VMTests must all pass', vmFailures.map((id) => `${id} # ${failures.get(id)}`)));
  });
}

test.run();
