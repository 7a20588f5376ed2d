// The playground page in a real browser (Debian's Chromium, driven by playwright-core):
// bytecode with a step trace, an ethereum/tests state-test file and a block run
// sequentially and on Web Workers, each compared with what this Node process computes
// with the same library. Twice: served cross-origin isolated (Web Workers run the
// block) and without isolation (the page falls back to sequential and says so).
// Screenshots go to test-artifacts/ (gitignored).
//
// Without /usr/bin/chromium (or $LANES_CHROMIUM) the test says so in one line and
// passes; CI installs Chromium (.ci/run).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { WorldState, createEVM, bytesToHex, type Evm } from '../src/index.js';
import type { TraceStep } from '../src/trace/step.js';
import { executeBlock } from '../src/block/execute.js';
import { forkByName } from '../src/fork/table.js';
import { readStateTestFile } from '../src/statetest/parse.js';
import { runCase } from '../src/statetest/run.js';
import { repoRoot, vectorsDir } from '../src/util/vectors.js';
import {
  BLOCK_FORK, CODE_ADDRESS, SAMPLES, parseHexField, sampleBlock, type BlockReport, type BytecodeReport, type SampleBlockSpec,
} from '../src/browser/playground.js';
import type { StateTestReport } from '../src/browser/statetest.js';

const CHROMIUM = process.env.LANES_CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = join(repoRoot(), 'test-artifacts');
const STATE_TEST = 'ethereum-tests/GeneralStateTests/VMTests/vmArithmeticTest/add.json';
const BLOCK_SPEC: Required<SampleBlockSpec> = { txs: 24, rounds: 100, conflictEvery: 4 };
const TIMEOUT = 60_000;

interface Server { url: string; close(): Promise<void> }
interface ServerModule { startServer(o: { port: number; isolation: boolean; vectors: string; quiet: boolean }): Promise<Server> }
interface PageSupport { crossOriginIsolated: boolean; parallel: boolean; reason: string | null; cores: number }
interface PageBlock { spec: SampleBlockSpec; sequential: BlockReport; parallel: BlockReport & { fallback: string | null } }

const chromiumPresent = existsSync(CHROMIUM);
if (!chromiumPresent) console.log(`browser: skipped, no Chromium at ${CHROMIUM} (apt-get install chromium; CI does)`);

let evm: Evm;
let browser: Browser;

/** What Node computes for the same bytecode run (the library directly, not the page's helper). */
function nodeBytecode(code: string, data: string, gas: bigint) {
  const e = evm;
  e.state = new WorldState();
  e.setAccount(CODE_ADDRESS, { code: parseHexField(code, 'code') });
  const steps: TraceStep[] = [];
  const r = e.runCode({ code: parseHexField(code, 'code'), data: parseHexField(data, 'data'), gasLimit: gas, address: CODE_ADDRESS, caller: new Uint8Array(20).fill(0xca), trace: (s) => steps.push(s) });
  return { r, steps };
}

/** The page's panel `id` finished (done or error); returns that state. */
async function waitPanel(page: Page, id: string): Promise<string> {
  const h = await page.waitForSelector(`#${id}[data-state=done], #${id}[data-state=error]`, { timeout: TIMEOUT });
  return (await h.getAttribute('data-state'))!;
}

async function openPage(server: Server, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1150, height: 900 } });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(server.url + 'web/');
  await page.waitForSelector('body[data-ready=true]', { timeout: TIMEOUT });
  return page;
}

/** Bytecode through the page's form: select a sample (or type code), run, read the report. */
async function runInPage(page: Page, opts: { sample?: string; code?: string; data?: string; gas?: string }): Promise<BytecodeReport> {
  if (opts.sample) await page.selectOption('#sample', opts.sample);
  if (opts.code !== undefined) await page.fill('#code', opts.code);
  if (opts.data !== undefined) await page.fill('#calldata', opts.data);
  if (opts.gas !== undefined) await page.fill('#gas', opts.gas);
  await page.click('#run-code');
  assert.is(await waitPanel(page, 'bytecode'), 'done', await page.textContent('#code-error') ?? '');
  return page.evaluate(() => (window as unknown as { playground: { last: { bytecode: BytecodeReport } } }).playground.last.bytecode);
}

