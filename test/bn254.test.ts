// alt_bn128 for 0x06-0x08 in WebAssembly (mcl) against @noble/curves, on the inputs
// the precompiles can meet: points on the curve, off it, at infinity, negatives of
// each other; scalars 0, 1, r - 1 and random ones; pairing checks that hold, that do
// not, and G2 points off the twist or outside the order-r subgroup.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bn254 } from '@noble/curves/bn254.js';
import {
  type Bn254Arithmetic, type G1Coords, type G2Coords, P, R, bn254Arithmetic, bn254InWasm, loadBn254Wasm, nobleBn254, wasmBn254Arithmetic,
} from '../src/precompiles/bn254-points.js';
import { bytesToHex } from '../src/util/hex.js';

/** xorshift64*: deterministic 64-bit draws. */
function rng(seed: bigint): () => bigint {
  let s = seed;
  return () => {
    s ^= s >> 12n;
    s ^= (s << 25n) & 0xffffffffffffffffn;
    s ^= s >> 27n;
    return (s * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn;
  };
}

const next = rng(0x9e3779b97f4a7c15n);
const word = () => (next() << 192n) | (next() << 128n) | (next() << 64n) | next();
const below = (m: bigint) => word() % m;

const G1 = bn254.G1.Point.BASE;
const G2 = bn254.G2.Point.BASE;
type NobleG1 = typeof G1;
type NobleG2 = typeof G2;

function coords1(p: NobleG1): G1Coords {
  if (p.is0()) return [0n, 0n];
  const { x, y } = p.toAffine();
  return [x, y];
}

function coords2(p: NobleG2): G2Coords {
  if (p.is0()) return [0n, 0n, 0n, 0n];
  const { x, y } = p.toAffine();
  return [x.c0, x.c1, y.c0, y.c1];
}

/** A point on the twist outside the order-r subgroup (almost every twist point is). */
function twistPointOutsideG2(): G2Coords {
  const { Fp2 } = bn254.fields;
  const b = bn254.G2.Point.CURVE().b;
  for (;;) {
    const x = Fp2.create({ c0: below(P), c1: below(P) });
    const rhs = Fp2.add(Fp2.mul(Fp2.sqr(x), x), b);
    let y;
    try {
      y = Fp2.sqrt(rhs);
    } catch {
      continue;
    }
    if (!Fp2.eql(Fp2.sqr(y), rhs)) continue;
    const c: G2Coords = [x.c0, x.c1, y.c0, y.c1];
    if (nobleBn254.pairingIsOne([[[1n, 2n], c]]) === null) return c;
  }
}

/** G1 inputs of every kind: on the curve, at infinity, off the curve. */
function g1Inputs(): G1Coords[] {
  const on = Array.from({ length: 6 }, () => coords1(G1.multiply(below(R - 1n) + 1n)));
  const minus = coords1(bn254.G1.Point.fromAffine({ x: on[0][0], y: on[0][1] }).negate());
  return [...on, minus, [0n, 0n], [1n, 2n], [1n, 3n], [1n, 0n], [0n, 1n], [below(P), below(P)], [P - 1n, P - 1n]];
}

let wasm: Bn254Arithmetic;

test('mcl loads in Node and becomes the precompiles\' arithmetic', async () => {
  assert.ok(await loadBn254Wasm());
  assert.ok(bn254InWasm());
  wasm = wasmBn254Arithmetic()!;
  assert.ok(wasm !== null && wasm !== nobleBn254);
  assert.is(bn254Arithmetic(), wasm);
});

const hex = (b: Uint8Array | null) => (b === null ? 'null' : bytesToHex(b));

test('add: mcl equals noble on every pair of points of every kind', () => {
  const points = g1Inputs();
  let valid = 0;
  for (const a of points) {
    for (const b of points) {
      const want = nobleBn254.add(a, b);
      assert.is(hex(wasm.add(a, b)), hex(want), `${a} + ${b}`);
      if (want !== null) valid++;
    }
  }
  assert.ok(valid >= 64, `only ${valid} valid sums`);
});

test('mul: mcl equals noble on points of every kind and scalars 0, 1, r - 1 and random', () => {
  const scalars = [0n, 1n, 2n, R - 1n, R - 2n, ...Array.from({ length: 8 }, () => below(R)), (1n << 128n) - 1n];
  let valid = 0;
  for (const p of g1Inputs()) {
    for (const k of scalars) {
      const want = nobleBn254.mul(p, k);
      assert.is(hex(wasm.mul(p, k)), hex(want), `${k} * ${p}`);
      if (want !== null) valid++;
    }
  }
  assert.ok(valid >= 80, `only ${valid} valid products`);
});

test('pairing: mcl equals noble on checks that hold, fail, and invalid G2 points', () => {
  const cases: { name: string; pairs: [G1Coords, G2Coords][]; expect?: boolean | null }[] = [];
  for (let i = 0; i < 4; i++) {
    const a = below(R - 1n) + 1n;
    const b = below(R - 1n) + 1n;
    // e(aP, bQ) * e(-abP, Q) = 1.
    const holds: [G1Coords, G2Coords][] = [[coords1(G1.multiply(a)), coords2(G2.multiply(b))], [coords1(G1.multiply((a * b) % R).negate()), coords2(G2)]];
    cases.push({ name: `holds ${i}`, pairs: holds, expect: true });
    cases.push({ name: `fails ${i}`, pairs: [holds[0], [coords1(G1.multiply((a * b + 1n) % R).negate()), coords2(G2)]], expect: false });
    cases.push({ name: `one pair ${i}`, pairs: [holds[0]], expect: false });
  }
  const good = cases[0].pairs;
  cases.push({ name: 'empty', pairs: [], expect: true });
  cases.push({ name: 'infinity in G1', pairs: [[[0n, 0n], good[0][1]], ...good], expect: true });
  cases.push({ name: 'infinity in G2', pairs: [[good[0][0], [0n, 0n, 0n, 0n]], ...good], expect: true });
  cases.push({ name: 'only infinities', pairs: [[[0n, 0n], [0n, 0n, 0n, 0n]]], expect: true });
  cases.push({ name: 'G1 off the curve', pairs: [[[1n, 3n], good[0][1]]], expect: null });
  cases.push({ name: 'G2 off the twist', pairs: [[good[0][0], [1n, 2n, 3n, 4n]]], expect: null });
  cases.push({ name: 'G2 parts swapped', pairs: [[good[0][0], [good[0][1][1], good[0][1][0], good[0][1][2], good[0][1][3]]]], expect: null });
  for (let i = 0; i < 3; i++) cases.push({ name: `G2 outside the subgroup ${i}`, pairs: [...good, [[1n, 2n], twistPointOutsideG2()]], expect: null });
  cases.push({ name: 'G2 outside the subgroup beside infinity in G1', pairs: [[[0n, 0n], twistPointOutsideG2()]], expect: null });
  for (const c of cases) {
    const want = nobleBn254.pairingIsOne(c.pairs);
    assert.is(want, c.expect, `noble: ${c.name}`);
    assert.is(wasm.pairingIsOne(c.pairs), want, c.name);
  }
});

test.run();
