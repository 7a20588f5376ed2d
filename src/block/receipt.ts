// Transaction receipts (Yellow Paper, section 4.3.1; EIP-658 status; EIP-2718 typed
// envelopes) and the receipts root.

import { orderedTrieRoot, rlpHeaderSize, stringSize, writeRlpHeader, writeString } from '../state/trie.js';
import { encodeLogs, logsBloom, type Log } from '../state/logs.js';
import { bigintToMinimalBytes } from '../util/hex.js';

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

const STATUS_OK = Uint8Array.of(1);
const STATUS_FAILED = new Uint8Array(0);
const NO_LOGS = Uint8Array.of(0xc0);

/** RLP([status or post-state root, cumulative gas, bloom, logs]), behind the type byte for typed transactions. */
export function encodeReceipt(r: Receipt): Uint8Array {
  const first = r.postState ?? (r.status === 1 ? STATUS_OK : STATUS_FAILED);
  const gas = bigintToMinimalBytes(r.cumulativeGasUsed);
  const logs = encodedLogsOf(r.logs);
  const payload = stringSize(first) + stringSize(gas) + stringSize(r.logsBloom) + logs.length;
  const typed = r.type === 0 ? 0 : 1;
  const out = new Uint8Array(typed + rlpHeaderSize(payload) + payload);
  if (typed) out[0] = r.type;
  let o = writeRlpHeader(out, typed, payload, 0xc0);
  o = writeString(out, o, first);
  o = writeString(out, o, gas);
  o = writeString(out, o, r.logsBloom);
  out.set(logs, o);
  return out;
}

export function receiptsRoot(receipts: Receipt[]): Uint8Array {
  return orderedTrieRoot(receipts.map(encodeReceipt));
}

/**
 * Blooms and RLP encodings of log lists computed before the commit (by Block-STM
 * workers, in parallel), by list: both are functions of the logs alone, so whoever
 * computed them, the receipt is the same.
 */
const logsParts = new WeakMap<Log[], { bloom: Uint8Array; encoded: Uint8Array }>();

/** Hands over a log list's bloom and encoding (encodeLogs), computed elsewhere. */
export function rememberLogsParts(logs: Log[], bloom: Uint8Array, encoded: Uint8Array): void {
  if (logs.length > 0) logsParts.set(logs, { bloom, encoded });
}

/** The bloom of a transaction's logs (a new array). */
export function logsBloomOf(logs: Log[]): Uint8Array {
  if (logs.length === 0) return new Uint8Array(256);
  return logsParts.get(logs)?.bloom ?? logsBloom(logs);
}

function encodedLogsOf(logs: Log[]): Uint8Array {
  if (logs.length === 0) return NO_LOGS;
  return logsParts.get(logs)?.encoded ?? encodeLogs(logs);
}