async function checkBytecode(page: Page): Promise<void> {
  for (const id of ['counter', 'keccak', 'revert', 'oog', 'invalid']) {
    const s = SAMPLES.find((x) => x.id === id)!;
    const got = await runInPage(page, { sample: id });
    const { r, steps } = nodeBytecode(s.code, s.data ?? '', BigInt(s.gas ?? '1000000'));
    assert.is(got.status, r.status, id);
    assert.is(got.error, r.error ?? null, id);
    assert.is(got.gasUsed, r.gasUsed.toString(), id);
    assert.is(got.output, bytesToHex(r.output), id);
    assert.is(got.traceSteps, steps.length, id);
    const byStep = new Map(steps.map((x, i) => [i, x]));
    for (const row of got.trace!) {
      const n = byStep.get(row.step)!;
      assert.equal(
        [row.pc, row.op, row.gas, row.cost, row.depth, row.stack, row.error],
        [n.pc, n.opName, n.gas.toString(), n.gasCost.toString(), n.depth, n.stack.map((w) => '0x' + w.toString(16)), n.error ?? null],
        `${id}: step ${row.step}`,
      );
    }
  }
  // The status line says what happened, in words.
  await runInPage(page, { sample: 'oog' });
  assert.match((await page.textContent('#code-status'))!, 'out of gas');
  await runInPage(page, { sample: 'revert' });
  assert.match((await page.textContent('#code-status'))!, 'Error("nope")');
  // Typed code: a trace table with the failing step marked.
  const typed = await runInPage(page, { code: '6001 6002 01 56', data: '', gas: '100000' }); // 1 + 2 = 3, JUMP 3: not a JUMPDEST
  assert.is(typed.error, 'invalid jump destination');
  assert.is(await page.locator('#trace-table tbody tr.err').count(), 1);
  // Bad input is an input error shown on the page, not an exception.
  await page.fill('#code', '0x60zz');
  await page.click('#run-code');
  assert.is(await waitPanel(page, 'bytecode'), 'error');
  assert.match((await page.textContent('#code-error'))!, /^Input error: bytecode: invalid hex digit/);
  await page.fill('#code', '0x600');
  await page.click('#run-code');
  assert.is(await waitPanel(page, 'bytecode'), 'error');
  assert.match((await page.textContent('#code-error'))!, 'odd number of hex digits');
  await page.selectOption('#sample', 'add');
}

async function checkStateTest(page: Page): Promise<void> {
  const file = join(vectorsDir(), STATE_TEST);
  if (!existsSync(file)) {
    console.log(`browser: state-test part skipped, no ${file} (set LANES_VECTORS)`);
    return;
  }
  await page.fill('#st-path', STATE_TEST);
  await page.click('#run-st');
  assert.is(await waitPanel(page, 'statetest'), 'done', await page.textContent('#st-error') ?? '');
  const got = await page.evaluate(() => (window as unknown as { playground: { last: { statetest: StateTestReport } } }).playground.last.statetest);
  const want = readStateTestFile(file).map((c) => runCase(evm, c));
  assert.ok(want.length > 0);
  assert.is(got.cases.length, want.length);
  got.cases.forEach((c, i) => {
    const w = want[i];
    assert.equal([c.name, c.fork, c.indexes, c.pass, c.actualRoot, c.expectedRoot], [w.name, w.fork, w.indexes, w.pass, w.actualRoot, w.expectedRoot]);
  });
  assert.is(got.failed, 0);
  // A missing file is said plainly.
  await page.fill('#st-path', 'ethereum-tests/no/such/file.json');
  await page.click('#run-st');
  assert.is(await waitPanel(page, 'statetest'), 'error');
  assert.match((await page.textContent('#st-error'))!, '404');
  await page.fill('#st-path', STATE_TEST);
}

async function runBlockInPage(page: Page, workers: number): Promise<PageBlock> {
  await page.fill('#b-txs', String(BLOCK_SPEC.txs));
  await page.fill('#b-rounds', String(BLOCK_SPEC.rounds));
  await page.fill('#b-conflict', String(BLOCK_SPEC.conflictEvery));
  await page.fill('#b-workers', String(workers));
  await page.click('#run-block');
  assert.is(await waitPanel(page, 'block'), 'done', await page.textContent('#b-error') ?? '');
  return page.evaluate(() => (window as unknown as { playground: { last: { block: PageBlock } } }).playground.last.block);
}

function nodeBlock() {
  const { pre, block } = sampleBlock(BLOCK_SPEC);
  const r = executeBlock(evm, pre, block, { fork: forkByName(BLOCK_FORK) });
  return { stateRoot: bytesToHex(r.stateRoot!), receiptsRoot: bytesToHex(r.receiptsRoot), gasUsed: r.gasUsed.toString(), perTx: r.results.map((x) => ({ gasUsed: x.gasUsed.toString(), status: x.status })) };
}

function assertSameBlock(got: BlockReport, want: ReturnType<typeof nodeBlock>, what: string): void {
  assert.equal([got.stateRoot, got.receiptsRoot, got.gasUsed], [want.stateRoot, want.receiptsRoot, want.gasUsed], what);
  assert.equal(got.perTx, want.perTx, what);
}

function screenshot(page: Page, name: string): Promise<unknown> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
}

async function withServer(isolation: boolean, f: (page: Page, errors: string[]) => Promise<void>): Promise<void> {
  const { startServer } = (await import(pathToFileURL(join(repoRoot(), 'web/server.mjs')).href)) as ServerModule;
  const server = await startServer({ port: 0, isolation, vectors: vectorsDir(), quiet: true });
  const errors: string[] = [];
  let page: Page | undefined;
  try {
    page = await openPage(server, errors);
    await f(page, errors);
  } finally {
    await page?.close();
    await server.close();
  }
}

