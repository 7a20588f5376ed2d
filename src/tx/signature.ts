// Transaction signatures: secp256k1 sender recovery (Yellow Paper, appendix F; the
// recovery itself in util/secp256k1.ts), and the rules on signature values that depend
// on the fork.

import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import type { Fork } from '../fork/table.js';
import { InputError } from '../util/hex.js';
import { SECP256K1_N, recoverPublicKey } from '../util/secp256k1.js';

export { SECP256K1_N };
const HALF_N = SECP256K1_N >> 1n;

/** The address of an uncompressed public key (0x04 || x || y): the last 20 bytes of keccak256(x || y). */
export function publicKeyToAddress(pub: Uint8Array): Uint8Array {
  return keccak_256(pub.subarray(1)).slice(12);
}

/**
 * The address that signed `hash` with (r, s) and recovery bit `yParity`.
 * Throws InputError (`INVALID_SIGNATURE: ...`) when no key signs it.
 */
export function recoverAddress(hash: Uint8Array, r: bigint, s: bigint, yParity: number): Uint8Array {
  if (r <= 0n || r >= SECP256K1_N || s <= 0n || s >= SECP256K1_N) throw new InputError('INVALID_SIGNATURE: r or s out of range');
  if (yParity !== 0 && yParity !== 1) throw new InputError(`INVALID_SIGNATURE: recovery bit ${yParity}`);
  const pub = recoverPublicKey(hash, r, s, yParity);
  if (pub === null) throw new InputError('INVALID_SIGNATURE: no public key recovers (r is not the x of a curve point, or the key is the point at infinity)');
  return publicKeyToAddress(pub);
}

/**
 * Fork rules on a transaction's signature values, or null when they hold:
 * EIP-2 (Homestead) rejects s above n/2, so each signature has one valid form.
 */
export function signatureInvalidity(s: bigint, fork: Fork): string | null {
  if (fork.eips.has(2) && s > HALF_N) return 'INVALID_SIGNATURE: s above secp256k1n/2 (EIP-2)';
  return null;
}

/** Signs `hash` with `secretKey` (tests and fixture writers): r, s (low-s form) and the recovery bit. */
export function sign(hash: Uint8Array, secretKey: Uint8Array): { r: bigint; s: bigint; yParity: number } {
  const sig = secp256k1.Signature.fromBytes(secp256k1.sign(hash, secretKey, { prehash: false, format: 'recovered' }), 'recovered');
  return { r: sig.r, s: sig.s, yParity: sig.recovery! };
}
