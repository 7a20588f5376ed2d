// A block's transactions in one SharedArrayBuffer, written once by the executor and
// read in place by every worker, each decoding only the transactions it touches.
// Posting the Tx objects instead costs a structured clone per worker per block (four
// or more ArrayBuffers per transaction): on a busy block, milliseconds of the main
// thread's time, before any worker can start.
//
// Layout: word 0 the count, then per transaction the byte offset of its record; the
// records follow. A record: type, flags (F_*), sender (20 bytes), to (20, if
// present), the numbers (a length byte, then minimal big-endian bytes), data (u32
// length, bytes), access list, blob hashes, authorizations (u32 counts).

import type { AccessListEntry, Authorization, Tx } from '../evm/types.js';
import { Reader, Writer } from './binary.js';

const F_TO = 1;
const F_GAS_PRICE = 2;
const F_MAX_FEE = 4;
const F_MAX_PRIORITY_FEE = 8;
const F_MAX_BLOB_FEE = 16;
const F_BLOB_HASHES = 32;
const F_AUTHORIZATIONS = 64;

/** Encodes `txs` (only the Tx fields: what execution reads). */
export function encodeTxs(txs: Tx[]): SharedArrayBuffer {
  const w = new Writer(4 + 4 * txs.length + 256 * txs.length);
  w.u32(txs.length);
  w.at = 4 + 4 * txs.length;
  const offsets: number[] = [];
  for (const tx of txs) {
    offsets.push(w.at);
    const flags = (tx.to !== null ? F_TO : 0) | (tx.gasPrice !== undefined ? F_GAS_PRICE : 0) | (tx.maxFeePerGas !== undefined ? F_MAX_FEE : 0) |
      (tx.maxPriorityFeePerGas !== undefined ? F_MAX_PRIORITY_FEE : 0) | (tx.maxFeePerBlobGas !== undefined ? F_MAX_BLOB_FEE : 0) |
      (tx.blobVersionedHashes !== undefined ? F_BLOB_HASHES : 0) | (tx.authorizationList !== undefined ? F_AUTHORIZATIONS : 0);
    w.u8(tx.type);
    w.u8(flags);
    w.bytes(tx.sender);
    if (tx.to !== null) w.bytes(tx.to);
    w.num(tx.nonce);
    w.num(tx.gasLimit);
    w.num(tx.value);
    if (tx.gasPrice !== undefined) w.num(tx.gasPrice);
    if (tx.maxFeePerGas !== undefined) w.num(tx.maxFeePerGas);
    if (tx.maxPriorityFeePerGas !== undefined) w.num(tx.maxPriorityFeePerGas);
    if (tx.maxFeePerBlobGas !== undefined) w.num(tx.maxFeePerBlobGas);
    w.blob(tx.data);
    w.u32(tx.accessList.length);
    for (const e of tx.accessList) {
      w.bytes(e.address);
      w.u32(e.storageKeys.length);
      for (const k of e.storageKeys) w.bytes(k);
    }
    if (tx.blobVersionedHashes !== undefined) {
      w.u32(tx.blobVersionedHashes.length);
      for (const h of tx.blobVersionedHashes) w.bytes(h);
    }
    if (tx.authorizationList !== undefined) {
      w.u32(tx.authorizationList.length);
      for (const a of tx.authorizationList) {
        w.num(a.chainId);
        w.bytes(a.address);
        w.num(a.nonce);
        w.num(a.yParity);
        w.num(a.r);
        w.num(a.s);
      }
    }
  }
  const out = w.finish(true) as SharedArrayBuffer;
  const dv = new DataView(out);
  offsets.forEach((o, i) => dv.setUint32(4 + 4 * i, o, true));
  return out;
}

/**
 * The transactions of an encoded block, each decoded on first use. Their byte fields
 * are views of the shared buffer, not copies: it is the block's own, written once
 * before any worker reads it and never reused, and a copy of more than 64 bytes (call
 * data) is a backing store of its own for the collector to free.
 */
export class TxList {
  readonly length: number;
  private readonly r: Reader;
  private readonly cache: (Tx | undefined)[];

  constructor(buffer: SharedArrayBuffer) {
    this.r = new Reader(buffer);
    this.length = this.r.dv.getUint32(0, true);
    this.cache = new Array(this.length);
  }

  get(i: number): Tx {
    return (this.cache[i] ??= this.decode(i));
  }

  private decode(i: number): Tx {
    const r = this.r;
    r.p = r.dv.getUint32(4 + 4 * i, true);
    const type = r.u8v() as Tx['type'];
    const flags = r.u8v();
    const sender = r.view(20);
    const to = flags & F_TO ? r.view(20) : null;
    const tx: Tx = { type, sender, to, nonce: r.num(), gasLimit: r.num(), value: r.num(), data: EMPTY, accessList: NO_ACCESS_LIST };
    if (flags & F_GAS_PRICE) tx.gasPrice = r.num();
    if (flags & F_MAX_FEE) tx.maxFeePerGas = r.num();
    if (flags & F_MAX_PRIORITY_FEE) tx.maxPriorityFeePerGas = r.num();
    if (flags & F_MAX_BLOB_FEE) tx.maxFeePerBlobGas = r.num();
    // Nothing for what is empty: a view of no bytes of the shared buffer, and an empty
    // list, were most of a plain transfer's decoding (1.2 -> 0.2 us each).
    const dataLength = r.u32();
    tx.data = dataLength === 0 ? EMPTY : r.view(dataLength);
    const entries = r.u32();
    if (entries > 0) {
      const accessList: AccessListEntry[] = [];
      for (let n = entries; n > 0; n--) {
        const address = r.view(20);
        const storageKeys: Uint8Array[] = [];
        for (let k = r.u32(); k > 0; k--) storageKeys.push(r.view(32));
        accessList.push({ address, storageKeys });
      }
      tx.accessList = accessList;
    }
    if (flags & F_BLOB_HASHES) {
      const hashes: Uint8Array[] = [];
      for (let n = r.u32(); n > 0; n--) hashes.push(r.view(32));
      tx.blobVersionedHashes = hashes;
    }
    if (flags & F_AUTHORIZATIONS) {
      const list: Authorization[] = [];
      for (let n = r.u32(); n > 0; n--) {
        list.push({ chainId: r.num(), address: r.view(20), nonce: r.num(), yParity: r.num(), r: r.num(), s: r.num() });
      }
      tx.authorizationList = list;
    }
    return tx;
  }
}

const EMPTY = new Uint8Array(0);
/** The access list of every transaction without one (frozen: a decoded transaction is read, never changed). */
const NO_ACCESS_LIST = Object.freeze([]) as unknown as AccessListEntry[];
