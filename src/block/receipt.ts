// Transaction receipts (Yellow Paper, section 4.3.1; EIP-658 status; EIP-2718 typed
// envelopes) and the receipts root.

import { RLP } from '@ethereumjs/rlp';
import { orderedTrieRoot } from '../state/trie.js';
import { addToBloom, type Log } from '../state/logs.js';
import { bigintToMinimalBytes, bytesToKey, concatBytes } from '../util/hex.js';

export interface Receipt {
  /** The transaction type (0 legacy). */
  type: number;
  /** From Byzantium (EIP-658): 1 success, 0 failure. */
  status?: 0 | 1;
  /** Before Byzantium: the state root after the transaction. */
  postState?: Uint8Array;
  cumulativeGasUsed: bigint;
  logs: Log[];
  logsBloom: Uint8Array;
}

/** RLP([status or post-state root, cumulative gas, bloom, logs]), behind the type byte for typed transactions. */
export function encodeReceipt(r: Receipt): Uint8Array {
  const first = r.postState ?? (r.status === 1 ? Uint8Array.of(1) : new Uint8Array(0));
  const body = RLP.encode([first, bigintToMinimalBytes(r.cumulativeGasUsed), r.logsBloom, r.logs.map((l) => [l.address, l.topics, l.data])]);
  return r.type === 0 ? body : concatBytes(Uint8Array.of(r.type), body);
}

export function receiptsRoot(receipts: Receipt[]): Uint8Array {
  return orderedTrieRoot(receipts.map(encodeReceipt));
}

/**
 * Logs blooms for the receipts of one block. Blocks repeat the same addresses and
 * topics (one token, one event signature, thousands of logs), and each bloom entry
 * costs a keccak256, so the bits of each distinct item are remembered: a block with
 * 10,000 logs of one event then hashes a handful of items instead of 50,000.
 */
export class BloomCache {
  private bits = new Map<string, number[]>(); // item -> [byte index, mask, ...]

  bloom(logs: Log[]): Uint8Array {
    const bloom = new Uint8Array(256);
    for (const l of logs) {
      this.add(bloom, l.address);
      for (const t of l.topics) this.add(bloom, t);
    }
    return bloom;
  }

  private add(bloom: Uint8Array, item: Uint8Array): void {
    const key = bytesToKey(item);
    let b = this.bits.get(key);
    if (b === undefined) {
      const one = new Uint8Array(256);
      addToBloom(one, item);
      b = [];
      for (let i = 0; i < 256; i++) if (one[i] !== 0) b.push(i, one[i]);
      this.bits.set(key, b);
    }
    for (let i = 0; i < b.length; i += 2) bloom[b[i]] |= b[i + 1];
  }
}
