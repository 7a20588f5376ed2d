// Trie roots against values computed by other implementations: the classic trie test
// vectors (as published in ethereum/tests TrieTests and the go-ethereum and triehash
// test suites) and the transactions/withdrawals roots of real blockchain-test blocks.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RLP } from '@ethereumjs/rlp';
import { EMPTY_TRIE_ROOT, OrderedTrieShape, Trie, orderedTrieRoot, secureTrieRoot, trieRoot } from '../src/state/trie.js';
import { bytesToHex, bytesToKey, hexToBytes } from '../src/util/hex.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const pairs = (kv: [string, string][]): [Uint8Array, Uint8Array][] => kv.map(([k, v]) => [utf8(k), utf8(v)]);
const hex = (b: Uint8Array): string => bytesToHex(b).slice(2);

test('empty trie root', () => {
  assert.is(hex(EMPTY_TRIE_ROOT), '56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421');
  assert.is(hex(trieRoot([])), hex(EMPTY_TRIE_ROOT));
  assert.is(hex(secureTrieRoot([])), hex(EMPTY_TRIE_ROOT));
  assert.is(hex(orderedTrieRoot([])), hex(EMPTY_TRIE_ROOT));
  // Empty values mean absent.
  assert.is(hex(trieRoot(pairs([['a', '']]))), hex(EMPTY_TRIE_ROOT));
});

test('single leaf, root hashed although its node is short', () => {
  assert.is(hex(trieRoot(pairs([['A', 'a'.repeat(50)]]))), 'd23786fb4a010da3ce639d66d5e904a11dbc02746d1ce25029e53290cabf28ab');
});

test('doe/dog/dogglesworth (branch with value, extension, inlined nodes)', () => {
  const kv = pairs([
    ['doe', 'reindeer'],
    ['dog', 'puppy'],
    ['dogglesworth', 'cat'],
  ]);
  assert.is(hex(trieRoot(kv)), '8aad789dff2f538bca5d8ea56e8abe10f4c7ba3a5dea95fea4cd6e7c3a1168d3');
  assert.is(hex(secureTrieRoot(kv)), 'd4cd937e4a4368d7931a9cf51686b7e10abb3dce38a39000fd7902a092b64585');
  // Order of entries does not matter.
  assert.is(hex(trieRoot([...kv].reverse())), '8aad789dff2f538bca5d8ea56e8abe10f4c7ba3a5dea95fea4cd6e7c3a1168d3');
});

test('puppy: roots after each insertion, and empty values as deletions', () => {
  const steps: [string, string, string][] = [
    ['do', 'verb', '014f07ed95e2e028804d915e0dbd4ed451e394e1acfd29e463c11a060b2ddef7'],
    ['dog', 'puppy', '779db3986dd4f38416bfde49750ef7b13c6ecb3e2221620bcad9267e94604d36'],
    ['doge', 'coin', 'ef7b2fe20f5d2c30c46ad4d83c39811bcbf1721aef2e805c0e107947320888b6'],
    ['horse', 'stallion', '5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84'],
  ];
  const kv: [string, string][] = [];
  for (const [k, v, root] of steps) {
    kv.push([k, v]);
    assert.is(hex(trieRoot(pairs(kv))), root, `after ${k}`);
  }
  const withDeletes = pairs([
    ['do', 'verb'],
    ['ether', 'wookiedoo'],
    ['horse', 'stallion'],
    ['shaman', 'horse'],
    ['doge', 'coin'],
    ['ether', ''],
    ['dog', 'puppy'],
    ['shaman', ''],
  ]);
  assert.is(hex(trieRoot(withDeletes)), '5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84');
});

