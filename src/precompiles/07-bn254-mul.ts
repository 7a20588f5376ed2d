// 0x07 ECMUL on alt_bn128 (EIP-196): multiplies a G1 point by a 256-bit scalar.
// Input right-padded to 96 bytes; an invalid point fails the call, any scalar
// is allowed. Gas 40000, 6000 from Istanbul (EIP-1108).
import type { Precompile } from './index.js';
import { R, bn254Arithmetic, readG1 } from './bn254-points.js';
import { readUint } from './input.js';

export const bn254Mul: Precompile = {
  name: 'BN254_MUL',
  gas: (_input, rules) => (rules.eip1108 ? 6000n : 40000n),
  run(input) {
    const p = readG1(input, 0);
    if (p === null) return null;
    // G1 has prime order r, so the scalar acts modulo r.
    return bn254Arithmetic().mul(p, readUint(input, 64, 32) % R);
  },
};
