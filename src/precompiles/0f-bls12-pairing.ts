// 0x0f BLS12_PAIRING_CHECK (EIP-2537): for k >= 1 pairs (P_i in G1, Q_i in G2),
// returns 1 as a 32-byte word if e(P_1, Q_1) * ... * e(P_k, Q_k) is 1 in GT,
// else 0. Input exactly 384*k bytes; every point must be on its curve and in
// the order-q subgroup (infinity allowed: its pairings are 1).
// Gas 32600*k + 37700.
import { bls12_381 } from '@noble/curves/bls12-381.js';
import type { Precompile } from './index.js';
import { type G1, type G2, G1_LEN, G2_LEN, readG1, readG2 } from './bls12-381-points.js';

const PAIR_LEN = G1_LEN + G2_LEN;

export const blsPairing: Precompile = {
  name: 'BLS12_PAIRING_CHECK',
  gas(input) {
    const k = BigInt(Math.floor(input.length / PAIR_LEN));
    return 32600n * k + 37700n;
  },
  run(input) {
    if (input.length === 0 || input.length % PAIR_LEN !== 0) return null;
    const pairs: { g1: G1; g2: G2 }[] = [];
    for (let offset = 0; offset < input.length; offset += PAIR_LEN) {
      const g1 = readG1(input, offset, true);
      const g2 = readG2(input, offset + G1_LEN, true);
      if (g1 === null || g2 === null) return null;
      // e(O, Q) = e(P, O) = 1: leave such pairs out (noble refuses them).
      if (!g1.is0() && !g2.is0()) pairs.push({ g1, g2 });
    }
    const out = new Uint8Array(32);
    const { Fp12 } = bls12_381.fields;
    if (pairs.length === 0 || Fp12.eql(bls12_381.pairingBatch(pairs), Fp12.ONE)) out[31] = 1;
    return out;
  },
};
