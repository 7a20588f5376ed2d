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
}

/** A WorldState read as a StateSource (no copies). */
export function worldSource(state: WorldState): StateSource {
  return {
    account(address) {
      const a = state.peekAccount(address);
      return a && { nonce: a.nonce, balance: a.balance, codeHash: a.codeHash, code: a.code, hasStorage: a.storage.size > 0 };
    },
    storage(address, slot) {
      return state.peekAccount(address)?.storage.get(slot);
    },
  };
}
