// Conformance with the official state tests: every case of ethereum/tests
// GeneralStateTests (Cancun and the older forks of Pyspecs) and of the
// execution-spec-tests state_tests (Prague, Osaka) must pass. There is no
// known-failures list: a failing case fails this test.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { caseId, collectJsonFiles, progressPrinter, runStateTests } from '../src/statetest/runner.js';
import { vectorsDir } from '../src/util/vectors.js';

const base = vectorsDir();
const cancun = join(base, 'ethereum-tests', 'GeneralStateTests');
const eest = join(base, 'eest', 'state_tests');
const SHOW = 40;

if (!existsSync(cancun) || !existsSync(eest)) {
  console.log(`conformance: skipped, no vectors at ${base} (set LANES_VECTORS or run vectors/fetch.sh)`);
} else {
  test('state tests: every ethereum/tests and execution-spec-tests case passes', async () => {
    const progress = progressPrinter(process.stderr, 'conformance');
    const summary = await runStateTests(collectJsonFiles([cancun, eest]), { onProgress: progress.update }).finally(() => progress.stop());
    console.log(`conformance: ${summary.passed} passed, ${summary.failed} failed in ${(summary.elapsedMs / 1000).toFixed(1)}s`);
    const failures = summary.results.filter((r) => !r.pass).map((r) => `  ${caseId(r, base)} # ${(r.reason ?? r.error ?? 'failed').replace(/\s+/g, ' ')}`);
    if (failures.length > 0) {
      const shown = failures.slice(0, SHOW);
      if (failures.length > SHOW) shown.push(`  ... and ${failures.length - SHOW} more`);
      assert.unreachable(`${failures.length} state-test cases failed:\n${shown.join('\n')}`);
    }
    assert.ok(summary.passed > 0, 'no state-test cases ran');
  });
}

test.run();
