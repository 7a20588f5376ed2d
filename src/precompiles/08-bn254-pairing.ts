// 0x08 pairing check on alt_bn128 (EIP-197): for k pairs (G1, G2), returns 1
// as a 32-byte word if the product of their pairings is 1 in GT, else 0.
// Input must be k*192 bytes (k = 0 gives 1). Gas 100000 + 80000k, from
// Istanbul 45000 + 34000k (EIP-1108).
import { bn254 } from '@noble/curves/bn254.js';
import type { Precompile } from './index.js';
import { type G1, type G2, readG1, readG2 } from './bn254-points.js';

const PAIR_SIZE = 192;

export const bn254Pairing: Precompile = {
  name: 'BN254_PAIRING',
  gas(input, rules) {
    const k = BigInt(Math.floor(input.length / PAIR_SIZE));
    return rules.eip1108 ? 45000n + 34000n * k : 100000n + 80000n * k;
  },
  run(input) {
    if (input.length % PAIR_SIZE !== 0) return null;
    const pairs: { g1: G1; g2: G2 }[] = [];
    for (let offset = 0; offset < input.length; offset += PAIR_SIZE) {
      const g1 = readG1(input, offset);
      const g2 = readG2(input, offset + 64);
      if (g1 === null || g2 === null) return null;
      // e(O, Q) = e(P, O) = 1: leave such pairs out (noble refuses them).
      if (!g1.is0() && !g2.is0()) pairs.push({ g1, g2 });
    }
    const out = new Uint8Array(32);
    const { Fp12 } = bn254.fields;
    if (pairs.length === 0 || Fp12.eql(bn254.pairingBatch(pairs), Fp12.ONE)) out[31] = 1;
    return out;
  },
};
