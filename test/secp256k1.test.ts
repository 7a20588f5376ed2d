// Public-key recovery in libsecp256k1, native (the secp256k1 package's addon) and in
// WebAssembly (tiny-secp256k1), against @noble/curves, on the inputs ECRECOVER and
// transaction senders can meet: valid signatures, high s, hashes above the group order,
// r that is not the x of a curve point, and signatures no key makes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToBigint, bytesToHex } from '../src/util/hex.js';
import { SECP256K1_N, recoverPublicKey, recoverPublicKeyJs, secp256k1Backend, secp256k1Backends } from '../src/util/secp256k1.js';

const P = secp256k1.Point.Fp.ORDER;

/** A deterministic byte stream (xorshift), so a failure names its case. */
function bytes(seed: number): (n: number) => Uint8Array {
  let x = seed >>> 0 || 1;
  return (n) => {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      b[i] = x & 0xff;
    }
    return b;
  };
}

/** Every backend's answer is @noble/curves'; returns it. */
function same(hash: Uint8Array, r: bigint, s: bigint, v: 0 | 1, what: string): Uint8Array | null {
  const js = recoverPublicKeyJs(hash, r, s, v);
  for (const backend of secp256k1Backends()) {
    const got = recoverPublicKey(hash, r, s, v, backend);
    assert.is(got === null ? null : bytesToHex(got), js === null ? null : bytesToHex(js), `${what} (${backend})`);
  }
  return js;
}

test('recovery runs in libsecp256k1 under Node: natively, with WebAssembly behind it', () => {
  assert.equal(secp256k1Backends(), ['native', 'wasm']);
  assert.is(secp256k1Backend(), 'native');
});

test('signatures made by noble recover the signing key, low and high s', () => {
  const rand = bytes(1);
  for (let i = 0; i < 50; i++) {
    const key = secp256k1.utils.randomSecretKey(rand(48));
    const hash = rand(32);
    const sig = secp256k1.Signature.fromBytes(secp256k1.sign(hash, key, { prehash: false, format: 'recovered' }), 'recovered');
    const pub = secp256k1.getPublicKey(key, false);
    const v = sig.recovery as 0 | 1;
    assert.equal(same(hash, sig.r, sig.s, v, `case ${i}`), pub, `case ${i}`);
    // (r, n - s) with the other parity is the same signature's high-s form.
    assert.equal(same(hash, sig.r, SECP256K1_N - sig.s, (1 - v) as 0 | 1, `case ${i}, high s`), pub, `case ${i}, high s`);
  }
});

test('arbitrary (hash, r, s, v) agree, hashes above n included; r off the curve gives null', () => {
  const rand = bytes(2);
  let none = 0;
  for (let i = 0; i < 200; i++) {
    const hash = i % 10 === 0 ? Uint8Array.from({ length: 32 }, () => 0xff) : rand(32);
    const r = (bytesToBigint(rand(32)) % (SECP256K1_N - 1n)) + 1n;
    const s = (bytesToBigint(rand(32)) % (SECP256K1_N - 1n)) + 1n;
    if (same(hash, r, s, (i & 1) as 0 | 1, `case ${i}`) === null) none++;
  }
  // About half of all x have no point (x^3 + 7 a non-residue): both paths must have met them.
  assert.ok(none > 50 && none < 150, `${none} of 200 without a key`);
});

test('a signature whose key would be the point at infinity recovers nothing', () => {
  // With R = G (r = Gx, even y) and s = hash = 1: Q = r^-1 (s R - hash G) = 0.
  const g = secp256k1.Point.BASE;
  const r = g.x;
  assert.ok(r < SECP256K1_N && r < P);
  const hash = new Uint8Array(32);
  hash[31] = 1;
  assert.is(same(hash, r, 1n, (g.y & 1n) === 0n ? 0 : 1, 'infinity'), null);
});

test.run();
