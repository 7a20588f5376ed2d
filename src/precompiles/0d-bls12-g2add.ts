// 0x0d BLS12_G2ADD (EIP-2537): adds two G2 points. Input exactly 512 bytes (two
// 256-byte points); each must be on the twist or the infinity encoding, but no
// subgroup check is made. Output one 256-byte point. Gas 600.
import type { Precompile } from './index.js';
import { G2_LEN, readG2, writeG2 } from './bls12-381-points.js';

export const blsG2Add: Precompile = {
  name: 'BLS12_G2ADD',
  gas: () => 600n,
  run(input) {
    if (input.length !== 2 * G2_LEN) return null;
    const a = readG2(input, 0, false);
    const b = readG2(input, G2_LEN, false);
    if (a === null || b === null) return null;
    return writeG2(a.add(b));
  },
};
