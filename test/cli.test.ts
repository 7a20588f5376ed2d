// The built `lanes` CLI as a user meets it: exit statuses and messages.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { vectorsDir } from '../src/util/vectors.js';

const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
/** The repository (this file runs from dist/test). */
const REPO = fileURLToPath(new URL('../..', import.meta.url));

function lanes(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertNoStack(text: string) {
  assert.not.match(text, /^\s+at /m, `unexpected stack trace:\n${text}`);
}

test('npx lanes, as the README runs it after npm install, starts the built CLI', () => {
  // tsc writes dist/src/cli/main.js without the executable bit; the build sets it (npm does not for the package's own bin).
  const r = spawnSync('npx', ['lanes', '--help'], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  assert.is(r.status, 0, `${r.stderr}${r.error ? String(r.error) : ''}`);
  assert.match(r.stdout, 'lanes statetest');
});

test('--help and help print usage and exit 0', () => {
  for (const arg of ['--help', 'help']) {
    const r = lanes(arg);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, 'lanes statetest');
    assert.match(r.stdout, 'lanes run');
  }
});

test('--json leaves stdout to the JSON document: the pass/fail tally goes to stderr', () => {
  const vectors = vectorsDir();
  const runs: [string, string[]][] = [
    ['block', [join(REPO, 'vectors/lanes/synthetic-transfers.json')]],
    ['blocktest', ['--workers', '1', join(vectors, 'ethereum-tests/BlockchainTests/ValidBlocks/bcExample/basefeeExample.json')]],
    ['statetest', ['--workers', '1', join(vectors, 'ethereum-tests/GeneralStateTests/VMTests/vmArithmeticTest/add.json')]],
  ];
  for (const [command, files] of runs) {
    const r = lanes(command, '--json', ...files);
    assert.is(r.status, 0, `${command}: ${r.stderr}`);
    const parsed = JSON.parse(r.stdout) as { pass: boolean }[];
    assert.ok(Array.isArray(parsed) && parsed.length > 0 && parsed.every((x) => x.pass === true), `${command}: ${r.stdout.slice(0, 200)}`);
    assert.match(r.stderr, new RegExp(`^${parsed.length} passed, 0 failed$`, 'm'), `${command}: ${r.stderr}`);
  }
});

test('unknown command exits 2 with a message', () => {
  const r = lanes('frobnicate');
  assert.is(r.status, 2);
  assert.match(r.stderr, 'unknown command "frobnicate"');
  assertNoStack(r.stderr);
});

test('unknown flag exits 2', () => {
  const r = lanes('statetest', '--frobnicate');
  assert.is(r.status, 2);
  assert.match(r.stderr, '--frobnicate');
  assertNoStack(r.stderr);
});

test('statetest on malformed JSON exits 2 naming the file, without a stack trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lanes-cli-'));
  try {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"someTest": {');
    const r = lanes('statetest', file);
    assert.is(r.status, 2, r.stderr);
    assert.match(r.stderr, `lanes: ${file}: invalid JSON`);
    assertNoStack(r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('statetest on a bad field exits 2 naming file, test and field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lanes-cli-'));
  try {
    const file = join(dir, 'badfield.json');
    writeFileSync(file, JSON.stringify({ someTest: { env: {}, pre: {}, transaction: {}, post: { Cancun: [{ indexes: { data: 0, gas: 0, value: 0 }, hash: '0x', logs: '0x' }] } } }));
    const r = lanes('statetest', file);
    assert.is(r.status, 2, r.stderr);
    assert.match(r.stderr, file);
    assert.match(r.stderr, 'test "someTest"');
    assert.match(r.stderr, 'env.currentNumber: missing');
    assertNoStack(r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('statetest on a missing path exits 2', () => {
  const r = lanes('statetest', join(tmpdir(), 'lanes-no-such-dir-4c87eb'));
  assert.is(r.status, 2);
  assert.match(r.stderr, 'no such file or directory');
});

test('run --code with bad hex exits 2', () => {
  const r = lanes('run', '--code', 'zz');
  assert.is(r.status, 2);
  assert.match(r.stderr, '--code: invalid hex digit');
  assertNoStack(r.stderr);
});

test('run without code exits 2', () => {
  const r = lanes('run');
  assert.is(r.status, 2);
  assert.match(r.stderr, '--code');
});

test.run();
