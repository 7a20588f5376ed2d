// secp256k1 public-key recovery, for ECRECOVER, transaction senders and EIP-7702
// authorities. In Node it runs libsecp256k1: natively where the `secp256k1` package's
// bindings load (a prebuilt addon; about 51 us per recovery on the development VM),
// else compiled to WebAssembly (the tiny-secp256k1 package: about 250 us), against
// 1.9 ms for @noble/curves' JavaScript on bigints in a loop, and 3-10 ms inside mainnet
// blocks, where one block (19933597) spent 40% of its time in seven of them. It must
// be callable synchronously, so both packages are loaded on first use through
// process.getBuiltinModule's require (no static import: the addon is Node's, and
// tiny-secp256k1's loader reads its .wasm file with node:fs, which in a browser needs a
// bundler's WebAssembly imports). Elsewhere @noble/curves answers, with the same
// results (test/secp256k1.test.ts holds all three to them).

import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bigintToBytes } from './hex.js';

/** Where recovery runs: libsecp256k1 natively, libsecp256k1 in WebAssembly, or @noble/curves. */
export type Secp256k1Backend = 'native' | 'wasm' | 'js';

/** The compact signature (r || s) with recovery id `recoveryId`: the uncompressed key, or null when none signed. */
type Recover = (hash: Uint8Array, signature: Uint8Array, recoveryId: 0 | 1) => Uint8Array | null;

/** The order of the secp256k1 group. */
export const SECP256K1_N: bigint = secp256k1.Point.Fn.ORDER;

/** Node's require from here, or null outside Node. */
function nodeRequire(): ((id: string) => unknown) | null {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof getBuiltin !== 'function') return null;
  try {
    const { createRequire } = getBuiltin('node:module') as { createRequire(from: string): (id: string) => unknown };
    return createRequire(import.meta.url);
  } catch {
    return null;
  }
}

/**
 * The backend in package `id`, or null if it does not load. `call` recovers with the
 * module, and throws where no key signed (r not the x of a curve point, say).
 */
function load<M>(require: (id: string) => unknown, id: string, call: (m: M, hash: Uint8Array, sig: Uint8Array, recoveryId: 0 | 1) => Uint8Array | null): Recover | null {
  let m: M;
  try {
    m = require(id) as M;
  } catch {
    return null;
  }
  return (hash, sig, recoveryId) => {
    try {
      return call(m, hash, sig, recoveryId);
    } catch {
      return null;
    }
  };
}

/** libsecp256k1 natively: the addon itself, not the package's entry, which falls back to elliptic's JavaScript. */
type NativeSecp256k1 = { ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean): Uint8Array };
/** libsecp256k1 in WebAssembly. */
type TinySecp256k1 = { recover(h: Uint8Array, signature: Uint8Array, recoveryId: 0 | 1 | 2 | 3, compressed: boolean): Uint8Array | null };

/** The backends that load here, fastest first; @noble/curves always. */
let backends: { name: Secp256k1Backend; recover: Recover }[] | undefined;

function loadBackends(): { name: Secp256k1Backend; recover: Recover }[] {
  if (backends !== undefined) return backends;
  const list: { name: Secp256k1Backend; recover: Recover }[] = [];
  const require = nodeRequire();
  if (require !== null) {
    const native = load<NativeSecp256k1>(require, 'secp256k1/bindings', (m, h, sig, r) => m.ecdsaRecover(sig, r, h, false));
    if (native !== null) list.push({ name: 'native', recover: native });
    const wasm = load<TinySecp256k1>(require, 'tiny-secp256k1', (m, h, sig, r) => m.recover(h, sig, r, false));
    if (wasm !== null) list.push({ name: 'wasm', recover: wasm });
  }
  return (backends = list);
}

/** Where recovery runs here (loads the backends if they have not been). */
export function secp256k1Backend(): Secp256k1Backend {
  return loadBackends()[0]?.name ?? 'js';
}

/** The backends that load here besides @noble/curves, fastest first (for tests). */
export function secp256k1Backends(): Secp256k1Backend[] {
  return loadBackends().map((b) => b.name);
}

const signature = new Uint8Array(64);

/**
 * The uncompressed public key (0x04 || x || y) that signed the 32-byte `hash` with
 * (r, s) and recovery bit `yParity`, or null when none does (r is not the x of a curve
 * point, or the key would be the point at infinity). The caller checks 0 < r, s < n
 * and yParity in {0, 1}: the fork rules on them differ between transactions and
 * ECRECOVER. `backend`: one of secp256k1Backends() (tests), else the fastest.
 */
export function recoverPublicKey(hash: Uint8Array, r: bigint, s: bigint, yParity: 0 | 1, backend?: Secp256k1Backend): Uint8Array | null {
  const list = loadBackends();
  const chosen = backend === undefined ? list[0] : list.find((b) => b.name === backend);
  if (chosen === undefined) {
    if (backend === undefined || backend === 'js') return recoverPublicKeyJs(hash, r, s, yParity);
    throw new Error(`secp256k1: no ${backend} backend here`);
  }
  signature.set(bigintToBytes(r, 32), 0);
  signature.set(bigintToBytes(s, 32), 32);
  return chosen.recover(hash, signature, yParity);
}

/** recoverPublicKey on @noble/curves: the fallback, and the reference the WebAssembly one is tested against. */
export function recoverPublicKeyJs(hash: Uint8Array, r: bigint, s: bigint, yParity: 0 | 1): Uint8Array | null {
  try {
    return new secp256k1.Signature(r, s, yParity).recoverPublicKey(hash).toBytes(false);
  } catch {
    return null; // r is not the x of a curve point, or the key is the point at infinity
  }
}
