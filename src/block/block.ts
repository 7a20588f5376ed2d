// Blocks: header, transactions, uncle headers and (from Shanghai) withdrawals;
// decoding from RLP and the roots a header commits to about its body.

import { RLP } from '@ethereumjs/rlp';
import { keccak256 } from '../util/keccak.js';
import { orderedTrieRoot } from '../state/trie.js';
import { decodeTxItem, rlpAddress, rlpDecode, rlpInt, rlpList, type SignedTx } from '../tx/decode.js';
import type { Tx } from '../evm/types.js';
import { InputError, bigintToMinimalBytes } from '../util/hex.js';
import { decodeHeader, headerFields, headerHash, type BlockHeader } from './header.js';

/** An EIP-4895 withdrawal: `amount` is in Gwei. */
export interface Withdrawal {
  index: bigint;
  validatorIndex: bigint;
  address: Uint8Array;
  amount: bigint;
}

/** What execution needs of a block. Transactions carry their recovered sender. */
export interface Block<T extends Tx = Tx> {
  header: BlockHeader;
  transactions: T[];
  uncles: BlockHeader[];
  /** Present from Shanghai on. */
  withdrawals?: Withdrawal[];
}

/** A block decoded from RLP: transactions keep their encodings, and the block its hash. */
export interface DecodedBlock extends Block<SignedTx> {
  hash: Uint8Array;
}

/** Decodes RLP([header, transactions, uncles, withdrawals?]); InputError with an RLP_* code when malformed. */
export function decodeBlock(bytes: Uint8Array, what = 'block'): DecodedBlock {
  const f = rlpList(rlpDecode(bytes, what), what);
  if (f.length < 3 || f.length > 4) throw new InputError(`RLP_STRUCTURES_ENCODING: ${what}: ${f.length} fields, expected 3 or 4`);
  const header = decodeHeader(f[0], `${what}.header`);
  const transactions = rlpList(f[1], `${what}.transactions`).map((t, i) => decodeTxItem(t, `${what}.transactions[${i}]`));
  const uncles = rlpList(f[2], `${what}.uncles`).map((u, i) => decodeHeader(u, `${what}.uncles[${i}]`));
  const block: DecodedBlock = { header, transactions, uncles, hash: headerHash(header) };
  if (header.withdrawalsRoot !== undefined && f.length !== 4) {
    throw new InputError(`RLP_WITHDRAWALS_NOT_READ: ${what}: the header has a withdrawals root but the block has no withdrawals list`);
  }
  if (f.length === 4) {
    if (header.withdrawalsRoot === undefined) throw new InputError(`RLP_STRUCTURES_ENCODING: ${what}: withdrawals without a withdrawals root in the header`);
    block.withdrawals = rlpList(f[3], `${what}.withdrawals`).map((w, i) => {
      const where = `${what}.withdrawals[${i}]`;
      const x = rlpList(w, where, 4);
      return {
        index: rlpInt(x[0], 64, `${where}.index`),
        validatorIndex: rlpInt(x[1], 64, `${where}.validatorIndex`),
        address: rlpAddress(x[2], `${where}.address`),
        amount: rlpInt(x[3], 64, `${where}.amount`),
      };
    });
  }
  return block;
}

export function encodeWithdrawal(w: Withdrawal): Uint8Array {
  const n = bigintToMinimalBytes;
  return RLP.encode([n(w.index), n(w.validatorIndex), w.address, n(w.amount)]);
}

export function withdrawalsRoot(ws: Withdrawal[]): Uint8Array {
  return orderedTrieRoot(ws.map(encodeWithdrawal));
}

/** The transactions root over canonical transaction encodings. */
export function transactionsRoot(encoded: Uint8Array[]): Uint8Array {
  return orderedTrieRoot(encoded);
}

/** keccak256(RLP(uncle headers)). */
export function ommersHash(uncles: BlockHeader[]): Uint8Array {
  return keccak256(RLP.encode(uncles.map(headerFields)));
}
