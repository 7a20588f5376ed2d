// Blocks: header and block RLP against the BlockchainTests' own hashes, malformed
// blocks, the mainnet fork schedule and rewards from the EIPs, the DAO fork change,
// the partial-pre-state guard of block fixtures, and conformance: every
// BlockchainTest (ValidBlocks, InvalidBlocks) and every mainnet block must pass.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RLP } from '@ethereumjs/rlp';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeBlock } from '../src/block/block.js';
import { runBlockTests } from '../src/block/blocktest-runner.js';
import { DAO_DRAIN_LIST, DAO_REFUND_CONTRACT, applyDaoFork } from '../src/block/dao.js';
import { readBlockFixture, runBlockFixture } from '../src/block/fixture.js';
import { decodeHeader, encodeHeader, headerFromJSON, headerHash } from '../src/block/header.js';
import { expectedBaseFee, expectedExcessBlobGas } from '../src/block/validate.js';
import { Evm } from '../src/evm/evm.js';
import { blockReward, forkByName, mainnetForkAt } from '../src/fork/table.js';
import { WorldState, createAccount } from '../src/state/world.js';
import { collectJsonFiles, progressPrinter } from '../src/statetest/runner.js';
import { InputError, bytesToHex, hexToBytes } from '../src/util/hex.js';
import { vectorsDir } from '../src/util/vectors.js';

const hex = bytesToHex;
const vectors = vectorsDir();
const blockchainTests = join(vectors, 'ethereum-tests', 'BlockchainTests');
const mainnet = join(vectors, 'mainnet-blocks');
const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

test('mainnet fork schedule at the activation blocks and times', () => {
  const at = (n: number, t = 0) => mainnetForkAt(BigInt(n), BigInt(t)).name;
  assert.is(at(0), 'Frontier');
  assert.is(at(1_149_999), 'Frontier');
  assert.is(at(1_150_000), 'Homestead');
  assert.is(at(2_463_000), 'TangerineWhistle');
  assert.is(at(2_675_000), 'SpuriousDragon');
  assert.is(at(4_369_999), 'SpuriousDragon');
  assert.is(at(4_370_000), 'Byzantium');
  assert.is(at(7_280_000), 'Petersburg');
  assert.is(at(9_069_000), 'Istanbul');
  assert.is(at(12_244_000), 'Berlin');
  assert.is(at(12_965_000), 'London');
  assert.is(at(15_537_393), 'GrayGlacier');
  assert.is(at(15_537_394), 'Paris');
  assert.is(at(17_034_869, 1_681_338_454), 'Paris');
  assert.is(at(17_034_870, 1_681_338_455), 'Shanghai');
  assert.is(at(19_426_587, 1_710_338_135), 'Cancun');
});

test('block rewards (EIP-649, EIP-1234, EIP-3675)', () => {
  const eth = 10n ** 18n;
  assert.is(blockReward(forkByName('Frontier')), 5n * eth);
  assert.is(blockReward(forkByName('SpuriousDragon')), 5n * eth);
  assert.is(blockReward(forkByName('Byzantium')), 3n * eth);
  assert.is(blockReward(forkByName('Petersburg')), 2n * eth);
  assert.is(blockReward(forkByName('GrayGlacier')), 2n * eth);
  assert.is(blockReward(forkByName('Paris')), 0n);
});

test('DAO fork: the drain list moves to the refund contract', () => {
  assert.is(DAO_DRAIN_LIST.length, 116);
  assert.is(new Set(DAO_DRAIN_LIST).size, 116);
  // The DAO itself and its extra-balance account are on the list.
  assert.ok(DAO_DRAIN_LIST.includes('bb9bc244d798123fde783fcc1c72d3bb8c189413'));
  assert.ok(DAO_DRAIN_LIST.includes('807640a13483f8ac783c557fcdf27be11ea4ac7a'));
  const s = new WorldState();
  s.putAccount(DAO_DRAIN_LIST[0], createAccount({ balance: 7n, nonce: 1n }));
  s.putAccount(DAO_DRAIN_LIST[115], createAccount({ balance: 5n }));
  s.putAccount(DAO_REFUND_CONTRACT, createAccount({ balance: 1n, code: Uint8Array.of(0) }));
  s.putAccount('00'.repeat(20), createAccount({ balance: 9n }));
  applyDaoFork(s);
  assert.is(s.peekAccount(DAO_DRAIN_LIST[0])!.balance, 0n);
  assert.is(s.peekAccount(DAO_DRAIN_LIST[0])!.nonce, 1n);
  assert.is(s.peekAccount(DAO_DRAIN_LIST[115])!.balance, 0n);
  assert.is(s.peekAccount(DAO_REFUND_CONTRACT)!.balance, 13n);
  assert.is(s.peekAccount('00'.repeat(20))!.balance, 9n);
});

