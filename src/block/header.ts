// Block headers (Yellow Paper, section 4.3, plus the fields later forks appended):
// RLP decoding and encoding, the block hash, and reading them from JSON in both the
// ethereum/tests names (coinbase, bloom, receiptTrie, uncleHash, ...) and the JSON-RPC
// names (miner, logsBloom, receiptsRoot, sha3Uncles, ...).

import { RLP } from '@ethereumjs/rlp';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { InputError, bigintToMinimalBytes, hexToBytes, hexToFixed, parseQuantity } from '../util/hex.js';
import { rlpAddress, rlpBytes, rlpFixed, rlpInt, rlpList, type RlpItem } from '../tx/decode.js';

export interface BlockHeader {
  parentHash: Uint8Array;
  /** keccak256 of the RLP list of uncle headers. */
  ommersHash: Uint8Array;
  coinbase: Uint8Array;
  stateRoot: Uint8Array;
  transactionsRoot: Uint8Array;
  receiptsRoot: Uint8Array;
  logsBloom: Uint8Array;
  difficulty: bigint;
  number: bigint;
  gasLimit: bigint;
  gasUsed: bigint;
  timestamp: bigint;
  extraData: Uint8Array;
  /** PoW mix hash; PREVRANDAO from Paris on (EIP-4399). */
  mixHash: Uint8Array;
  /** 8 bytes. */
  nonce: Uint8Array;
  /** EIP-1559 (London on). */
  baseFeePerGas?: bigint;
  /** EIP-4895 (Shanghai on). */
  withdrawalsRoot?: Uint8Array;
  /** EIP-4844 (Cancun on). */
  blobGasUsed?: bigint;
  excessBlobGas?: bigint;
  /** EIP-4788 (Cancun on). */
  parentBeaconBlockRoot?: Uint8Array;
  /** EIP-7685 (Prague on). */
  requestsHash?: Uint8Array;
}

/** The optional trailing fields in header order; a header has a prefix of them. */
const OPTIONAL = ['baseFeePerGas', 'withdrawalsRoot', 'blobGasUsed', 'excessBlobGas', 'parentBeaconBlockRoot', 'requestsHash'] as const;

/** keccak256(RLP([])): the ommers hash of a block without uncles. */
export const EMPTY_OMMERS_HASH: Uint8Array = keccak_256(Uint8Array.of(0xc0));

/** Reads a header from its RLP list (15 to 21 fields). */
export function decodeHeader(item: RlpItem, what = 'header'): BlockHeader {
  const f = rlpList(item, what);
  if (f.length < 15 || f.length > 15 + OPTIONAL.length) throw new InputError(`RLP_STRUCTURES_ENCODING: ${what}: ${f.length} fields, expected 15 to ${15 + OPTIONAL.length}`);
  const w = (n: string) => `${what}.${n}`;
  const h: BlockHeader = {
    parentHash: rlpFixed(f[0], 32, w('parentHash')),
    ommersHash: rlpFixed(f[1], 32, w('ommersHash')),
    coinbase: rlpAddress(f[2], w('coinbase')),
    stateRoot: rlpFixed(f[3], 32, w('stateRoot')),
    transactionsRoot: rlpFixed(f[4], 32, w('transactionsRoot')),
    receiptsRoot: rlpFixed(f[5], 32, w('receiptsRoot')),
    logsBloom: rlpFixed(f[6], 256, w('logsBloom')),
    difficulty: rlpInt(f[7], 256, w('difficulty')),
    number: rlpInt(f[8], 64, w('number')),
    gasLimit: rlpInt(f[9], 64, w('gasLimit')),
    gasUsed: rlpInt(f[10], 64, w('gasUsed')),
    timestamp: rlpInt(f[11], 64, w('timestamp')),
    extraData: rlpBytes(f[12], w('extraData')),
    mixHash: rlpFixed(f[13], 32, w('mixHash')),
    nonce: rlpFixed(f[14], 8, w('nonce')),
  };
  if (f.length > 15) h.baseFeePerGas = rlpInt(f[15], 256, w('baseFeePerGas'));
  if (f.length > 16) h.withdrawalsRoot = rlpFixed(f[16], 32, w('withdrawalsRoot'));
  if (f.length > 17) h.blobGasUsed = rlpInt(f[17], 64, w('blobGasUsed'));
  if (f.length > 18) h.excessBlobGas = rlpInt(f[18], 64, w('excessBlobGas'));
  if (f.length > 19) h.parentBeaconBlockRoot = rlpFixed(f[19], 32, w('parentBeaconBlockRoot'));
  if (f.length > 20) h.requestsHash = rlpFixed(f[20], 32, w('requestsHash'));
  return h;
}

