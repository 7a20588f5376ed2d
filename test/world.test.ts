// World state: state roots against the genesis and final headers of the ethereum/tests
// blockchain tests, logs hash and bloom against published constants, and the
// copy/caching behaviour the executors rely on.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { EMPTY_CODE_HASH, EMPTY_TRIE_ROOT, NO_CODE, WorldState, accountWith, createAccount } from '../src/state/world.js';
import { logsBloom, logsHash } from '../src/state/logs.js';
import { InputError, bigintToBytes, bytesToHex, bytesToKey, equalBytes, hexToBytes } from '../src/util/hex.js';

const hex = (b: Uint8Array): string => bytesToHex(b).slice(2);
const addr = (n: number): string => bytesToKey(bigintToBytes(BigInt(n), 20));
const slot = (n: number): string => bytesToKey(bigintToBytes(BigInt(n), 32));
const word = (n: bigint): Uint8Array => bigintToBytes(n, 32);

test('constants', () => {
  assert.is(hex(EMPTY_CODE_HASH), 'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
  assert.is(hex(EMPTY_TRIE_ROOT), '56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421');
  assert.is(hex(new WorldState().stateRoot()), hex(EMPTY_TRIE_ROOT));
  assert.is(hex(logsHash([])), '1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347');
  assert.ok(logsBloom([]).every((b) => b === 0));
});

test('bloom sets three bits per item, big-endian bit order', () => {
  const address = hexToBytes('0x0000000000000000000000000000000000000001');
  const bloom = logsBloom([{ address, topics: [], data: new Uint8Array(0) }]);
  // Reference: bit indexes taken straight from the Yellow Paper definition with BigInt.
  const h = keccak_256(address);
  let expected = 0n;
  for (let i = 0; i < 6; i += 2) expected |= 1n << BigInt(((h[i] << 8) | h[i + 1]) & 2047);
  assert.is(bytesToHex(bloom), '0x' + expected.toString(16).padStart(512, '0'));
  const set = bloom.reduce((n, b) => n + b.toString(2).split('1').length - 1, 0);
  assert.ok(set >= 1 && set <= 3);
});

test('storage writes, zero deletes, roots cached and invalidated', () => {
  const w = new WorldState();
  const a = addr(0xaa);
  w.putStorage(a, slot(1), word(5n));
  assert.ok(w.hasAccount(a), 'putStorage creates the account');
  const r1 = w.stateRoot();
  const s1 = w.storageRoot(a);
  assert.not.ok(equalBytes(s1, EMPTY_TRIE_ROOT));
  w.putStorage(a, slot(2), word(7n));
  assert.not.ok(equalBytes(w.storageRoot(a), s1), 'write invalidates the cached storage root');
  w.putStorage(a, slot(2), word(0n));
  assert.is(hex(w.storageRoot(a)), hex(s1), 'zero write deletes');
  assert.is(hex(w.stateRoot()), hex(r1));
  // Direct mutation through the returned Map also invalidates.
  w.getAccount(a)!.storage.set(slot(3), word(1n));
  assert.not.ok(equalBytes(w.storageRoot(a), s1));
  w.clearStorage(a);
  assert.is(hex(w.storageRoot(a)), hex(EMPTY_TRIE_ROOT));
});

test('empty accounts count in the state root', () => {
  const w = new WorldState();
  w.putAccount(addr(1), createAccount());
  assert.not.ok(equalBytes(w.stateRoot(), EMPTY_TRIE_ROOT));
  w.deleteAccount(addr(1));
  assert.is(hex(w.stateRoot()), hex(EMPTY_TRIE_ROOT));
});

test('copy is independent both ways', () => {
  const w = new WorldState();
  w.putAccount(addr(1), createAccount({ balance: 10n, code: Uint8Array.of(0x60, 0x00) }));
  w.putStorage(addr(1), slot(1), word(1n));
  const before = hex(w.stateRoot());
  const c = w.copy();
  c.getAccount(addr(1))!.balance = 99n;
  c.putStorage(addr(1), slot(1), word(2n));
  c.setCode(addr(2), Uint8Array.of(0x00));
  assert.is(hex(w.stateRoot()), before, 'original unchanged by the copy');
  assert.is(w.getAccount(addr(1))!.balance, 10n);
  assert.is(hex(w.getStorage(addr(1), slot(1))!), hex(word(1n)));
  const copyRoot = hex(c.stateRoot());
  w.getAccount(addr(1))!.nonce = 5n;
  w.clearStorage(addr(1));
  assert.is(hex(c.stateRoot()), copyRoot, 'copy unchanged by the original');
  assert.is(c.getAccount(addr(1))!.nonce, 0n);
});

test('roots kept between calls equal roots built afresh, through copies and in-place changes', () => {
  // fromJSON(toJSON()) gives a state with the same contents whose first root is built
  // from all accounts, not updated from an earlier trie.
  const fresh = (w: WorldState): string => hex(WorldState.fromJSON(w.toJSON()).stateRoot());
  const w = new WorldState();
  for (let i = 1; i <= 300; i++) {
    w.putAccount(addr(i), createAccount({ balance: BigInt(i) }));
    if (i % 7 === 0) for (let s = 0; s < 30; s++) w.putStorage(addr(i), slot(s), word(BigInt(i + s)));
  }
  assert.is(hex(w.stateRoot()), fresh(w));
  const held = w.getAccount(addr(5))!;
  held.balance = 1000n; // an owned account changed in place after a root
  assert.is(hex(w.stateRoot()), fresh(w));
  held.nonce = 3n; // and again, then copied before the next root
  const c = w.copy();
  assert.is(hex(c.stateRoot()), fresh(c));
  c.deleteAccount(addr(6));
  c.getAccount(addr(7))!.storage.delete(slot(3));
  c.putStorage(addr(14), slot(99), word(1n));
  c.clearStorage(addr(21));
  c.setCode(addr(400), Uint8Array.of(0x00));
  assert.is(hex(c.stateRoot()), fresh(c));
  assert.is(hex(w.stateRoot()), fresh(w));
  for (const [, a] of c.accounts()) a.balance += 1n; // every account changed in place
  c.putStorage(addr(7), slot(3), word(5n));
  assert.is(hex(c.stateRoot()), fresh(c));
  for (let i = 1; i <= 300; i += 2) c.deleteAccount(addr(i));
  assert.is(hex(c.stateRoot()), fresh(c));
  assert.is(hex(w.stateRoot()), fresh(w));
});

test('revert brings back the state of the checkpoint: accounts, storage, code, and the next root', () => {
  const fresh = (w: WorldState): string => hex(WorldState.fromJSON(w.toJSON()).stateRoot());
  const w = new WorldState();
  for (let i = 1; i <= 200; i++) {
    w.putAccount(addr(i), createAccount({ balance: BigInt(i), code: i % 11 === 0 ? Uint8Array.of(0x60, i) : undefined }));
    if (i % 5 === 0) for (let s = 0; s < 20; s++) w.putStorage(addr(i), slot(s), word(BigInt(i * s + 1)));
  }
  const rootBefore = hex(w.stateRoot());
  // Changes after the root and before the checkpoint: still to be rehashed after revert.
  const held = w.getAccount(addr(3))!;
  held.balance = 7n;
  w.putStorage(addr(10), slot(1), word(99n));
  w.deleteAccount(addr(4));
  const json = JSON.stringify(w.toJSON());
  const expected = fresh(w);
  assert.is.not(expected, rootBefore);
  for (const rootInBetween of [false, true]) {
    w.checkpoint();
    assert.throws(() => w.checkpoint(), /already/);
    w.getAccount(addr(1))!.balance = 1234n;
    w.putStorage(addr(5), slot(0), word(0n));
    w.putStorage(addr(5), slot(77), word(5n));
    w.clearStorage(addr(10));
    w.deleteAccount(addr(11));
    w.setCode(addr(12), Uint8Array.of(0x00));
    w.setCode(addr(500), Uint8Array.of(0x01)); // created
    w.putAccount(addr(4), createAccount({ nonce: 9n })); // deleted before the checkpoint, back again
    w.putAccount(addr(2), createAccount({ balance: 1n }));
    for (const [, a] of w.accounts()) a.nonce += 1n; // every account, in place
    if (rootInBetween) assert.is.not(hex(w.stateRoot()), expected);
    w.revert();
    assert.throws(() => w.revert(), /no checkpoint/);
    assert.is(JSON.stringify(w.toJSON()), json, `contents (root in between: ${rootInBetween})`);
    assert.is(hex(w.stateRoot()), expected, `root (root in between: ${rootInBetween})`);
  }
  // The state owned that account: it was changed in place under the checkpoint (no
  // clone, no copy of its storage) and put back in place by revert().
  assert.is(w.peekAccount(addr(3)), held);
  assert.is(held.balance, 7n);
  assert.is(held.nonce, 0n);
  w.getAccount(addr(3))!.balance = 8n;
  assert.is(hex(w.stateRoot()), fresh(w));
});

test('revert after a copy made under the checkpoint leaves the copy as it was', () => {
  const w = new WorldState();
  for (let i = 1; i <= 50; i++) {
    w.putAccount(addr(i), createAccount({ balance: BigInt(i) }));
    for (let s = 0; s < 5; s++) w.putStorage(addr(i), slot(s), word(BigInt(i + s)));
  }
  const before = JSON.stringify(w.toJSON());
  const rootBefore = hex(w.stateRoot());
  w.checkpoint();
  w.getAccount(addr(1))!.balance = 99n; // in place (owned)
  w.putStorage(addr(2), slot(0), word(7n));
  w.putStorage(addr(2), slot(9), word(8n));
  w.deleteAccount(addr(3));
  const c = w.copy();
  const copied = JSON.stringify(c.toJSON());
  w.putStorage(addr(2), slot(1), word(0n)); // after the copy: cloned, the copy keeps its object
  w.getAccount(addr(4))!.nonce = 5n;
  w.revert();
  assert.is(JSON.stringify(w.toJSON()), before);
  assert.is(hex(w.stateRoot()), rootBefore);
  assert.is(JSON.stringify(c.toJSON()), copied, 'the copy is untouched by revert()');
  // Both go on independently.
  w.putStorage(addr(2), slot(3), word(1n));
  assert.is(JSON.stringify(c.toJSON()), copied);
  c.getAccount(addr(1))!.balance = 5n;
  assert.is(w.peekAccount(addr(1))!.balance, 1n);
});

test('accounts the state makes without storage share one empty map: a write gives an account its own, and revert takes it back', () => {
  const w = new WorldState();
  // Made as write sets and credits make them (accountWith), and cloned from those by a copy.
  for (let i = 1; i <= 4; i++) w.putAccount(addr(i), accountWith(BigInt(i), 100n, NO_CODE, EMPTY_CODE_HASH));
  const fresh = new WorldState();
  for (let i = 1; i <= 4; i++) fresh.putAccount(addr(i), createAccount({ nonce: BigInt(i), balance: 100n }));
  assert.is(hex(w.stateRoot()), hex(fresh.stateRoot()));
  // Read-only objects cannot change the shared map; the state's own writes give each account a map of its own.
  assert.throws(() => (w.peekAccount(addr(1))!.storage as Map<string, Uint8Array>).set(slot(1), word(1n)), /shared empty storage/);
  w.putStorage(addr(1), slot(1), word(9n));
  fresh.putStorage(addr(1), slot(1), word(9n));
  for (const i of [2, 3, 4]) assert.is(w.peekAccount(addr(i))!.storage.size, 0, `account ${i} kept no storage`);
  // getAccount hands out a map that may be filled directly.
  w.getAccount(addr(2))!.storage.set(slot(2), word(3n));
  fresh.getAccount(addr(2))!.storage.set(slot(2), word(3n));
  assert.is(w.peekAccount(addr(3))!.storage.size, 0);
  assert.is(hex(w.stateRoot()), hex(fresh.stateRoot()));
  // A copy clones an account without storage onto the shared map again, and its writes stay its own.
  const c = w.copy();
  c.getAccountFields(addr(3))!.balance += 1n;
  c.putStorage(addr(4), slot(4), word(4n));
  assert.is(w.getStorage(addr(4), slot(4)), undefined);
  assert.is(w.peekAccount(addr(3))!.balance, 100n);
  // Under a checkpoint: a first slot, then revert: no storage again, the same root as before.
  // The accounts are this state's own (not shared with the copy): revert undoes their changes in place.
  for (const i of [1, 3, 4]) w.getAccountFields(addr(i));
  const before = hex(w.stateRoot());
  w.checkpoint();
  w.putStorage(addr(3), slot(5), word(5n));
  w.getAccountFields(addr(4))!.nonce += 1n;
  // An account whose slots are all deleted under the checkpoint, copied then (its clone has no map), gets them back.
  w.putStorage(addr(1), slot(1), word(0n));
  const underCheckpoint = w.copy();
  w.revert();
  assert.is(w.peekAccount(addr(3))!.storage.size, 0, 'revert took the slot away');
  assert.is(hex(w.getStorage(addr(1), slot(1)) ?? new Uint8Array(0)), hex(word(9n)), 'revert brought the deleted slot back');
  assert.is(hex(w.stateRoot()), before);
  assert.is(hex(underCheckpoint.getStorage(addr(3), slot(5)) ?? new Uint8Array(0)), hex(word(5n)), 'the copy made under the checkpoint keeps its slot');
  assert.is(underCheckpoint.getStorage(addr(1), slot(1)), undefined, 'and its deletion');
  // The shared map itself stayed empty through all of it.
  assert.is(accountWith(0n, 0n, NO_CODE, EMPTY_CODE_HASH).storage.size, 0);
});

test('fromJSON: quantities of any length, zero slots dropped, toJSON round trip', () => {
  const w = WorldState.fromJSON({
    '0x00000000000000000000000000000000000000AA': {
      balance: '0x0000ff',
      nonce: '0x01',
      code: '0x6001',
      storage: { '0x01': '0x0002', '0x0000000000000000000000000000000000000000000000000000000000000002': '0x00' },
    },
  });
  const a = addr(0xaa);
  assert.is(w.getAccount(a)!.balance, 255n);
  assert.is(hex(w.getStorage(a, slot(1))!), hex(word(2n)));
  assert.is(w.getStorage(a, slot(2)), undefined);
  const json = w.toJSON();
  assert.equal(json, { ['0x' + a]: { balance: '0xff', nonce: '0x1', code: '0x6001', storage: { '0x1': '0x2' } } });
  assert.is(hex(WorldState.fromJSON(json).stateRoot()), hex(w.stateRoot()));
});

test('fromJSON: malformed input names the field', () => {
  const bad: [unknown, RegExp][] = [
    [[], /pre/],
    [{ '0x1234': {} }, /0x1234.*20 bytes/],
    [{ ['0x' + addr(1)]: { balance: 'lots' } }, /balance/],
    [{ ['0x' + addr(1)]: { code: '0x123' } }, /code/],
    [{ ['0x' + addr(1)]: { storage: { '0x01': 'zz' } } }, /storage/],
    [{ ['0x' + addr(1)]: { nonce: '0x10000000000000000' } }, /nonce/],
  ];
  for (const [input, msg] of bad) {
    try {
      WorldState.fromJSON(input);
      assert.unreachable(`accepted ${JSON.stringify(input)}`);
    } catch (e) {
      assert.instance(e, InputError);
      assert.match((e as Error).message, msg);
    }
  }
});

// --- ethereum/tests BlockchainTests: pre vs genesis stateRoot, postState vs head stateRoot ---

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const vectors = process.env.LANES_VECTORS ?? path.resolve(repoRoot, '../shared/vectors');
const validBlocks = path.join(vectors, 'ethereum-tests/BlockchainTests/ValidBlocks');

function* jsonFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* jsonFiles(p);
    else if (e.name.endsWith('.json')) yield p;
  }
}

