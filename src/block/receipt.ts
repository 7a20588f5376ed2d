// Transaction receipts (Yellow Paper, section 4.3.1; EIP-658 status; EIP-2718 typed
// envelopes) and the receipts root.

import { orderedTrieRoot, rlpHeaderSize, stringSize, writeRlpHeader, writeString } from '../state/trie.js';
import { logsBloom, logsPayload, writeLogs, type Log } from '../state/logs.js';
import { ByteChunks } from '../util/chunks.js';
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
  const e = new ReceiptEncoding(r);
  const out = new Uint8Array(e.size);
  e.write(out, 0);
  return out;
}

/** A receipt's encoding, measured before it is written (into a buffer of the caller's). */
export class ReceiptEncoding {
  private readonly first: Uint8Array;
  private readonly gas: Uint8Array;
  /** The logs' encoding when it was handed over (rememberLogsParts), else written from the logs. */
  private readonly logs: Uint8Array | undefined;
  /** The logs list's payload (logsPayload), when it is written from the logs. */
  private readonly logsPayload: number;
  private readonly payload: number;
  /** Bytes of the encoding. */
  readonly size: number;

  constructor(private readonly r: Receipt) {
    this.first = r.postState ?? (r.status === 1 ? STATUS_OK : STATUS_FAILED);
    this.gas = bigintToMinimalBytes(r.cumulativeGasUsed);
    this.logs = r.logs.length === 0 ? NO_LOGS : logsParts.get(r.logs)?.encoded;
    this.logsPayload = this.logs === undefined ? logsPayload(r.logs) : 0;
    const logsSize = this.logs === undefined ? rlpHeaderSize(this.logsPayload) + this.logsPayload : this.logs.length;
    this.payload = stringSize(this.first) + stringSize(this.gas) + stringSize(r.logsBloom) + logsSize;
    this.size = (r.type === 0 ? 0 : 1) + rlpHeaderSize(this.payload) + this.payload;
  }

  /** Writes the encoding at out[at] (size bytes): the logs straight from them, no array of their own. */
  write(out: Uint8Array, at: number): void {
    if (this.r.type !== 0) out[at++] = this.r.type;
    let o = writeRlpHeader(out, at, this.payload, 0xc0);
    o = writeString(out, o, this.first);
    o = writeString(out, o, this.gas);
    o = writeString(out, o, this.r.logsBloom);
    if (this.logs !== undefined) out.set(this.logs, o);
    else writeLogs(out, o, this.r.logs, this.logsPayload);
  }
}

export function receiptsRoot(receipts: Receipt[]): Uint8Array {
  // All encodings in one buffer, each leaf a view of it: an encoding (a few hundred
  // bytes, the bloom's 256 among them) in an array of its own is a backing store for
  // the collector to free, one per transaction.
  const encodings = receipts.map((r) => new ReceiptEncoding(r));
  let total = 0;
  for (const e of encodings) total += e.size;
  const buf = new Uint8Array(total);
  let at = 0;
  return orderedTrieRoot(encodings.map((e) => {
    e.write(buf, at);
    return buf.subarray(at, (at += e.size));
  }));
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

/** Zero blooms of receipts without logs. */
const emptyBlooms = new ByteChunks();

/** The bloom of a transaction's logs (an array of its own). */
export function logsBloomOf(logs: Log[]): Uint8Array {
  if (logs.length === 0) return emptyBlooms.zeroed(256); // each receipt its own, none a backing store of its own
  return logsParts.get(logs)?.bloom ?? logsBloom(logs);
}

const NO_BLOOM = new Uint8Array(256);

/** The bloom of a transaction's logs, to read only (no copy for a transaction without logs). */
export function logsBloomView(logs: Log[]): Uint8Array {
  return logs.length === 0 ? NO_BLOOM : logsBloomOf(logs);
}