/** The header's RLP fields (for encoding, and for embedding uncles in a block). */
export function headerFields(h: BlockHeader): Uint8Array[] {
  const n = bigintToMinimalBytes;
  const f: Uint8Array[] = [h.parentHash, h.ommersHash, h.coinbase, h.stateRoot, h.transactionsRoot, h.receiptsRoot, h.logsBloom,
    n(h.difficulty), n(h.number), n(h.gasLimit), n(h.gasUsed), n(h.timestamp), h.extraData, h.mixHash, h.nonce];
  // Trailing fields form a prefix: stop at the first absent one (a gap cannot be encoded).
  for (const k of OPTIONAL) {
    const v = h[k];
    if (v === undefined) break;
    f.push(typeof v === 'bigint' ? n(v) : v);
  }
  return f;
}

export function encodeHeader(h: BlockHeader): Uint8Array {
  return RLP.encode(headerFields(h));
}

/** The block hash: keccak256 of the RLP of the header. */
export function headerHash(h: BlockHeader): Uint8Array {
  return keccak_256(encodeHeader(h));
}

/**
 * Reads a header from JSON, accepting the ethereum/tests field names and the JSON-RPC
 * ones. With `partial`, hashes and roots that are missing read as zero (mainnet
 * fixtures carry only what execution needs); otherwise every pre-London field is required.
 */
export function headerFromJSON(raw: unknown, what: string, partial = false): BlockHeader {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError(`${what}: expected an object`);
  const o = raw as Record<string, unknown>;
  const get = (...names: string[]): unknown => {
    for (const n of names) if (o[n] !== undefined) return o[n];
    return undefined;
  };
  const field = (names: string[], zero: () => unknown) => {
    const v = get(...names);
    if (v !== undefined) return v;
    if (partial) return zero();
    throw new InputError(`${what}.${names[0]}: missing`);
  };
  const hash = (...names: string[]) => hexToFixed(field(names, () => '0x' + '00'.repeat(32)), 32, `${what}.${names[0]}`);
  const qty = (bits: number, ...names: string[]) => parseQuantity(field(names, () => '0x0'), `${what}.${names[0]}`, bits);
  const optQty = (name: string, bits = 256) => (o[name] === undefined ? undefined : parseQuantity(o[name], `${what}.${name}`, bits));
  const optHash = (name: string) => (o[name] === undefined ? undefined : hexToFixed(o[name], 32, `${what}.${name}`));
  const h: BlockHeader = {
    parentHash: hash('parentHash'),
    ommersHash: hash('uncleHash', 'sha3Uncles', 'ommersHash'),
    coinbase: hexToFixed(field(['coinbase', 'miner', 'author'], () => '0x' + '00'.repeat(20)), 20, `${what}.coinbase`),
    stateRoot: hash('stateRoot'),
    transactionsRoot: hash('transactionsTrie', 'transactionsRoot'),
    receiptsRoot: hash('receiptTrie', 'receiptsRoot'),
    logsBloom: hexToFixed(field(['bloom', 'logsBloom'], () => '0x' + '00'.repeat(256)), 256, `${what}.logsBloom`),
    difficulty: qty(256, 'difficulty'),
    number: qty(64, 'number'),
    gasLimit: qty(64, 'gasLimit'),
    gasUsed: qty(64, 'gasUsed'),
    timestamp: qty(64, 'timestamp'),
    extraData: hexToBytes(field(['extraData'], () => '0x'), `${what}.extraData`),
    mixHash: hash('mixHash', 'prevRandao'),
    nonce: hexToFixed(field(['nonce'], () => '0x0000000000000000'), 8, `${what}.nonce`),
    baseFeePerGas: optQty('baseFeePerGas'),
    withdrawalsRoot: optHash('withdrawalsRoot'),
    blobGasUsed: optQty('blobGasUsed', 64),
    excessBlobGas: optQty('excessBlobGas', 64),
    parentBeaconBlockRoot: optHash('parentBeaconBlockRoot'),
    requestsHash: optHash('requestsHash'),
  };
  for (const k of OPTIONAL) if (h[k] === undefined) delete h[k];
  return h;
}