/** Console errors other than the deliberate 404 of the state-test check. */
function unexpected(errors: string[]): string[] {
  return errors.filter((e) => !/404 \(Not Found\)/.test(e));
}

const isolated = suite('browser: cross-origin isolated');
const fallback = suite('browser: not isolated');

if (chromiumPresent) {
  const setUp = async () => {
    evm ??= await createEVM();
    if (browser) return;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Playwright gives each launch a fresh, empty profile (--user-data-dir).
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  };
  isolated.before(setUp);
  fallback.before(setUp);
  fallback.after(async () => {
    await browser?.close();
  });

  isolated('bytecode, trace, state test and a block on Web Workers match Node', async () => {
    await withServer(true, async (page, errors) => {
      const support = await page.evaluate(() => (window as unknown as { playground: { support: PageSupport } }).playground.support);
      assert.ok(support.crossOriginIsolated, 'the page is cross-origin isolated');
      assert.ok(support.parallel, 'the page can run blocks on workers');
      assert.match((await page.textContent('#support'))!, 'Cross-origin isolated');
      await checkBytecode(page);
      await checkStateTest(page);
      const want = nodeBlock();
      const got = await runBlockInPage(page, 2);
      assert.is(got.parallel.fallback, null, `fallback: ${got.parallel.fallback}`);
      assert.is(got.parallel.mode, 'parallel');
      assert.is(got.parallel.workers, 2);
      assertSameBlock(got.sequential, want, 'sequential in the page');
      assertSameBlock(got.parallel, want, 'Web Workers in the page');
      assert.match((await page.textContent('#b-verdict'))!, 'Same state root');
      assert.ok(await page.locator('#b-chart svg rect').count() >= BLOCK_SPEC.txs);
      // The README's way of embedding: the browser entry, a trace, a Web Worker pool.
      const embed = await page.evaluate(async (spec) => {
        const L = await import('/dist/src/browser/index.js' as string);
        const P = await import('/dist/src/browser/playground.js' as string);
        const evm = await L.createEVM();
        const ops: string[] = [];
        const r = evm.runCode({ code: L.hexToBytes('0x600160020160005260206000f3'), trace: (s: { opName: string }) => ops.push(s.opName) });
        const pool = await L.WebWorkerPool.create(2, { workerUrl: '/dist/browser/lanes-worker.js' });
        const { pre, block } = P.sampleBlock(spec);
        const b = await L.executeBlockParallel(pool, evm, pre, block, { fork: L.forkByName('Cancun') });
        await pool.close();
        return { output: L.bytesToHex(r.output), ops, mode: b.parallel.mode as string, reason: (b.parallel.reason ?? '') as string, root: L.bytesToHex(b.stateRoot) as string };
      }, BLOCK_SPEC);
      assert.is(BigInt(embed.output), 3n);
      assert.equal(embed.ops, ['PUSH1', 'PUSH1', 'ADD', 'PUSH1', 'MSTORE', 'PUSH1', 'PUSH1', 'RETURN']);
      // With the executor's defaults a block of light transactions may run sequentially
      // (the main thread's probe decides; the page's own run above forces Block-STM).
      assert.ok(embed.mode === 'parallel' || embed.reason.startsWith('light transactions'), `${embed.mode}: ${embed.reason}`);
      assert.is(embed.root, want.stateRoot);
      await runInPage(page, { sample: 'revert' }); // the screenshot shows a trace
      await screenshot(page, 'browser.png');
      assert.equal(unexpected(errors), []);
    });
  });

  fallback('without isolation: sequential fallback, said plainly, same results', async () => {
    await withServer(false, async (page, errors) => {
      const support = await page.evaluate(() => (window as unknown as { playground: { support: PageSupport } }).playground.support);
      assert.not.ok(support.crossOriginIsolated);
      assert.not.ok(support.parallel);
      assert.match((await page.textContent('#support'))!, 'Sequential only');
      const s = SAMPLES.find((x) => x.id === 'keccak')!;
      const got = await runInPage(page, { sample: 'keccak' });
      assert.is(got.output, bytesToHex(nodeBytecode(s.code, s.data!, 1_000_000n).r.output));
      const want = nodeBlock();
      const b = await runBlockInPage(page, 2);
      assert.is(b.parallel.mode, 'sequential');
      assert.match(b.parallel.fallback ?? '', 'not cross-origin isolated');
      assertSameBlock(b.sequential, want, 'sequential in the page');
      assertSameBlock(b.parallel, want, 'fallback in the page');
      assert.match((await page.textContent('#b-note'))!, 'Ran sequentially instead');
      await screenshot(page, 'browser-fallback.png');
      assert.equal(unexpected(errors), []);
    });
  });
}

isolated.run();
fallback.run();
