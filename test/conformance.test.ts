// Conformance with the official state tests:
// - ethereum/tests GeneralStateTests (Cancun and the older forks of Pyspecs): every case
//   must pass, no exceptions;
// - execution-spec-tests state_tests (Prague, Osaka), with a ratchet:
//   test/known-failures.txt lists the cases allowed to fail (one id per line,
//   `file::name::fork::d-g-v # reason`, file relative to the vectors folder). The test
//   fails when a case outside the list fails, or when a listed case no longer fails
//   (remove it: the ratchet only tightens).
//
// LANES_UPDATE_KNOWN_FAILURES=1 rewrites the list from this run instead of failing
// on differences (ethereum/tests failures still fail the test).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { caseId, collectJsonFiles, progressPrinter, runStateTests } from '../src/statetest/runner.js';
import { repoRoot, vectorsDir } from '../src/util/vectors.js';

const base = vectorsDir();
const cancun = join(base, 'ethereum-tests', 'GeneralStateTests');
const eest = join(base, 'eest', 'state_tests');
const listFile = join(repoRoot(), 'test', 'known-failures.txt');
/** Cases that may never be listed: all of ethereum/tests. */
const mustPass = (id: string) => id.startsWith('ethereum-tests/');
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

if (!existsSync(cancun) || !existsSync(eest)) {
  console.log(`conformance: skipped, no vectors at ${base} (set LANES_VECTORS or run vectors/fetch.sh)`);
} else {
  test('state tests: ethereum/tests all pass, execution-spec-tests match the ratchet', async () => {
    const progress = progressPrinter(process.stderr, 'conformance');
    const summary = await runStateTests(collectJsonFiles([cancun, eest]), { onProgress: progress.update }).finally(() => progress.stop());
    console.log(`conformance: ${summary.passed} passed, ${summary.failed} failed in ${(summary.elapsedMs / 1000).toFixed(1)}s`);

    const failures = new Map<string, string>();
    for (const r of summary.results) if (!r.pass) failures.set(caseId(r, base), (r.reason ?? r.error ?? 'failed').replace(/\s+/g, ' '));
    const known = readKnown();
    const strictFailures = [...failures.keys()].filter(mustPass);
    const listedStrict = [...known.keys()].filter(mustPass);

    if (process.env.LANES_UPDATE_KNOWN_FAILURES === '1') {
      const lines = [...failures].filter(([id]) => !mustPass(id)).map(([id, why]) => `${id} # ${why}`).sort();
      writeFileSync(listFile, lines.length === 0 ? '' : lines.join('\n') + '\n');
      console.log(`conformance: wrote ${lines.length} entries to ${listFile}`);
    } else {
      const unexpected = [...failures.keys()].filter((id) => !known.has(id) && !mustPass(id));
      const fixed = [...known.keys()].filter((id) => !failures.has(id) && !mustPass(id));
      const problems: string[] = [];
      if (unexpected.length > 0) problems.push(list('failing but not in test/known-failures.txt', unexpected.map((id) => `${id} # ${failures.get(id)}`)));
      if (fixed.length > 0) problems.push(list('listed in test/known-failures.txt but passing (or gone): remove them', fixed));
      if (listedStrict.length > 0) problems.push(list('ethereum/tests entries are not allowed in test/known-failures.txt', listedStrict));
      if (problems.length > 0) assert.unreachable(problems.join('\n'));
    }
    if (strictFailures.length > 0) assert.unreachable(list('ethereum/tests state tests must all pass', strictFailures.map((id) => `${id} # ${failures.get(id)}`)));
  });
}

test.run();
