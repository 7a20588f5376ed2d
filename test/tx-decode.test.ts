// Transactions from RLP and sender recovery, checked against data from outside the
// decoder: EIP-155's worked example, the BlockchainTests' own decoded transaction
// fields (with `sender`), and mainnet transactions' hashes and `from`.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RLP } from '@ethereumjs/rlp';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeBlock } from '../src/block/block.js';
import { encodeFixtureTx, readBlockFixture } from '../src/block/fixture.js';
import { collectJsonFiles } from '../src/statetest/runner.js';
import { decodeTx, encodeTx, signingHash, type SignedTx, type UnsignedTx } from '../src/tx/decode.js';
import { publicKeyToAddress, sign } from '../src/tx/signature.js';
import { InputError, bytesToHex, concatBytes, hexToBytes, parseQuantity } from '../src/util/hex.js';
import { vectorsDir } from '../src/util/vectors.js';

const hex = bytesToHex;

function throwsCode(fn: () => unknown, code: string) {
  try {
    fn();
  } catch (e) {
    assert.instance(e, InputError);
    assert.ok((e as Error).message.startsWith(`${code}:`), `expected ${code}, got: ${(e as Error).message}`);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

test('EIP-155 worked example: signing hash, encoding and sender', () => {
  // From the text of EIP-155.
  const tx: UnsignedTx = {
    type: 0, chainId: 1n, nonce: 9n, gasPrice: 20n * 10n ** 9n, gasLimit: 21000n,
    to: hexToBytes('0x3535353535353535353535353535353535353535'), value: 10n ** 18n, data: new Uint8Array(0), accessList: [],
  };
  assert.is(hex(signingHash(tx)), '0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53');
  const signed = '0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83';
  const d = decodeTx(hexToBytes(signed));
  assert.is(d.v, 37n);
  assert.is(d.r, 18515461264373351373200002665853028612451056578545711640558177340181847433846n);
  assert.is(d.s, 46948507304638947509940763649030358759909902576025900602547168820602576006531n);
  assert.is(d.chainId, 1n);
  const key = hexToBytes('0x' + '46'.repeat(32));
  assert.is(hex(d.sender), hex(publicKeyToAddress(secp256k1.getPublicKey(key, false))));
  assert.is(hex(encodeTx({ ...tx, v: d.v, r: d.r, s: d.s })), signed);
  assert.is(hex(d.hash), hex(keccak_256(hexToBytes(signed))));
});

test('sign, encode and decode round trip for every type', () => {
  const key = keccak_256(new TextEncoder().encode('lanes test key'));
  const from = publicKeyToAddress(secp256k1.getPublicKey(key, false));
  const to = hexToBytes('0x' + '11'.repeat(20));
  const al = [{ address: to, storageKeys: [new Uint8Array(32).fill(1)] }];
  const txs: UnsignedTx[] = [
    { type: 0, chainId: null, nonce: 0n, gasPrice: 1n, gasLimit: 21000n, to: null, value: 0n, data: Uint8Array.of(0x60, 0), accessList: [] },
    { type: 0, chainId: 5n, nonce: 1n, gasPrice: 2n, gasLimit: 21000n, to, value: 3n, data: new Uint8Array(0), accessList: [] },
    { type: 1, chainId: 1n, nonce: 2n, gasPrice: 4n, gasLimit: 50000n, to, value: 0n, data: Uint8Array.of(1, 2), accessList: al },
    { type: 2, chainId: 1n, nonce: 3n, maxPriorityFeePerGas: 1n, maxFeePerGas: 9n, gasLimit: 50000n, to: null, value: 7n, data: new Uint8Array(0), accessList: [] },
    {
      type: 3, chainId: 1n, nonce: 4n, maxPriorityFeePerGas: 1n, maxFeePerGas: 9n, gasLimit: 50000n, to, value: 0n, data: new Uint8Array(0),
      accessList: al, maxFeePerBlobGas: 3n, blobVersionedHashes: [concatBytes(Uint8Array.of(1), new Uint8Array(31))],
    },
  ];
  for (const tx of txs) {
    const { r, s, yParity } = sign(signingHash(tx), key);
    const v = tx.type !== 0 ? BigInt(yParity) : tx.chainId === null ? 27n + BigInt(yParity) : tx.chainId * 2n + 35n + BigInt(yParity);
    const enc = encodeTx({ ...tx, v, r, s });
    const d = decodeTx(enc);
    assert.is(hex(d.sender), hex(from), `type ${tx.type}`);
    assert.is(d.type, tx.type);
    assert.is(d.chainId, tx.chainId);
    assert.is(d.yParity, yParity);
    assert.is(hex(d.encoded), hex(enc));
    assert.equal(d.accessList.map((e) => [hex(e.address), e.storageKeys.map(hex)]), tx.accessList.map((e) => [hex(e.address), e.storageKeys.map(hex)]));
  }
});

test('malformed transactions are InputErrors with a code', () => {
  const key = keccak_256(new TextEncoder().encode('k'));
  const base: UnsignedTx = { type: 2, chainId: 1n, nonce: 0n, maxPriorityFeePerGas: 1n, maxFeePerGas: 2n, gasLimit: 21000n, to: new Uint8Array(20), value: 0n, data: new Uint8Array(0), accessList: [] };
  const sig = sign(signingHash(base), key);
  const good = encodeTx({ ...base, v: BigInt(sig.yParity), r: sig.r, s: sig.s });
  decodeTx(good);
  throwsCode(() => decodeTx(new Uint8Array(0)), 'RLP_STRUCTURES_ENCODING');
  throwsCode(() => decodeTx(concatBytes(good, Uint8Array.of(0))), 'RLP_STRUCTURES_ENCODING'); // trailing byte
  throwsCode(() => decodeTx(Uint8Array.of(0x05, 0xc0)), 'TYPE_NOT_SUPPORTED');
  throwsCode(() => decodeTx(Uint8Array.of(0x90)), 'RLP_STRUCTURES_ENCODING'); // neither list nor type
  throwsCode(() => decodeTx(Uint8Array.of(0x02, 0xc1, 0x80)), 'RLP_STRUCTURES_ENCODING'); // 1 field
  // Non-canonical RLP: a single byte below 0x80 wrapped as a string.
  throwsCode(() => decodeTx(Uint8Array.of(0x02, 0xc2, 0x81, 0x01)), 'RLP_STRUCTURES_ENCODING');
  const fields = RLP.decode(good.subarray(1)) as Uint8Array[];
  const withField = (i: number, v: Uint8Array) => concatBytes(Uint8Array.of(2), RLP.encode(fields.map((f, j) => (j === i ? v : f))));
  throwsCode(() => decodeTx(withField(1, Uint8Array.of(0, 1))), 'RLP_STRUCTURES_ENCODING'); // nonce with a leading zero
  throwsCode(() => decodeTx(withField(1, new Uint8Array(9).fill(1))), 'RLP_INVALID_FIELD_OVERFLOW_64'); // 72-bit nonce
  throwsCode(() => decodeTx(withField(5, new Uint8Array(19))), 'RLP_INVALID_ADDRESS');
  throwsCode(() => decodeTx(withField(9, Uint8Array.of(2))), 'INVALID_SIGNATURE'); // y parity 2
  throwsCode(() => decodeTx(withField(10, new Uint8Array(0))), 'INVALID_SIGNATURE'); // r = 0
  // A legacy v that is neither 27/28 nor EIP-155.
  const legacy = RLP.encode([new Uint8Array(0), Uint8Array.of(1), Uint8Array.of(0x52, 0x08), new Uint8Array(20), new Uint8Array(0), new Uint8Array(0), Uint8Array.of(30), Uint8Array.of(1), Uint8Array.of(1)]);
  throwsCode(() => decodeTx(legacy), 'INVALID_SIGNATURE');
});

const vectors = vectorsDir();
const blockchainTests = join(vectors, 'ethereum-tests', 'BlockchainTests');
const mainnet = join(vectors, 'mainnet-blocks');
const absent = [blockchainTests, mainnet].filter((p) => !existsSync(p));
if (absent.length > 0) console.log(`tx-decode: vector checks skipped, no vectors at ${absent.join(' and ')} (set LANES_VECTORS)`);

if (existsSync(blockchainTests)) {
  test('BlockchainTests: decoded transactions match the fixtures\' fields and senders', () => {
    let checked = 0;
    for (const file of collectJsonFiles([blockchainTests])) {
      const tests = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { blocks: Record<string, unknown>[] }>;
      for (const [name, t] of Object.entries(tests)) {
        for (const [i, b] of t.blocks.entries()) {
          if (b.expectException !== undefined || !Array.isArray(b.transactions)) continue;
          const block = decodeBlock(hexToBytes(b.rlp));
          const want = b.transactions as Record<string, unknown>[];
          assert.is(block.transactions.length, want.length, `${name} block ${i}`);
          block.transactions.forEach((tx, j) => {
            compareTx(tx, want[j], `${file} ${name} block ${i} tx ${j}`);
            checked++;
          });
        }
      }
    }
    assert.ok(checked > 500, `only ${checked} transactions checked`);
  });
}

function compareTx(tx: SignedTx, j: Record<string, unknown>, where: string) {
  const q = (f: string) => parseQuantity(j[f], `${where}.${f}`);
  assert.is(tx.type, j.type === undefined ? 0 : Number(q('type')), `${where}: type`);
  if (j.sender !== undefined) assert.is(hex(tx.sender), String(j.sender).toLowerCase(), `${where}: sender`);
  assert.is(tx.nonce, q('nonce'), `${where}: nonce`);
  assert.is(tx.gasLimit, q('gasLimit'), `${where}: gasLimit`);
  assert.is(tx.value, q('value'), `${where}: value`);
  assert.is(hex(tx.data), String(j.data).toLowerCase(), `${where}: data`);
  assert.is(tx.to === null ? '' : hex(tx.to), String(j.to).toLowerCase(), `${where}: to`);
  assert.is(tx.r, q('r'), `${where}: r`);
  assert.is(tx.s, q('s'), `${where}: s`);
  assert.is(tx.v, q('v'), `${where}: v`);
  if (j.gasPrice !== undefined) assert.is(tx.gasPrice, q('gasPrice'), `${where}: gasPrice`);
  if (j.maxFeePerGas !== undefined) assert.is(tx.maxFeePerGas, q('maxFeePerGas'), `${where}: maxFeePerGas`);
  if (j.maxPriorityFeePerGas !== undefined) assert.is(tx.maxPriorityFeePerGas, q('maxPriorityFeePerGas'), `${where}: maxPriorityFeePerGas`);
  if (j.maxFeePerBlobGas !== undefined) assert.is(tx.maxFeePerBlobGas, q('maxFeePerBlobGas'), `${where}: maxFeePerBlobGas`);
  if (j.chainId !== undefined && tx.type !== 0) assert.is(tx.chainId, q('chainId'), `${where}: chainId`);
  if (Array.isArray(j.blobVersionedHashes)) assert.equal((tx.blobVersionedHashes ?? []).map(hex), j.blobVersionedHashes.map((h) => String(h).toLowerCase()), `${where}: blob hashes`);
  if (Array.isArray(j.accessList)) {
    const want = (j.accessList as { address: string; storageKeys: string[] }[]).map((e) => [e.address.toLowerCase(), e.storageKeys.map((k) => k.toLowerCase())]);
    assert.equal(tx.accessList.map((e) => [hex(e.address), e.storageKeys.map(hex)]), want, `${where}: accessList`);
  }
}

// One block per era: pre-EIP-155 legacy, EIP-155, access lists, EIP-1559, blobs.
const SAMPLE = ['46147', '2688148', '13287210', '18085863', '19934116'];

if (existsSync(mainnet)) {
  test('mainnet transactions: re-encoding gives their hash, decoding recovers `from`', () => {
    const types = new Set<number>();
    for (const n of SAMPLE) {
      const f = readBlockFixture(join(mainnet, `${n}.json`));
      // Every hash; senders for a few per type (recovery costs ~3 ms each).
      const perType = new Map<number, number>();
      for (const [i, tx] of f.transactions.entries()) {
        const enc = encodeFixtureTx(tx);
        assert.is(hex(keccak_256(enc)), hex(tx.hash!), `block ${n} tx ${i}: hash`);
        const seen = perType.get(tx.type) ?? 0;
        if (seen >= 3) continue;
        perType.set(tx.type, seen + 1);
        types.add(tx.type);
        const d = decodeTx(enc, `block ${n} tx ${i}`);
        assert.is(hex(d.sender), hex(tx.sender), `block ${n} tx ${i}: sender`);
        assert.is(d.nonce, tx.nonce);
        assert.is(d.chainId, tx.chainId);
      }
    }
    assert.equal([...types].sort(), [0, 1, 2, 3]);
  });
}

test.run();
