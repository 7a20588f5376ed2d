// Transactions from and to their RLP encodings: legacy (with or without EIP-155
// replay protection), EIP-2930 (type 1), EIP-1559 (type 2), EIP-4844 (type 3,
// without the network wrapper of blobs and proofs) and EIP-7702 (type 4), with sender
// recovery. (Authorization signers are recovered by execution, not here.)
//
// Decoding is strict: canonical RLP (the decoder rejects non-minimal lengths and
// trailing bytes), integers without leading zero bytes and within their width,
// addresses of 20 bytes and hashes of 32. Every error is an InputError whose message
// starts with an execution-spec-tests exception name ("RLP_STRUCTURES_ENCODING: ...",
// "RLP_INVALID_ADDRESS: ...", "INVALID_SIGNATURE: ...") so callers can match it.

import { RLP } from '@ethereumjs/rlp';
import { keccak_256 } from '@noble/hashes/sha3.js';
import type { AccessListEntry, Authorization, Tx } from '../evm/types.js';
import { InputError, bigintToMinimalBytes, bytesToBigint, concatBytes } from '../util/hex.js';
import { recoverAddress } from './signature.js';

/** A decoded RLP item: a byte string or a list of items. */
export type RlpItem = Uint8Array | RlpItem[];

/** A transaction's fields without the sender: what is signed, plus the chain id. */
export type UnsignedTx = Omit<Tx, 'sender'> & {
  /** Typed transactions and EIP-155 legacy ones; null for a legacy transaction without replay protection. */
  chainId: bigint | null;
};

export interface TxSignature {
  /** Legacy: v as encoded (27/28, or chainId * 2 + 35/36). Typed: the y parity (0 or 1). */
  v: bigint;
  r: bigint;
  s: bigint;
}

/** A transaction with its signature, recovered sender, encoding and hash. */
export interface SignedTx extends Tx, TxSignature {
  chainId: bigint | null;
  /** The y parity of the signature (0 or 1). */
  yParity: number;
  /** Canonical encoding: the RLP list for legacy, type byte || RLP payload for typed (the transactions-trie value). */
  encoded: Uint8Array;
  /** keccak256(encoded). */
  hash: Uint8Array;
}

// --- strict RLP field readers (shared with block decoding) ---

/** RLP-decodes exactly one item covering all of `bytes`. */
export function rlpDecode(bytes: Uint8Array, what: string): RlpItem {
  try {
    return RLP.decode(bytes) as RlpItem;
  } catch (e) {
    throw new InputError(`RLP_STRUCTURES_ENCODING: ${what}: ${(e as Error).message}`);
  }
}

export function rlpList(item: RlpItem | undefined, what: string, lengths?: number | number[]): RlpItem[] {
  if (item === undefined) throw new InputError(`RLP_STRUCTURES_ENCODING: ${what}: missing`);
  if (!Array.isArray(item)) throw new InputError(`RLP_STRUCTURES_ENCODING: ${what}: expected a list, got a byte string`);
  if (lengths !== undefined) {
    const ok = typeof lengths === 'number' ? item.length === lengths : lengths.includes(item.length);
    if (!ok) throw new InputError(`RLP_STRUCTURES_ENCODING: ${what}: expected ${typeof lengths === 'number' ? lengths : lengths.join(' or ')} fields, got ${item.length}`);
  }
  return item;
}

export function rlpBytes(item: RlpItem | undefined, what: string): Uint8Array {
  if (item === undefined) throw new InputError(`RLP_STRUCTURES_ENCODING: ${what}: missing`);
  if (Array.isArray(item)) throw new InputError(`RLP_STRUCTURES_ENCODING: ${what}: expected a byte string, got a list`);
  return item;
}

/** A byte string of exactly `len` bytes (a hash, a bloom, a header nonce). */
export function rlpFixed(item: RlpItem | undefined, len: number, what: string): Uint8Array {
  const b = rlpBytes(item, what);
  if (b.length !== len) throw new InputError(`RLP_STRUCTURES_ENCODING: ${what}: expected ${len} bytes, got ${b.length}`);
  return b;
}

export function rlpAddress(item: RlpItem | undefined, what: string): Uint8Array {
  const b = rlpBytes(item, what);
  if (b.length !== 20) throw new InputError(`RLP_INVALID_ADDRESS: ${what}: expected 20 bytes, got ${b.length}`);
  return b;
}

/** An unsigned integer: minimal big-endian bytes (no leading zero), at most `bits` wide. */
export function rlpInt(item: RlpItem | undefined, bits: number, what: string): bigint {
  const b = rlpBytes(item, what);
  if (b.length > 0 && b[0] === 0) throw new InputError(`RLP_STRUCTURES_ENCODING: ${what}: integer with leading zero bytes`);
  if (b.length * 8 > bits) {
    const code = bits === 64 ? 'RLP_INVALID_FIELD_OVERFLOW_64' : 'RLP_STRUCTURES_ENCODING';
    throw new InputError(`${code}: ${what}: ${b.length} bytes do not fit in ${bits} bits`);
  }
  return bytesToBigint(b);
}

// --- transactions ---

