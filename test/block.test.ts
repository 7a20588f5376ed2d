// Blocks: header and block RLP against the BlockchainTests' own hashes, malformed
// blocks, the mainnet fork schedule and rewards from the EIPs, the DAO fork change,
// Prague/Osaka block rules worked out from their EIPs (EIP-7685 requests hash, EIP-6110
// deposit logs, EIP-7918 excess blob gas, EIP-7934 size limit), the partial-pre-state
// guard of block fixtures, and conformance: every BlockchainTest (ValidBlocks,
// InvalidBlocks), every execution-spec-tests Prague/Osaka blockchain test and every
// mainnet block must pass.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
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
import { InvalidBlockError } from '../src/block/errors.js';
import { executeBlock } from '../src/block/execute.js';
import { depositRequests, requestsHash } from '../src/block/requests.js';
import { expectedBaseFee, expectedExcessBlobGas, validateBlockSize } from '../src/block/validate.js';
import { Evm } from '../src/evm/evm.js';
import { PRAGUE_SYSTEM, blockReward, forkByName, mainnetForkAt, withBlobSchedule } from '../src/fork/table.js';
import { WorldState, createAccount } from '../src/state/world.js';
import { collectJsonFiles, progressPrinter } from '../src/statetest/runner.js';
import { InputError, bytesToHex, hexToBytes } from '../src/util/hex.js';
import { vectorsDir } from '../src/util/vectors.js';

const hex = bytesToHex;
const vectors = vectorsDir();
const blockchainTests = join(vectors, 'ethereum-tests', 'BlockchainTests');
const eestBlockchainTests = join(vectors, 'eest', 'blockchain_tests');
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

