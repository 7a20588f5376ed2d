// 0x11 BLS12_MAP_FP2_TO_G2 (EIP-2537): maps one Fp2 element (exactly 128 bytes,
// c0 || c1, validly encoded) to a G2 point: RFC 9380's simplified SWU map to the
// 3-isogenous curve, the isogeny, then cofactor clearing (map_to_curve +
// clear_cofactor of BLS12381G2_XMD:SHA-256_SSWU_RO_, without hashing). Output
// one 256-byte point. Gas 23800.
import { bls12_381 } from '@noble/curves/bls12-381.js';
import type { Precompile } from './index.js';
import { type G2, FP_LEN, readFp2, writeG2 } from './bls12-381-points.js';

// noble 2.0's typings say mapToCurve returns an affine point; at run time it
// returns the cofactor-cleared projective point. It takes [c0, c1].
const mapToG2 = bls12_381.G2.mapToCurve as unknown as (u: [bigint, bigint]) => G2;

export const blsMapFp2ToG2: Precompile = {
  name: 'BLS12_MAP_FP2_TO_G2',
  gas: () => 23800n,
  run(input) {
    if (input.length !== 2 * FP_LEN) return null;
    const u = readFp2(input, 0);
    if (u === null) return null;
    return writeG2(mapToG2([u.c0, u.c1]));
  },
};
