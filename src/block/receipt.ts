// Transaction receipts (Yellow Paper, section 4.3.1; EIP-658 status; EIP-2718 typed
// envelopes) and the receipts root.

import { orderedTrieRoot, rlpHeaderSize, stringSize, writeRlpHeader, writeString } from '../state/trie.js';
import { LogBuffer, logBufferOf, logsBloom, logsPayload, putLogs, writeLogs, type Log } from '../state/logs.js';
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
  /** Where they are written from the interpreter's bytes (undecoded: see LogBuffer). */
  private readonly logBuffer: LogBuffer | undefined;
  /** The logs list's payload (logsPayload), when it is written from the logs. */
  private readonly logsPayload: number;
  private readonly payload: number;
  /** Bytes of the encoding. */
  readonly size: number;

  constructor(private readonly r: Receipt) {
    this.first = r.postState ?? (r.status === 1 ? STATUS_OK : STATUS_FAILED);
    this.gas = bigintToMinimalBytes(r.cumulativeGasUsed);
    const buffer = logBufferOf(r);
    this.logs = (buffer?.count ?? r.logs.length) === 0 ? NO_LOGS : partsOf(buffer ?? r.logs)?.encoded;
    this.logBuffer = this.logs === undefined ? buffer : undefined;
    this.logsPayload = this.logs !== undefined ? 0 : this.logBuffer !== undefined ? this.logBuffer.payload() : logsPayload(r.logs);
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
    else if (this.logBuffer !== undefined) this.logBuffer.write(out, o, this.logsPayload);
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
 * workers, in parallel), by list (logsIdentity): both are functions of the logs alone,
 * so whoever computed them, the receipt is the same. Logs in a LogBuffer (all that
 * workers hand over) keep theirs on it (knownParts); this map holds those of arrays.
 */
const logsParts = new WeakMap<object, { bloom: Uint8Array; encoded: Uint8Array }>();

/** The bloom and encoding handed over for the logs `id` (logsIdentity), if any. */
function partsOf(id: object): { bloom: Uint8Array; encoded: Uint8Array } | undefined {
  return id instanceof LogBuffer ? id.knownParts ?? undefined : logsParts.get(id);
}

type HasLogs = { logs: Log[] };

/** What stands for the logs of `o` (a result, a receipt): their LogBuffer while they are undecoded in one, else the array. */
export function logsIdentity(o: HasLogs): object {
  return logBufferOf(o) ?? o.logs;
}

/** The number of logs of `o`, without decoding them. */
export function logsCount(o: HasLogs): number {
  return logBufferOf(o)?.count ?? o.logs.length;
}

/** Hands over the bloom and encoding (encodeLogs) of the logs of `o`, computed elsewhere. */
export function rememberLogsParts(o: HasLogs, bloom: Uint8Array, encoded: Uint8Array): void {
  if (logsCount(o) === 0) return;
  const id = logsIdentity(o);
  if (id instanceof LogBuffer) id.knownParts = { bloom, encoded };
  else logsParts.set(id, { bloom, encoded });
}

/**
 * The receipt of `result` (its status or post-state root left to the caller), with the
 * result's logs, the same list (undecoded while nobody reads it), and `logsBloom`.
 */
export function receiptOf(type: number, cumulativeGasUsed: bigint, result: HasLogs, logsBloom: Uint8Array): Receipt {
  const receipt = { type, cumulativeGasUsed } as Receipt;
  putLogs(receipt, logBufferOf(result) ?? result.logs);
  receipt.logsBloom = logsBloom;
  return receipt;
}

/** Zero blooms of receipts without logs. */
const emptyBlooms = new ByteChunks();

/** The bloom of the logs of `o` (an array of its own). */
export function logsBloomOf(o: HasLogs): Uint8Array {
  const buffer = logBufferOf(o);
  if (buffer !== undefined) return partsOf(buffer)?.bloom ?? buffer.bloom();
  const logs = o.logs;
  if (logs.length === 0) return emptyBlooms.zeroed(256); // each receipt its own, none a backing store of its own
  return partsOf(logs)?.bloom ?? logsBloom(logs);
}

const NO_BLOOM = new Uint8Array(256);

/** The bloom of the logs of `o`, to read only (no copy without logs). */
export function logsBloomView(o: HasLogs): Uint8Array {
  return logsCount(o) === 0 ? NO_BLOOM : logsBloomOf(o);
}