test('EIP-7685 requests hash: sha256 over sha256(type ++ data), empty types left out', () => {
  const sha = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
  // No requests: sha256 of nothing (the requestsHash of every EEST block without requests).
  assert.is(hex(requestsHash([{ type: 0, data: new Uint8Array(0) }, { type: 1, data: new Uint8Array(0) }])),
    '0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  const w = Uint8Array.of(7, 8, 9);
  const c = Uint8Array.of(1);
  const want = sha(Uint8Array.from([...sha(Uint8Array.of(1, ...w)), ...sha(Uint8Array.of(2, ...c))]));
  assert.is(hex(requestsHash([{ type: 0, data: new Uint8Array(0) }, { type: 1, data: w }, { type: 2, data: c }])), hex(want));
});

test('EIP-6110: deposit requests from the deposit contract logs; other layouts invalidate the block', () => {
  const contract = hexToBytes(PRAGUE_SYSTEM.depositContractAddress);
  const topic = hexToBytes(PRAGUE_SYSTEM.depositEventSignatureHash);
  // The ABI encoding of DepositEvent(pubkey 48, withdrawal_credentials 32, amount 8, signature 96, index 8).
  const fields: [number, number][] = [[160, 48], [256, 32], [320, 8], [384, 96], [512, 8]];
  const depositLog = (fill: number) => {
    const data = new Uint8Array(576);
    fields.forEach(([offset, size], i) => {
      data[32 * i + 31] = offset & 0xff;
      data[32 * i + 30] = offset >> 8;
      data[offset + 31] = size;
      data.fill(fill + i, offset + 32, offset + 32 + size);
    });
    return data;
  };
  const d1 = depositLog(0x10);
  const d2 = depositLog(0x20);
  const other = new Uint8Array(20).fill(1);
  const logs = [
    { address: contract, topics: [topic], data: d1 },
    { address: other, topics: [topic], data: d1 }, // another contract: ignored
    { address: contract, topics: [new Uint8Array(32)], data: new Uint8Array(3) }, // another event: ignored
    { address: contract, topics: [topic], data: d2 },
  ];
  const out = depositRequests(logs, contract, topic);
  assert.is(out.length, 2 * 192);
  const one = (f: number) => Uint8Array.from([...new Uint8Array(48).fill(f), ...new Uint8Array(32).fill(f + 1), ...new Uint8Array(8).fill(f + 2),
    ...new Uint8Array(96).fill(f + 3), ...new Uint8Array(8).fill(f + 4)]);
  assert.is(hex(out), hex(Uint8Array.from([...one(0x10), ...one(0x20)])));
  const rejects = (data: Uint8Array) => {
    try {
      depositRequests([{ address: contract, topics: [topic], data }], contract, topic);
    } catch (e) {
      assert.instance(e, InvalidBlockError);
      return (e as InvalidBlockError).code;
    }
    return 'accepted';
  };
  assert.is(rejects(d1.slice(0, 575)), 'INVALID_DEPOSIT_EVENT_LAYOUT');
  const badOffset = d1.slice();
  badOffset[62] = 0; // withdrawal credentials offset 0x100 -> 0
  assert.is(rejects(badOffset), 'INVALID_DEPOSIT_EVENT_LAYOUT');
  const badSize = d1.slice();
  badSize[320 + 31] = 9; // amount of 9 bytes
  assert.is(rejects(badSize), 'INVALID_DEPOSIT_EVENT_LAYOUT');
});

test('EIP-7918: excess blob gas bounded by execution cost (Osaka), worked out by hand', () => {
  const prague = forkByName('Prague');
  const osaka = forkByName('Osaka');
  assert.is(osaka.blobs!.baseCost, 8192n);
  const blob = 131072n;
  // Six blobs at the target, excess 0 (blob base fee 1 wei).
  const parent = headerFromJSON({ gasLimit: '30000000', gasUsed: '0', baseFeePerGas: '1000000000', excessBlobGas: '0', blobGasUsed: String(6n * blob) }, 'parent', true);
  assert.is(expectedExcessBlobGas(parent, prague), 0n);
  // 8192 * 1 gwei > 131072 * 1 wei: the target is not subtracted; 6 blobs * (9 - 6) / 9 = 2 blobs.
  assert.is(expectedExcessBlobGas(parent, osaka), 2n * blob);
  // A base fee of 16 wei: 8192 * 16 = 131072 * 1, not above: the EIP-4844 rule.
  assert.is(expectedExcessBlobGas({ ...parent, baseFeePerGas: 16n }, osaka), 0n);
  assert.is(expectedExcessBlobGas({ ...parent, baseFeePerGas: 17n }, osaka), 2n * blob);
  // Below the target the excess is 0 either way.
  assert.is(expectedExcessBlobGas({ ...parent, blobGasUsed: 5n * blob }, osaka), 0n);
});

test('EIP-7002/7251: a request predeploy without code makes a Prague block invalid', async () => {
  const evm = await Evm.create();
  const header = headerFromJSON({
    number: '1', timestamp: '12', gasLimit: '30000000', baseFeePerGas: '7', withdrawalsRoot: '0x' + '00'.repeat(32),
    blobGasUsed: '0', excessBlobGas: '0', parentBeaconBlockRoot: '0x' + '00'.repeat(32), requestsHash: '0x' + '00'.repeat(32),
  }, 'header', true);
  const block = { header, transactions: [], uncles: [], withdrawals: [] };
  const run = (requireSystemContracts?: boolean) => executeBlock(evm, new WorldState(), block, { fork: forkByName('Prague'), requireSystemContracts });
  assert.throws(() => run(), (e: Error) => e instanceof InvalidBlockError && e.code === 'SYSTEM_CONTRACT_EMPTY');
  // A partial pre-state may skip them: no requests, the hash of nothing.
  const r = run(false);
  assert.is(hex(r.requestsHash!), '0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.is(r.requests!.length, 1); // deposits only, none
});

test('EIP-7934: block RLP size limit (Osaka)', () => {
  const osaka = forkByName('Osaka');
  assert.is(osaka.maxRlpBlockSize, 8 * 1024 * 1024);
  validateBlockSize(8 * 1024 * 1024, osaka);
  assert.throws(() => validateBlockSize(8 * 1024 * 1024 + 1, osaka), (e: Error) => e instanceof InvalidBlockError && e.code === 'RLP_BLOCK_LIMIT_EXCEEDED');
  validateBlockSize(100 * 1024 * 1024, forkByName('Prague'));
});

test('a configured blob schedule overrides the fork table (EIP-7840)', () => {
  const prague = forkByName('Prague');
  assert.equal({ ...prague.blobs }, { target: 6, max: 9, updateFraction: 5007716n, maxPerTx: 9 }); // EIP-7691
  assert.is(withBlobSchedule(prague, { target: 6, max: 9 }), prague);
  const f = withBlobSchedule(prague, { target: 3, max: 6, updateFraction: 3338477n });
  assert.equal({ ...f.blobs }, { target: 3, max: 6, updateFraction: 3338477n, maxPerTx: 9 });
  assert.is(f.name, 'Prague');
  assert.is(prague.blobs!.target, 6);
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
      assert.match(j.stderr, /^0 passed, 1 failed$/m);
      const parsed = JSON.parse(j.stdout) as { name: string; pass: boolean; error: string }[];
      assert.is(parsed[0].name, 'basefeeExample_Cancun');
      assert.is(parsed[0].pass, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

if (!existsSync(eestBlockchainTests)) {
  console.log(`block: execution-spec-tests blockchain tests skipped, no vectors at ${eestBlockchainTests}`);
} else {
  test('execution-spec-tests blockchain tests (Prague/Osaka): all pass', async () => {
    const progress = progressPrinter(process.stderr, 'blocktest');
    const summary = await runBlockTests(collectJsonFiles([eestBlockchainTests]), { onProgress: progress.update }).finally(() => progress.stop());
    console.log(`block: EEST blockchain tests ${summary.passed} passed, ${summary.failed} failed in ${(summary.elapsedMs / 1000).toFixed(1)}s`);
    const failures = summary.results.filter((r) => !r.pass).map((r) => `${r.file} ${r.name}: ${r.reason}`);
    assert.ok(summary.results.length >= 431, `only ${summary.results.length} tests ran`);
    if (failures.length > 0) assert.unreachable(`${failures.length} failed:\n${failures.slice(0, 20).join('\n')}`);
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
    // Exactly the reads of forgotten slots that no earlier transaction wrote: the block's own writes are not the pre-state's.
    const g = readBlockFixture(join(mainnet, '19934116.json'));
    const written = new Set<string>();
    const expected = new Set<string>();
    let excluded = 0;
    executeBlock(await Evm.create(), g.preState.copy(), { header: g.header, transactions: g.transactions, uncles: [], withdrawals: g.withdrawals }, {
      fork: g.fork, chainId: g.chainId, blockHash: (n) => g.blockHashes.get(n), stateRoot: false, intermediateStateRoots: false, requireSystemContracts: false,
      onTx: (i, _tx, res) => {
        for (const [addr, slot] of res.readSet.storage) {
          if (!forgotten.has(addr)) continue;
          if (written.has(`${addr}:${slot}`)) excluded++;
          else expected.add(`tx ${i}: storage 0x${addr} [0x${slot}]`);
        }
        for (const w of res.writeSet) for (const [slot] of w.storage) written.add(`${w.address}:${slot}`);
      },
    });
    assert.ok(excluded > 0, 'no read of a slot written earlier in the block: the exclusion is untested');
    assert.equal([...r.missing].sort(), [...expected].sort());
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
    assert.match(j.stderr, /^1 passed, 0 failed$/m);
    const parsed = JSON.parse(j.stdout) as { number: number; receiptsRootMatch: boolean | null }[];
    assert.is(parsed[0].number, 46147);
    assert.is(parsed[0].receiptsRootMatch, null);
  });
}

test.run();