test('EIP-1559 base fee and EIP-4844 excess blob gas from the parent', () => {
  const cancun = forkByName('Cancun');
  const parent = headerFromJSON({ gasLimit: '30000000', gasUsed: '15000000', baseFeePerGas: '1000', excessBlobGas: '0', blobGasUsed: '786432' }, 'parent', true);
  assert.is(expectedBaseFee(parent, cancun), 1000n); // at target
  assert.is(expectedBaseFee({ ...parent, gasUsed: 30_000_000n }, cancun), 1125n); // full: +1/8
  assert.is(expectedBaseFee({ ...parent, gasUsed: 0n }, cancun), 875n); // empty: -1/8
  assert.is(expectedBaseFee({ ...parent, gasUsed: 15_000_001n, baseFeePerGas: 7n }, cancun), 8n); // at least +1
  assert.is(expectedBaseFee(parent, forkByName('Berlin')), 1_000_000_000n); // London's first block
  assert.is(expectedExcessBlobGas(parent, cancun), 786432n - 393216n);
  assert.is(expectedExcessBlobGas({ ...parent, blobGasUsed: 0n }, cancun), 0n);
});

test('malformed blocks are InputErrors with an RLP code', () => {
  const codeOf = (bytes: Uint8Array) => {
    try {
      decodeBlock(bytes);
    } catch (e) {
      assert.instance(e, InputError);
      return (e as Error).message.split(':')[0];
    }
    return 'decoded';
  };
  assert.is(codeOf(new Uint8Array(0)), 'RLP_STRUCTURES_ENCODING');
  assert.is(codeOf(Uint8Array.of(0xc0)), 'RLP_STRUCTURES_ENCODING');
  assert.is(codeOf(Uint8Array.of(0xc3, 0xc0, 0xc0)), 'RLP_STRUCTURES_ENCODING'); // truncated
  assert.is(codeOf(RLP.encode([[], [], []])), 'RLP_STRUCTURES_ENCODING'); // empty header
});

const absent = [blockchainTests, mainnet].filter((p) => !existsSync(p));
if (absent.length > 0) console.log(`block: conformance skipped, no vectors at ${absent.join(' and ')} (set LANES_VECTORS or run vectors/fetch.sh)`);

test('the fixtures in vectors/lanes pass, state roots included', async () => {
  const dir = fileURLToPath(new URL('../../vectors/lanes/', import.meta.url));
  const evm = await Evm.create();
  const files = collectJsonFiles([dir]);
  assert.ok(files.length >= 6);
  for (const file of files) {
    const r = runBlockFixture(evm, readBlockFixture(file));
    assert.ok(r.pass, `${file}: ${r.reason}`);
    assert.is(r.stateRootMatch, true, file);
  }
});

