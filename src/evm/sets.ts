// Read and write sets: the two outputs of a transaction's execution that
// commit, parallel validation and tracing consume.
import * as C from '../../assembly/shared/config.js';
import { addressKeyAt, slotKeyAt } from '../wasm/keys.js';
import type { WorldState } from '../state/world.js';
import { wordAt } from '../util/hex.js';
import { EMPTY_CODE_HASH, accountWith, codeHashAt } from '../state/world.js';

/** Every location read from outside the transaction, in first-read order (keys as in WorldState). */
export interface ReadSet {
  accounts: string[];
  /** [address key, slot key] */
  storage: [string, string][];
  blockHashes: bigint[];
}

export interface AccountWrite {
  address: string;
  deleted: boolean;
  /** New nonce/balance/code hash (absent when only storage changed). */
  account?: { nonce: bigint; balance: bigint; codeHash: Uint8Array };
  code?: Uint8Array;
  /** Storage that existed before the transaction is gone (the account was created in it). */
  storageCleared: boolean;
  /** [slot key, 32-byte value]; a zero value deletes. */
  storage: [string, Uint8Array][];
}

export type WriteSet = AccountWrite[];

/**
 * Parses the WASM's write-set buffer (format in assembly/shared/config.ts): `len`
 * bytes of `buf` from `start` (WASM memory itself: values are copied out).
 */
export function parseWriteSet(buf: Uint8Array, start = 0, len = buf.length - start): WriteSet {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: WriteSet = [];
  let o = start;
  const end = start + len;
  while (o < end) {
    const address = addressKeyAt(buf, o);
    const flags = dv.getUint32(o + 20, true);
    if (flags & C.W_DELETED) {
      out.push({ address, deleted: true, storageCleared: true, storage: [] });
      o += 24;
      continue;
    }
    const w: AccountWrite = { address, deleted: false, storageCleared: (flags & C.W_STORAGE_CLEARED) !== 0, storage: [] };
    if (flags & C.W_ACCOUNT) w.account = { nonce: dv.getBigUint64(o + 24, true), balance: wordAt(dv, o + 32), codeHash: codeHashAt(buf, o + 64) };
    const codeLen = dv.getUint32(o + 96, true);
    if (flags & C.W_CODE) w.code = buf.slice(o + 100, o + 100 + codeLen);
    o += 100 + codeLen;
    const n = dv.getUint32(o, true);
    o += 4;
    for (let i = 0; i < n; i++, o += 64) w.storage.push([slotKeyAt(buf, o), buf.slice(o + 32, o + 64)]);
    out.push(w);
  }
  return out;
}

/** Applies a write set to a world state. */
export function applyWriteSet(state: WorldState, ws: WriteSet): void {
  for (const w of ws) {
    if (w.deleted) {
      state.deleteAccount(w.address);
      continue;
    }
    const next = w.account;
    if (next) {
      // Changed in place (getAccount clones a shared account first): no second object per write.
      const a = state.getAccount(w.address);
      if (a === undefined) {
        const code = w.code ?? NO_CODE;
        state.putAccount(w.address, accountWith(next.nonce, next.balance, code, code.length === 0 ? EMPTY_CODE_HASH : next.codeHash));
      } else {
        const code = w.code ?? (equalHash(a.codeHash, next.codeHash) ? a.code : NO_CODE);
        a.nonce = next.nonce;
        a.balance = next.balance;
        a.code = code;
        a.codeHash = code.length === 0 ? EMPTY_CODE_HASH : next.codeHash;
        if (w.storageCleared) state.clearStorage(w.address);
      }
    }
    for (const [slot, value] of w.storage) state.putStorage(w.address, slot, value);
  }
}

const NO_CODE = new Uint8Array(0);

function equalHash(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return false;
  return true;
}
