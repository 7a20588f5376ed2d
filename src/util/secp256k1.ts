// secp256k1 public-key recovery, for ECRECOVER, transaction senders and EIP-7702
// authorities. In Node it runs libsecp256k1 compiled to WebAssembly (the
// tiny-secp256k1 package): about 260 us per recovery on the development VM, against
// 1.9 ms for @noble/curves' JavaScript on bigints in a loop, and 3-10 ms inside mainnet
// blocks, where one block (19933597) spent 40% of its time in seven of them. It must
// be callable synchronously, so the package is loaded on first use through
// process.getBuiltinModule's require (no static import: its loader reads the .wasm
// file with node:fs, and in a browser it needs a bundler's WebAssembly imports).
// Elsewhere @noble/curves answers, with the same results (test/secp256k1.test.ts).

import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bigintToBytes } from './hex.js';

interface TinySecp256k1 {
  /** The public key (65 bytes uncompressed) that signed h, or null; throws when r is not the x of a curve point. */
  recover(h: Uint8Array, signature: Uint8Array, recoveryId: 0 | 1 | 2 | 3, compressed: boolean): Uint8Array | null;
}

/** The order of the secp256k1 group. */
export const SECP256K1_N: bigint = secp256k1.Point.Fn.ORDER;

let wasm: TinySecp256k1 | null | undefined;

function loadWasm(): TinySecp256k1 | null {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof getBuiltin !== 'function') return null;
  try {
    const { createRequire } = getBuiltin('node:module') as { createRequire(from: string): (id: string) => unknown };
    return createRequire(import.meta.url)('tiny-secp256k1') as TinySecp256k1;
  } catch {
    return null;
  }
}

/** Whether recovery runs in WebAssembly here (false: @noble/curves in JavaScript). Loads the module if it has not been. */
export function secp256k1InWasm(): boolean {
  if (wasm === undefined) wasm = loadWasm();
  return wasm !== null;
}

const signature = new Uint8Array(64);

/**
 * The uncompressed public key (0x04 || x || y) that signed the 32-byte `hash` with
 * (r, s) and recovery bit `yParity`, or null when none does (r is not the x of a curve
 * point, or the key would be the point at infinity). The caller checks 0 < r, s < n
 * and yParity in {0, 1}: the fork rules on them differ between transactions and
 * ECRECOVER.
 */
export function recoverPublicKey(hash: Uint8Array, r: bigint, s: bigint, yParity: 0 | 1): Uint8Array | null {
  if (wasm === undefined) wasm = loadWasm();
  if (wasm === null) return recoverPublicKeyJs(hash, r, s, yParity);
  signature.set(bigintToBytes(r, 32), 0);
  signature.set(bigintToBytes(s, 32), 32);
  try {
    return wasm.recover(hash, signature, yParity, false);
  } catch {
    return null; // r is not the x of a curve point
  }
}

/** recoverPublicKey on @noble/curves: the fallback, and the reference the WebAssembly one is tested against. */
export function recoverPublicKeyJs(hash: Uint8Array, r: bigint, s: bigint, yParity: 0 | 1): Uint8Array | null {
  try {
    return new secp256k1.Signature(r, s, yParity).recoverPublicKey(hash).toBytes(false);
  } catch {
    return null; // r is not the x of a curve point, or the key is the point at infinity
  }
}