if (!existsSync(validBlocks)) {
  console.log(`world.test: ${validBlocks} not found, vector checks skipped (set LANES_VECTORS)`);
} else {
  test('state roots of every ValidBlocks blockchain test', () => {
    let genesis = 0;
    let post = 0;
    let largest = { accounts: 0, slots: 0, ms: 0, name: '' };
    for (const file of jsonFiles(validBlocks)) {
      const fixture = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
      for (const [name, t] of Object.entries(fixture)) {
        const where = `${path.basename(file)} ${name}`;
        const pre = WorldState.fromJSON(t.pre, `${where} pre`);
        const t0 = performance.now();
        const root = bytesToHex(pre.stateRoot());
        const ms = performance.now() - t0;
        assert.is(root, t.genesisBlockHeader.stateRoot, `${where}: genesis stateRoot`);
        genesis++;
        let slots = 0;
        for (const [, a] of pre.accounts()) slots += a.storage.size;
        if (pre.size + slots > largest.accounts + largest.slots) largest = { accounts: pre.size, slots, ms, name: where };

        if (t.postState !== undefined) {
          const head = (t.blocks as any[]).find((b) => b.blockHeader?.hash === t.lastblockhash)?.blockHeader ?? t.genesisBlockHeader;
          assert.is(bytesToHex(WorldState.fromJSON(t.postState, `${where} postState`).stateRoot()), head.stateRoot, `${where}: postState root`);
          post++;
        }
      }
    }
    assert.ok(genesis > 0, 'no blockchain tests found');
    console.log(
      `world.test: ${genesis} genesis roots and ${post} postState roots matched; ` +
        `largest pre ${largest.accounts} accounts / ${largest.slots} slots: stateRoot ${largest.ms.toFixed(2)} ms`,
    );
  });
}

test('stateRoot of a large synthetic state, and after a small change', () => {
  const w = new WorldState();
  for (let i = 1; i <= 5000; i++) {
    w.putAccount(addr(i), createAccount({ nonce: BigInt(i), balance: BigInt(i) * 10n ** 18n }));
    if (i % 10 === 0) for (let s = 0; s < 20; s++) w.putStorage(addr(i), slot(s), word(BigInt(i * 100 + s + 1)));
  }
  let t0 = performance.now();
  const r1 = w.stateRoot();
  const cold = performance.now() - t0;
  t0 = performance.now();
  const r2 = w.stateRoot();
  const warm = performance.now() - t0;
  assert.is(hex(r2), hex(r1));
  w.putStorage(addr(10), slot(0), word(12345n));
  t0 = performance.now();
  const r3 = w.stateRoot();
  const changed = performance.now() - t0;
  assert.not.ok(equalBytes(r3, r1));
  console.log(
    `world.test: 5000 accounts / 10000 slots: stateRoot ${cold.toFixed(1)} ms cold, ${warm.toFixed(1)} ms cached, ${changed.toFixed(1)} ms after one write`,
  );
});

test.run();