if (existsSync(blockchainTests)) {
  test('headers: RLP, hash and JSON agree with the BlockchainTests', () => {
    let n = 0;
    for (const file of collectJsonFiles([join(blockchainTests, 'ValidBlocks')])) {
      const tests = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
      for (const t of Object.values(tests)) {
        const g = decodeBlock(hexToBytes(t.genesisRLP));
        const json = t.genesisBlockHeader as Record<string, string>;
        assert.is(hex(g.hash), json.hash, file);
        const fromJson = headerFromJSON(json, 'genesis');
        assert.is(hex(headerHash(fromJson)), json.hash, file);
        assert.is(hex(encodeHeader(decodeHeader(RLP.decode(encodeHeader(fromJson)) as Uint8Array[]))), hex(encodeHeader(fromJson)));
        for (const b of t.blocks as Record<string, unknown>[]) {
          if (b.blockHeader === undefined) continue;
          const h = b.blockHeader as Record<string, string>;
          assert.is(hex(decodeBlock(hexToBytes(b.rlp)).hash), h.hash, file);
          assert.is(hex(headerHash(headerFromJSON(h, 'header'))), h.hash, file);
          n++;
        }
      }
    }
    assert.ok(n > 500, `only ${n} headers checked`);
  });

  test('BlockchainTests (ValidBlocks, InvalidBlocks): all pass', async () => {
    const progress = progressPrinter(process.stderr, 'blocktest');
    const summary = await runBlockTests(collectJsonFiles([blockchainTests]), { onProgress: progress.update }).finally(() => progress.stop());
    console.log(`block: BlockchainTests ${summary.passed} passed, ${summary.failed} failed in ${(summary.elapsedMs / 1000).toFixed(1)}s`);
    const failures = summary.results.filter((r) => !r.pass).map((r) => `${r.file} ${r.name}: ${r.reason}`);
    assert.ok(summary.results.length > 500, `only ${summary.results.length} tests ran`);
    if (failures.length > 0) assert.unreachable(`${failures.length} failed:\n${failures.slice(0, 20).join('\n')}`);
  });

  test('lanes blocktest: one line per failure, summary last, exit status', () => {
    const file = join(blockchainTests, 'ValidBlocks', 'bcExample', 'basefeeExample.json');
    const r = spawnSync(process.execPath, [CLI, 'blocktest', '--workers', '1', file], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout.trim().split('\n').pop(), '1 passed, 0 failed');
    const bad = spawnSync(process.execPath, [CLI, 'blocktest', '--run', '(', file], { encoding: 'utf8' });
    assert.is(bad.status, 2);
    // A wrong post-state: one FAIL line naming the test, exit 1.
    const dir = mkdtempSync(join(tmpdir(), 'lanes-blocktest-'));
    try {
      const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { postState: Record<string, { balance: string }> }>;
      const t = Object.values(json)[0];
      const addr = Object.keys(t.postState)[0];
      t.postState[addr].balance = '0x1234';
      const broken = join(dir, 'broken.json');
      writeFileSync(broken, JSON.stringify(json));
      const f = spawnSync(process.execPath, [CLI, 'blocktest', '--workers', '1', broken], { encoding: 'utf8' });
      assert.is(f.status, 1, f.stderr);
      const lines = f.stdout.trim().split('\n');
      assert.is(lines.length, 2);
      assert.match(lines[0], /^FAIL .*broken\.json basefeeExample_Cancun: post-state root 0x[0-9a-f]{64}, expected 0x[0-9a-f]{64} \(0x[0-9a-f]{40}: balance /);
      assert.is(lines[1], '0 passed, 1 failed');
      const j = spawnSync(process.execPath, [CLI, 'blocktest', '--json', '--workers', '1', broken], { encoding: 'utf8' });
      const out = j.stdout.trim().split('\n');
      assert.is(out.pop(), '0 passed, 1 failed');
      const parsed = JSON.parse(out.join('\n')) as { name: string; pass: boolean; error: string }[];
      assert.is(parsed[0].name, 'basefeeExample_Cancun');
      assert.is(parsed[0].pass, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

if (existsSync(mainnet)) {
  test('a read of a slot the fixture lacks fails the block, naming it', async () => {
    const f = readBlockFixture(join(mainnet, '19934116.json'));
    // Forget every slot the fixture holds (the values stay, so execution is unchanged).
    const forgotten = new Set<string>();
    for (const [addr, slots] of f.knownSlots) {
      if (slots.size === 0) continue;
      forgotten.add(addr);
      f.knownSlots.set(addr, new Set());
    }
    const r = runBlockFixture(await Evm.create(), f);
    assert.is(r.gasUsedMatch, true);
    assert.is(r.pass, false);
    assert.ok(r.missing.length > 0);
    assert.match(r.missing[0], /^tx \d+: storage 0x[0-9a-f]{40} \[0x[0-9a-f]{64}\]$/);
    assert.ok(forgotten.has(r.missing[0].split(' ')[3].slice(2)));
  });

  test('mainnet blocks: gas used, receipts root and logs bloom as recorded', async () => {
    const evm = await Evm.create();
    const failures: string[] = [];
    let n = 0;
    for (const file of collectJsonFiles([mainnet])) {
      const r = runBlockFixture(evm, readBlockFixture(file));
      n++;
      if (!r.pass) failures.push(`${r.number} (${r.fork}): ${r.reason}`);
    }
    console.log(`block: mainnet ${n - failures.length} passed, ${failures.length} failed`);
    if (failures.length > 0) assert.unreachable(failures.join('\n'));
  });

  test('lanes block prints a row per block and the summary', () => {
    const r = spawnSync(process.execPath, [CLI, 'block', join(mainnet, '46147.json'), join(mainnet, '4370000.json')], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[1], /^PASS 4370000 +Byzantium +97 +6609719 .* ok +ok +ok +4370000\.json$/);
    assert.match(lines[2], /^PASS 46147 +Frontier +1 +21000 .* ok +- +ok +46147\.json$/);
    assert.is(lines.pop(), '2 passed, 0 failed');
    const j = spawnSync(process.execPath, [CLI, 'block', '--json', join(mainnet, '46147.json')], { encoding: 'utf8' });
    const out = j.stdout.trim().split('\n');
    assert.is(out.pop(), '1 passed, 0 failed');
    const parsed = JSON.parse(out.join('\n')) as { number: number; receiptsRootMatch: boolean | null }[];
    assert.is(parsed[0].number, 46147);
    assert.is(parsed[0].receiptsRootMatch, null);
  });
}

test.run();