/** Decodes a transaction from its canonical encoding (RLP list, or type byte || payload) and recovers the sender. */
export function decodeTx(bytes: Uint8Array, what = 'transaction'): SignedTx {
  if (bytes.length === 0) throw new InputError(`RLP_STRUCTURES_ENCODING: ${what}: empty`);
  if (bytes[0] >= 0xc0) return decodeLegacy(rlpList(rlpDecode(bytes, what), what), bytes, what);
  if (bytes[0] > 0x7f) throw new InputError(`RLP_STRUCTURES_ENCODING: ${what}: neither an RLP list nor a typed transaction (first byte 0x${bytes[0].toString(16)})`);
  return decodeTyped(bytes, what);
}

/** Decodes a transaction as a block body holds it: a list (legacy) or a byte string holding type || payload. */
export function decodeTxItem(item: RlpItem, what = 'transaction'): SignedTx {
  if (Array.isArray(item)) return decodeLegacy(item, RLP.encode(item as Uint8Array[]), what);
  if (item.length === 0 || item[0] > 0x7f) throw new InputError(`RLP_STRUCTURES_ENCODING: ${what}: a byte string that is not a typed transaction`);
  return decodeTyped(item, what);
}

function decodeLegacy(f: RlpItem[], encoded: Uint8Array, what: string): SignedTx {
  rlpList(f, what, 9);
  const v = rlpInt(f[6], 256, `${what}.v`);
  let chainId: bigint | null = null;
  let yParity: number;
  if (v === 27n || v === 28n) yParity = Number(v - 27n);
  else if (v >= 35n) {
    chainId = (v - 35n) >> 1n;
    yParity = Number((v - 35n) & 1n);
  } else throw new InputError(`INVALID_SIGNATURE: ${what}.v: ${v} is neither 27/28 nor EIP-155 (chainId * 2 + 35/36)`);
  const tx: UnsignedTx = {
    type: 0,
    chainId,
    nonce: rlpInt(f[0], 64, `${what}.nonce`),
    gasPrice: rlpInt(f[1], 256, `${what}.gasPrice`),
    gasLimit: rlpInt(f[2], 64, `${what}.gasLimit`),
    to: toField(f[3], `${what}.to`),
    value: rlpInt(f[4], 256, `${what}.value`),
    data: rlpBytes(f[5], `${what}.data`),
    accessList: [],
  };
  return finish(tx, { v, r: rlpInt(f[7], 256, `${what}.r`), s: rlpInt(f[8], 256, `${what}.s`) }, yParity, encoded, what);
}

const TYPED_FIELDS: Record<number, number> = { 1: 11, 2: 12, 3: 14, 4: 13 };

function decodeTyped(bytes: Uint8Array, what: string): SignedTx {
  const type = bytes[0];
  if (TYPED_FIELDS[type] === undefined) throw new InputError(`TYPE_NOT_SUPPORTED: ${what}: transaction type ${type}`);
  const f = rlpList(rlpDecode(bytes.subarray(1), what), what, TYPED_FIELDS[type]);
  const w = (name: string) => `${what}.${name}`;
  const chainId = rlpInt(f[0], 256, w('chainId'));
  const nonce = rlpInt(f[1], 64, w('nonce'));
  let i = 2;
  const tx: UnsignedTx = { type: type as 1 | 2 | 3 | 4, chainId, nonce, gasLimit: 0n, to: null, value: 0n, data: new Uint8Array(0), accessList: [] };
  if (type === 1) tx.gasPrice = rlpInt(f[i++], 256, w('gasPrice'));
  else {
    tx.maxPriorityFeePerGas = rlpInt(f[i++], 256, w('maxPriorityFeePerGas'));
    tx.maxFeePerGas = rlpInt(f[i++], 256, w('maxFeePerGas'));
  }
  tx.gasLimit = rlpInt(f[i++], 64, w('gasLimit'));
  // Blob and set-code transactions cannot create contracts: `to` is an address (EIP-4844,
  // EIP-7702); an empty one, the creation form, is named for what it attempts.
  if (type >= 3) {
    const to = rlpBytes(f[i], w('to'));
    if (to.length === 0) throw new InputError(`TYPE_${type}_TX_CONTRACT_CREATION: ${w('to')}: a type ${type} transaction cannot create a contract`);
    tx.to = rlpAddress(f[i++], w('to'));
  } else tx.to = toField(f[i++], w('to'));
  tx.value = rlpInt(f[i++], 256, w('value'));
  tx.data = rlpBytes(f[i++], w('data'));
  tx.accessList = accessListField(f[i++], w('accessList'));
  if (type === 3) {
    tx.maxFeePerBlobGas = rlpInt(f[i++], 256, w('maxFeePerBlobGas'));
    tx.blobVersionedHashes = rlpList(f[i++], w('blobVersionedHashes')).map((h, j) => rlpFixed(h, 32, `${w('blobVersionedHashes')}[${j}]`));
  }
  if (type === 4) tx.authorizationList = rlpList(f[i++], w('authorizationList')).map((a, j) => authorizationField(a, `${w('authorizationList')}[${j}]`));
  const v = rlpInt(f[i++], 256, w('yParity'));
  if (v > 1n) throw new InputError(`INVALID_SIGNATURE: ${w('yParity')}: ${v} is not 0 or 1`);
  return finish(tx, { v, r: rlpInt(f[i++], 256, w('r')), s: rlpInt(f[i++], 256, w('s')) }, Number(v), bytes.slice(), what);
}

