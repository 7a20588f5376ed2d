// 0x10 BLS12_MAP_FP_TO_G1 (EIP-2537): maps one Fp element (exactly 64 bytes,
// validly encoded) to a G1 point: RFC 9380's simplified SWU map to the 11-isogenous
// curve, the isogeny, then cofactor clearing (map_to_curve + clear_cofactor of
// the BLS12381G1_XMD:SHA-256_SSWU_RO_ suite, without hashing). Output one
// 128-byte point. Gas 5500.
import { bls12_381 } from '@noble/curves/bls12-381.js';
import type { Precompile } from './index.js';
import { type G1, FP_LEN, readFp, writeG1 } from './bls12-381-points.js';

// noble 2.0's typings say mapToCurve takes bigint[] and returns an affine point;
// at run time the G1 hasher (m = 1) takes a single bigint and returns the
// cofactor-cleared projective point.
const mapToG1 = bls12_381.G1.mapToCurve as unknown as (u: bigint) => G1;

export const blsMapFpToG1: Precompile = {
  name: 'BLS12_MAP_FP_TO_G1',
  gas: () => 5500n,
  run(input) {
    if (input.length !== FP_LEN) return null;
    const u = readFp(input, 0);
    if (u === null) return null;
    // noble's mapToCurve includes the cofactor clearing (and gives ZERO, not an error, for infinity).
    return writeG1(mapToG1(u));
  },
};