test('puppy, kept as one trie: updates hit the same roots, deletions collapse nodes', () => {
  const update = (t: Trie, kv: [string, string][]): Trie => t.update(new Map(kv.map(([k, v]) => [bytesToKey(utf8(k)), v === '' ? null : utf8(v)])));
  let t = Trie.EMPTY;
  for (const [k, v, root] of [
    ['do', 'verb', '014f07ed95e2e028804d915e0dbd4ed451e394e1acfd29e463c11a060b2ddef7'],
    ['dog', 'puppy', '779db3986dd4f38416bfde49750ef7b13c6ecb3e2221620bcad9267e94604d36'],
    ['doge', 'coin', 'ef7b2fe20f5d2c30c46ad4d83c39811bcbf1721aef2e805c0e107947320888b6'],
    ['horse', 'stallion', '5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84'],
  ]) {
    t = update(t, [[k, v]]);
    assert.is(hex(t.root()), root, `after ${k}`);
  }
  const before = t;
  assert.is(update(t, [['dog', 'puppy']]), before, 'an unchanged value keeps the trie');
  t = update(t, [['ether', 'wookiedoo'], ['shaman', 'horse']]);
  t = update(t, [['ether', ''], ['shaman', '']]);
  assert.is(hex(t.root()), '5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84');
  // Deleting back down to the earlier roots, in reverse.
  t = update(t, [['horse', '']]);
  assert.is(hex(t.root()), 'ef7b2fe20f5d2c30c46ad4d83c39811bcbf1721aef2e805c0e107947320888b6');
  t = update(t, [['doge', '']]);
  assert.is(hex(t.root()), '779db3986dd4f38416bfde49750ef7b13c6ecb3e2221620bcad9267e94604d36');
  t = update(t, [['dog', '']]);
  assert.is(hex(t.root()), '014f07ed95e2e028804d915e0dbd4ed451e394e1acfd29e463c11a060b2ddef7');
  assert.is(hex(update(t, [['do', '']]).root()), hex(EMPTY_TRIE_ROOT));
  assert.is(hex(before.root()), '5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84', 'older tries are untouched');
});

test('random updates and deletions on one trie match tries built afresh', () => {
  // The fresh build is the path the vectors above check; updates go through the
  // incremental paths (branch updates, collapses, split leaves and extensions).
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  // Short keys from a small alphabet share long prefixes, and some are prefixes of others.
  const key = (): string => bytesToKey(Uint8Array.from({ length: 1 + rand(3) }, () => [0x00, 0x01, 0x10, 0x11, 0xff][rand(5)]));
  const contents = new Map<string, Uint8Array>();
  let t = Trie.EMPTY;
  for (let round = 0; round < 400; round++) {
    const changes = new Map<string, Uint8Array | null>();
    for (let n = 1 + rand(6); n > 0; n--) {
      const k = key();
      const v = rand(3) === 0 ? null : Uint8Array.from({ length: 1 + rand(40) }, () => rand(256));
      changes.set(k, v);
    }
    for (const [k, v] of changes) {
      if (v === null) contents.delete(k);
      else contents.set(k, v);
    }
    t = t.update(changes);
    assert.is(hex(t.root()), hex(Trie.EMPTY.update(new Map(contents)).root()), `round ${round}`);
    for (const [k, v] of contents) assert.is(hex(t.get(k)!), hex(v));
    assert.is(t.get('abcd'), null);
  }
});

test('ordered trie (key = RLP(index))', () => {
  assert.is(hex(orderedTrieRoot([utf8('doe'), utf8('reindeer')])), 'e766d5d51b89dc39d981b41bda63248d7abce4f0225eefd023792a540bcffee3');
  // Index keys past 127 are two-byte RLP strings; compare with the explicit form.
  const values = Array.from({ length: 300 }, (_, i) => utf8(`value ${i}`));
  const explicit = values.map((v, i): [Uint8Array, Uint8Array] => [RLP.encode(i), v]);
  assert.is(hex(orderedTrieRoot(values)), hex(trieRoot(explicit)));
});

// --- blockchain test blocks: transactionsTrie and withdrawalsRoot from the block RLP ---

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