function toField(item: RlpItem | undefined, what: string): Uint8Array | null {
  const b = rlpBytes(item, what);
  if (b.length === 0) return null;
  if (b.length !== 20) throw new InputError(`RLP_INVALID_ADDRESS: ${what}: expected 20 bytes or empty, got ${b.length}`);
  return b;
}

function accessListField(item: RlpItem | undefined, what: string): AccessListEntry[] {
  return rlpList(item, what).map((e, j) => {
    const where = `${what}[${j}]`;
    const pair = rlpList(e, where, 2);
    return {
      address: rlpAddress(pair[0], `${where}.address`),
      storageKeys: rlpList(pair[1], `${where}.storageKeys`).map((k, n) => rlpFixed(k, 32, `${where}.storageKeys[${n}]`)),
    };
  });
}

function authorizationField(item: RlpItem, what: string): Authorization {
  const f = rlpList(item, what, 6);
  return {
    chainId: rlpInt(f[0], 256, `${what}.chainId`),
    address: rlpAddress(f[1], `${what}.address`),
    nonce: rlpInt(f[2], 64, `${what}.nonce`),
    yParity: rlpInt(f[3], 8, `${what}.yParity`),
    r: rlpInt(f[4], 256, `${what}.r`),
    s: rlpInt(f[5], 256, `${what}.s`),
  };
}

function finish(tx: UnsignedTx, sig: TxSignature, yParity: number, encoded: Uint8Array, what: string): SignedTx {
  let sender: Uint8Array;
  try {
    sender = recoverAddress(signingHash(tx), sig.r, sig.s, yParity);
  } catch (e) {
    throw new InputError(`${(e as Error).message} (${what})`);
  }
  return { ...tx, ...sig, yParity, sender, encoded, hash: keccak_256(encoded) };
}

// --- encoding ---

type Encodable = Uint8Array | Encodable[];

function fieldsOf(tx: UnsignedTx): Encodable[] {
  const n = bigintToMinimalBytes;
  const to = tx.to ?? new Uint8Array(0);
  const access: Encodable[] = tx.accessList.map((e) => [e.address, e.storageKeys]);
  switch (tx.type) {
    case 0:
      return [n(tx.nonce), n(need(tx.gasPrice, 'gasPrice')), n(tx.gasLimit), to, n(tx.value), tx.data];
    case 1:
      return [n(needChain(tx)), n(tx.nonce), n(need(tx.gasPrice, 'gasPrice')), n(tx.gasLimit), to, n(tx.value), tx.data, access];
    case 2:
    case 3:
    case 4: {
      const f: Encodable[] = [n(needChain(tx)), n(tx.nonce), n(need(tx.maxPriorityFeePerGas, 'maxPriorityFeePerGas')),
        n(need(tx.maxFeePerGas, 'maxFeePerGas')), n(tx.gasLimit), to, n(tx.value), tx.data, access];
      if (tx.type === 3) f.push(n(need(tx.maxFeePerBlobGas, 'maxFeePerBlobGas')), need(tx.blobVersionedHashes, 'blobVersionedHashes'));
      if (tx.type === 4) {
        f.push(need(tx.authorizationList, 'authorizationList').map((a) => [n(a.chainId), a.address, n(a.nonce), n(a.yParity), n(a.r), n(a.s)]));
      }
      return f;
    }
  }
}

function need<T>(v: T | undefined, field: string): T {
  if (v === undefined) throw new InputError(`transaction: ${field} missing`);
  return v;
}

function needChain(tx: UnsignedTx): bigint {
  if (tx.chainId === null) throw new InputError(`transaction: type ${tx.type} needs a chain id`);
  return tx.chainId;
}

/** The hash a sender signs: keccak256 of the unsigned fields (legacy: with EIP-155's chainId, 0, 0 when it has a chain id). */
export function signingHash(tx: UnsignedTx): Uint8Array {
  const f = fieldsOf(tx);
  if (tx.type === 0) {
    if (tx.chainId !== null) f.push(bigintToMinimalBytes(tx.chainId), new Uint8Array(0), new Uint8Array(0));
    return keccak_256(RLP.encode(f as Uint8Array[]));
  }
  return keccak_256(concatBytes(Uint8Array.of(tx.type), RLP.encode(f as Uint8Array[])));
}

/** The canonical encoding of a signed transaction (legacy: `v` as given; typed: `v` is the y parity). */
export function encodeTx(tx: UnsignedTx & TxSignature): Uint8Array {
  const f = fieldsOf(tx);
  f.push(bigintToMinimalBytes(tx.v), bigintToMinimalBytes(tx.r), bigintToMinimalBytes(tx.s));
  const body = RLP.encode(f as Uint8Array[]);
  return tx.type === 0 ? body : concatBytes(Uint8Array.of(tx.type), body);
}
