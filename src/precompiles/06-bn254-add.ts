// 0x06 ECADD on alt_bn128 (EIP-196): adds two G1 points. Input right-padded to
// 128 bytes; an invalid point fails the call. Gas 500, 150 from Istanbul (EIP-1108).
import type { Precompile } from './index.js';
import { bn254Arithmetic, readG1 } from './bn254-points.js';

export const bn254Add: Precompile = {
  name: 'BN254_ADD',
  gas: (_input, rules) => (rules.eip1108 ? 150n : 500n),
  run(input) {
    const a = readG1(input, 0);
    const b = readG1(input, 64);
    if (a === null || b === null) return null;
    return bn254Arithmetic().add(a, b);
  },
};
