// Transaction receipts (Yellow Paper, section 4.3.1; EIP-658 status; EIP-2718 typed
// envelopes) and the receipts root.

import { orderedTrieRoot, rlpHeaderSize, stringSize, stringSizeAt, writeRlpHeader, writeString, writeStringAt } from '../state/trie.js';
import { LogBuffer, logBufferOf, logsBloom, logsPayload, putLogs, writeLogs, type Log } from '../state/logs.js';
import { ByteChunks } from '../util/chunks.js';
import { bigintToMinimalBytes, writeSafeIntBytes } from '../util/hex.js';

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

/** A receipt's first field from Byzantium (EIP-658): RLP's 1 and empty string. */
export const STATUS_OK = Uint8Array.of(1);
export const STATUS_FAILED = new Uint8Array(0);
const NO_LOGS = Uint8Array.of(0xc0);

/** RLP([status or post-state root, cumulative gas, bloom, logs]), behind the type byte for typed transactions. */
export function encodeReceipt(r: Receipt): Uint8Array {
  const e = ReceiptEncoding.of(r);
  const out = new Uint8Array(e.size);
  e.write(out, 0);
  return out;
}

/**
 * A receipt's encoding, measured before it is written (into a buffer of the caller's).
 * One instance can measure receipt after receipt (set): the parallel commit's receipt
 * feed encodes one per transaction without an object of its own for each.
 */
export class ReceiptEncoding {
  private type = 0;
  private first: Uint8Array = STATUS_FAILED;
  /** The cumulative gas's minimal big-endian bytes: gas[0..gasLength). */
  private gas = new Uint8Array(32);
  private gasLength = 0;
  private bloom: Uint8Array = NO_BLOOM;
  /** The logs' encoding when it was handed over (rememberLogsParts), else written from the logs. */
  private logs: Uint8Array | undefined;
  /** Where they are written from the interpreter's bytes (undecoded: see LogBuffer). */
  private logBuffer: LogBuffer | undefined;
  /** Where they are written from Log objects. */
  private logList: Log[] = [];
  /** The logs list's payload (logsPayload), when it is written from the logs. */
  private logsPayload = 0;
  private payload = 0;
  /** Bytes of the encoding. */
  size = 0;

  static of(r: Receipt): ReceiptEncoding {
    return new ReceiptEncoding().set(r.type, r.postState ?? (r.status === 1 ? STATUS_OK : STATUS_FAILED), r.cumulativeGasUsed, r.logsBloom, r);
  }

  /** Measures the receipt of these fields, its logs those of `withLogs` (a receipt or a result). */
  set(type: number, first: Uint8Array, cumulativeGasUsed: bigint, logsBloom: Uint8Array, withLogs: HasLogs): this {
    this.type = type;
    this.first = first;
    this.gasLength = minimalBytesInto(cumulativeGasUsed, this.gas);
    this.bloom = logsBloom;
    const buffer = logBufferOf(withLogs);
    const count = buffer?.count ?? withLogs.logs.length;
    this.logs = count === 0 ? NO_LOGS : partsOf(buffer ?? withLogs.logs)?.encoded;
    this.logBuffer = this.logs === undefined ? buffer : undefined;
    this.logList = this.logs === undefined && buffer === undefined ? withLogs.logs : NO_LOG_LIST;
    this.logsPayload = this.logs !== undefined ? 0 : this.logBuffer !== undefined ? this.logBuffer.payload() : logsPayload(this.logList);
    const logsSize = this.logs === undefined ? rlpHeaderSize(this.logsPayload) + this.logsPayload : this.logs.length;
    this.payload = stringSize(this.first) + stringSizeAt(this.gas, 0, this.gasLength) + stringSize(this.bloom) + logsSize;
    this.size = (type === 0 ? 0 : 1) + rlpHeaderSize(this.payload) + this.payload;
    return this;
  }

  /** Writes the encoding at out[at] (size bytes): the logs straight from them, no array of their own. */
  write(out: Uint8Array, at: number): void {
    if (this.type !== 0) out[at++] = this.type;
    let o = writeRlpHeader(out, at, this.payload, 0xc0);
    o = writeString(out, o, this.first);
    o = writeStringAt(out, o, this.gas, 0, this.gasLength);
    o = writeString(out, o, this.bloom);
    if (this.logs !== undefined) out.set(this.logs, o);
    else if (this.logBuffer !== undefined) this.logBuffer.write(out, o, this.logsPayload);
    else writeLogs(out, o, this.logList, this.logsPayload);
  }
}

const NO_LOG_LIST: Log[] = [];

/** The minimal big-endian bytes of `n` (at most 32) into out[0...]; returns their count (0 for zero). */
function minimalBytesInto(n: bigint, out: Uint8Array): number {
  if (n <= MAX_SAFE) return writeSafeIntBytes(out, 0, Number(n)); // a block's gas
  const b = bigintToMinimalBytes(n);
  if (b.length > out.length) throw new RangeError(`receipt: cumulative gas ${n} is over 32 bytes`);
  out.set(b);
  return b.length;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function receiptsRoot(receipts: Receipt[]): Uint8Array {
  // All encodings in one buffer, each leaf a view of it: an encoding (a few hundred
  // bytes, the bloom's 256 among them) in an array of its own is a backing store for
  // the collector to free, one per transaction.
  const encodings = receipts.map((r) => ReceiptEncoding.of(r));
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
