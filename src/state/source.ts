// What execution needs to read from the world: revm's "database" shape. The
// sequential executor reads a WorldState; Block-STM workers read a shared
// snapshot overlaid with multi-version memory.
import type { WorldState } from './world.js';

export interface AccountView {
  nonce: bigint;
  balance: bigint;
  codeHash: Uint8Array;
  code: Uint8Array;
  /** The account has storage (EIP-7610: creating over it collides). */
  hasStorage: boolean;
}

/**
 * An account as StateSource.accountAt writes it, in 32-bit words: RAW_FLAGS (RAW_EXISTS,
 * RAW_HAS_STORAGE), the nonce's low and high halves, the code size, then the balance
 * and the code hash as 32 bytes each (big-endian, in memory order).
 */
export const RAW_FLAGS = 0;
export const RAW_NONCE_LO = 1;
export const RAW_NONCE_HI = 2;
export const RAW_CODE_SIZE = 3;
export const RAW_BALANCE = 4;
export const RAW_CODE_HASH = 12;
export const RAW_WORDS = 20;
export const RAW_EXISTS = 1;
export const RAW_HAS_STORAGE = 2;

export interface StateSource {
  /** The account, or undefined if it does not exist. Keys are WorldState keys (40 hex chars). */
  account(address: string): AccountView | undefined;
  /** The slot's 32-byte value, or undefined for zero. Slot keys are 64 hex chars. */
  storage(address: string, slot: string): Uint8Array | undefined;
  /**
   * Optional, the same read without key strings: the 20 address bytes at
   * mem[addressAt], the 32 slot bytes at mem[slotAt]; writes the value's 32 bytes to
   * mem[outAt] (zeros for zero). The Evm uses it when it records no read set.
   */
  storageAt?(mem: Uint8Array, addressAt: number, slotAt: number, outAt: number): void;
  /**
   * Optional, account() without key strings or bigints: the 20 address bytes at
   * mem[addressAt]; writes the account into `out` (RAW_* layout; all zero when it
   * does not exist). The Evm uses it when it records no read set.
   */
  accountAt?(mem: Uint8Array, addressAt: number, out: Int32Array): void;
}

/** A WorldState read as a StateSource (no copies). One per state, not one per transaction. */
export function worldSource(state: WorldState): StateSource {
  let source = sources.get(state);
  if (source !== undefined) return source;
  source = {
    account(address) {
      const a = state.peekAccount(address);
      return a && { nonce: a.nonce, balance: a.balance, codeHash: a.codeHash, code: a.code, hasStorage: a.storage.size > 0 };
    },
    storage(address, slot) {
      return state.peekAccount(address)?.storage.get(slot);
    },
  };
  sources.set(state, source);
  return source;
}

const sources = new WeakMap<WorldState, StateSource>();