type Nested = Uint8Array | Nested[];
/** A transaction or withdrawal as the trie stores it: typed transactions are already bytes. */
const itemBytes = (x: Nested): Uint8Array => (x instanceof Uint8Array ? x : RLP.encode(x as Uint8Array[]));

if (!existsSync(validBlocks)) {
  console.log(`trie.test: ${validBlocks} not found, vector checks skipped (set LANES_VECTORS)`);
} else {
  test('transactionsTrie / withdrawalsRoot of every ValidBlocks block', () => {
    let txRoots = 0;
    let emptyTxRoots = 0;
    let withdrawalRoots = 0;
    for (const file of jsonFiles(validBlocks)) {
      const fixture = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
      for (const [name, t] of Object.entries(fixture)) {
        for (const b of t.blocks as any[]) {
          if (!b.blockHeader || !b.rlp) continue;
          const decoded = RLP.decode(hexToBytes(b.rlp)) as Nested[];
          const txs = (decoded[1] as Nested[]).map(itemBytes);
          const where = `${path.basename(file)} ${name} block ${b.blockHeader.number}`;
          assert.is(bytesToHex(orderedTrieRoot(txs)), b.blockHeader.transactionsTrie, `${where} transactionsTrie`);
          txRoots++;
          if (txs.length === 0) {
            assert.is(b.blockHeader.transactionsTrie, bytesToHex(EMPTY_TRIE_ROOT));
            assert.is(b.blockHeader.receiptTrie, bytesToHex(EMPTY_TRIE_ROOT), `${where} receiptTrie of an empty block`);
            emptyTxRoots++;
          }
          if (b.blockHeader.withdrawalsRoot !== undefined) {
            const ws = ((decoded[3] ?? []) as Nested[]).map(itemBytes);
            assert.is(bytesToHex(orderedTrieRoot(ws)), b.blockHeader.withdrawalsRoot, `${where} withdrawalsRoot`);
            withdrawalRoots++;
          }
        }
      }
    }
    assert.ok(txRoots > 0, 'no blocks found');
    console.log(`trie.test: ${txRoots} transactionsTrie roots matched (${emptyTxRoots} empty), ${withdrawalRoots} withdrawalsRoot`);
  });
}

test('orderedTrieRoot (keys in byte order without a sort) equals the trie of RLP(i) keys built generally', () => {
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (const n of [1, 2, 127, 128, 129, 255, 256, 257, 1000, 66000]) {
    const values = Array.from({ length: n }, () => {
      const v = new Uint8Array(next() % 70);
      for (let k = 0; k < v.length; k++) v[k] = next() & 0xff;
      return v; // some empty: absent
    });
    const general = trieRoot(values.map((v, i) => [RLP.encode(i), v] as [Uint8Array, Uint8Array]));
    assert.is(hex(orderedTrieRoot(values)), hex(general), `${n} values`);
  }
});

test('OrderedTrieShape: leaves hashed beforehand (leafRef) give orderedTrieRoot\'s root, and are used', () => {
  let seed = 11;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (const n of [0, 1, 2, 3, 16, 17, 127, 128, 129, 255, 256, 257, 1000, 4097]) {
    const values = Array.from({ length: n }, () => {
      const v = new Uint8Array(1 + (next() % 300)); // short ones are inlined, not hashed
      for (let k = 0; k < v.length; k++) v[k] = next() & 0xff;
      return v;
    });
    const shape = new OrderedTrieShape(n);
    const expected = hex(orderedTrieRoot(values));
    const refs = values.map((v, i) => (i % 3 === 0 ? undefined : shape.leafRef(i, v))); // some left to the root
    assert.is(hex(shape.root((i) => values[i], refs)), expected, `${n} values`);
    if (n === 0) continue;
    // The references are taken as given: a wrong one changes the root.
    const wrong = refs.slice();
    wrong[n - 1] = new Uint8Array(32).fill(7);
    assert.is.not(hex(shape.root((i) => values[i], wrong)), expected, `${n} values, a wrong leaf reference`);
  }
});

test.run();
