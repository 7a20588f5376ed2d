// 0x08 pairing check on alt_bn128 (EIP-197): for k pairs (G1, G2), returns 1
// as a 32-byte word if the product of their pairings is 1 in GT, else 0.
// Input must be k*192 bytes (k = 0 gives 1). Gas 100000 + 80000k, from
// Istanbul 45000 + 34000k (EIP-1108).
import type { Precompile } from './index.js';
import { type G1Coords, type G2Coords, bn254Arithmetic, readG1, readG2 } from './bn254-points.js';

const PAIR_SIZE = 192;

export const bn254Pairing: Precompile = {
  name: 'BN254_PAIRING',
  gas(input, rules) {
    const k = BigInt(Math.floor(input.length / PAIR_SIZE));
    return rules.eip1108 ? 45000n + 34000n * k : 100000n + 80000n * k;
  },
  run(input) {
    if (input.length % PAIR_SIZE !== 0) return null;
    const pairs: [G1Coords, G2Coords][] = [];
    for (let offset = 0; offset < input.length; offset += PAIR_SIZE) {
      const g1 = readG1(input, offset);
      const g2 = readG2(input, offset + 64);
      if (g1 === null || g2 === null) return null;
      pairs.push([g1, g2]);
    }
    const one = bn254Arithmetic().pairingIsOne(pairs);
    if (one === null) return null;
    const out = new Uint8Array(32);
    if (one) out[31] = 1;
    return out;
  },
};
