// 0x0b BLS12_G1ADD (EIP-2537): adds two G1 points. Input exactly 256 bytes (two
// 128-byte points); each must be on the curve or the infinity encoding, but no
// subgroup check is made. Output one 128-byte point. Gas 375.
import type { Precompile } from './index.js';
import { G1_LEN, readG1, writeG1 } from './bls12-381-points.js';

export const blsG1Add: Precompile = {
  name: 'BLS12_G1ADD',
  gas: () => 375n,
  run(input) {
    if (input.length !== 2 * G1_LEN) return null;
    const a = readG1(input, 0, false);
    const b = readG1(input, G1_LEN, false);
    if (a === null || b === null) return null;
    return writeG1(a.add(b));
  },
};
