// Block validity that does not need execution (a header against its parent, a body
// against its header) and the checks of execution results against the header.
// Every failure throws InvalidBlockError with an execution-spec-tests exception name.
//
// Not checked: proof of work and the difficulty formula (blockchain tests here use
// sealEngine NoProof), and uncle headers' own validity before Paris.

import type { Fork } from '../fork/table.js';
import { GAS_PER_BLOB, blobBaseFee } from '../tx/rules.js';
import { bytesToHex, equalBytes } from '../util/hex.js';
import { ommersHash, transactionsRoot, withdrawalsRoot, type Block } from './block.js';
import { InvalidBlockError } from './errors.js';
import type { BlockResult } from './execute.js';
import { EMPTY_OMMERS_HASH, type BlockHeader } from './header.js';

export const MAX_EXTRA_DATA_BYTES = 32;
export const MIN_GAS_LIMIT = 5000n;
export const MAX_GAS_LIMIT = (1n << 63n) - 1n;
export const GAS_LIMIT_BOUND_DIVISOR = 1024n;
// EIP-1559
export const ELASTICITY_MULTIPLIER = 2n;
export const BASE_FEE_MAX_CHANGE_DENOMINATOR = 8n;
export const INITIAL_BASE_FEE = 1_000_000_000n;

function fail(code: string, detail: string): never {
  throw new InvalidBlockError(code, detail);
}

/** EIP-1559: the base fee a block must carry after `parent` (`parentFork` tells whether the parent was before London). */
export function expectedBaseFee(parent: BlockHeader, parentFork: Fork): bigint {
  if (!parentFork.eips.has(1559) || parent.baseFeePerGas === undefined) return INITIAL_BASE_FEE;
  const parentBase = parent.baseFeePerGas;
  const target = parent.gasLimit / ELASTICITY_MULTIPLIER;
  if (parent.gasUsed === target) return parentBase;
  if (parent.gasUsed > target) {
    const delta = (parentBase * (parent.gasUsed - target)) / target / BASE_FEE_MAX_CHANGE_DENOMINATOR;
    return parentBase + (delta > 1n ? delta : 1n);
  }
  return parentBase - (parentBase * (target - parent.gasUsed)) / target / BASE_FEE_MAX_CHANGE_DENOMINATOR;
}

/**
 * EIP-4844: the excess blob gas a block must carry after `parent`, with the target of
 * `fork`'s blob schedule (EIP-7691 raised it in Prague). From Osaka (EIP-7918), while a
 * blob's price at the parent's blob base fee is below BLOB_BASE_COST execution gas at
 * the parent's base fee, the target is not subtracted: the excess grows by
 * blob_gas_used * (max - target) / max. The parent's blob base fee uses the schedule
 * of `parentFork` (default `fork`).
 */
export function expectedExcessBlobGas(parent: BlockHeader, fork: Fork, parentFork: Fork = fork): bigint {
  if (!fork.blobs) return 0n;
  const target = BigInt(fork.blobs.target) * GAS_PER_BLOB;
  const parentExcess = parent.excessBlobGas ?? 0n;
  const parentUsed = parent.blobGasUsed ?? 0n;
  if (parentExcess + parentUsed < target) return 0n;
  const baseCost = fork.blobs.baseCost;
  if (baseCost !== undefined && baseCost * (parent.baseFeePerGas ?? 0n) > GAS_PER_BLOB * blobBaseFee(parentExcess, parentFork.blobs ? parentFork : fork)) {
    const max = BigInt(fork.blobs.max);
    return parentExcess + (parentUsed * (max - BigInt(fork.blobs.target))) / max;
  }
  return parentExcess + parentUsed - target;
}

/**
 * EIP-7934 (Osaka): a block whose RLP encoding is longer than MAX_RLP_BLOCK_SIZE is
 * invalid. `size`: the length of the block's encoding.
 */
export function validateBlockSize(size: number, fork: Fork): void {
  if (fork.maxRlpBlockSize > 0 && size > fork.maxRlpBlockSize) {
    fail('RLP_BLOCK_LIMIT_EXCEEDED', `block RLP of ${size} bytes, at most ${fork.maxRlpBlockSize} (EIP-7934)`);
  }
}

/** A header against its parent, under the rules of `fork` (`parentFork` for fork transitions; default the same). */
export function validateHeader(header: BlockHeader, parent: BlockHeader, fork: Fork, parentFork: Fork = fork): void {
  if (header.extraData.length > MAX_EXTRA_DATA_BYTES) fail('EXTRA_DATA_TOO_BIG', `${header.extraData.length} bytes of extra data, at most ${MAX_EXTRA_DATA_BYTES}`);
  if (header.gasLimit > MAX_GAS_LIMIT) fail('GASLIMIT_TOO_BIG', `gas limit ${header.gasLimit} above 2^63-1`);
  // EIP-1559: at the London block the parent's limit counts doubled (its target becomes the old limit).
  const parentLimit = fork.eips.has(1559) && !parentFork.eips.has(1559) ? parent.gasLimit * ELASTICITY_MULTIPLIER : parent.gasLimit;
  const bound = parentLimit / GAS_LIMIT_BOUND_DIVISOR;
  const diff = header.gasLimit > parentLimit ? header.gasLimit - parentLimit : parentLimit - header.gasLimit;
  if (diff >= bound || header.gasLimit < MIN_GAS_LIMIT) {
    fail('INVALID_GASLIMIT', `gas limit ${header.gasLimit} too far from the parent's ${parentLimit} (must differ by less than ${bound}, at least ${MIN_GAS_LIMIT})`);
  }
  if (header.gasUsed > header.gasLimit) fail('GAS_USED_OVERFLOW', `gas used ${header.gasUsed} above gas limit ${header.gasLimit}`);
  if (header.timestamp <= parent.timestamp) fail('INVALID_BLOCK_TIMESTAMP_OLDER_THAN_PARENT', `timestamp ${header.timestamp} not after the parent's ${parent.timestamp}`);
  if (header.number !== parent.number + 1n) fail('INVALID_BLOCK_NUMBER', `number ${header.number}, parent's ${parent.number}`);

  if (fork.eips.has(1559)) {
    if (header.baseFeePerGas === undefined) fail('INVALID_BASEFEE_PER_GAS', 'no base fee (London on)');
    const want = expectedBaseFee(parent, parentFork);
    if (header.baseFeePerGas !== want) fail('INVALID_BASEFEE_PER_GAS', `base fee ${header.baseFeePerGas}, expected ${want}`);
  } else if (header.baseFeePerGas !== undefined) fail('INVALID_BASEFEE_PER_GAS', 'base fee before London');

  if (fork.eips.has(3675)) {
    if (header.difficulty !== 0n) fail('IMPORT_IMPOSSIBLE_DIFFICULTY_OVER_PARIS', `difficulty ${header.difficulty} after the merge`);
    if (header.nonce.some((b) => b !== 0)) fail('IMPORT_IMPOSSIBLE_NONCE_OVER_PARIS', `nonce ${bytesToHex(header.nonce)} after the merge`);
    if (!equalBytes(header.ommersHash, EMPTY_OMMERS_HASH)) fail('IMPORT_IMPOSSIBLE_UNCLES_OVER_PARIS', 'ommers hash of a non-empty list after the merge');
  }

  if (fork.eips.has(4895) !== (header.withdrawalsRoot !== undefined)) {
    fail('INVALID_WITHDRAWALS_ROOT', header.withdrawalsRoot === undefined ? 'no withdrawals root (Shanghai on)' : 'withdrawals root before Shanghai');
  }

  if (fork.eips.has(4844)) {
    if (header.blobGasUsed === undefined || header.excessBlobGas === undefined) fail('INCORRECT_BLOB_GAS_USED', 'no blob gas fields (Cancun on)');
    // (A blob gas used above the block's maximum is reported by execution, for the
    // transaction that exceeds it, as ethereum/execution-specs does.)
    if (header.blobGasUsed % GAS_PER_BLOB !== 0n) fail('INCORRECT_BLOB_GAS_USED', `blob gas used ${header.blobGasUsed} not a multiple of ${GAS_PER_BLOB}`);
    const want = expectedExcessBlobGas(parent, fork, parentFork);
    if (header.excessBlobGas !== want) fail('INCORRECT_EXCESS_BLOB_GAS', `excess blob gas ${header.excessBlobGas}, expected ${want}`);
  } else if (header.blobGasUsed !== undefined || header.excessBlobGas !== undefined) fail('INCORRECT_BLOB_GAS_USED', 'blob gas fields before Cancun');

  if (fork.eips.has(4788) !== (header.parentBeaconBlockRoot !== undefined)) {
    fail('INVALID_HEADER', header.parentBeaconBlockRoot === undefined ? 'no parent beacon block root (Cancun on)' : 'parent beacon block root before Cancun');
  }
  if (fork.eips.has(7685) !== (header.requestsHash !== undefined)) {
    fail('INVALID_REQUESTS', header.requestsHash === undefined ? 'no requests hash (Prague on, EIP-7685)' : 'requests hash before Prague');
  }
}

/** Uncles against the header, before execution. */
export function validateUncles(block: Block, fork: Fork): void {
  const h = block.header;
  if (fork.eips.has(3675) && block.uncles.length > 0) fail('IMPORT_IMPOSSIBLE_UNCLES_OVER_PARIS', `${block.uncles.length} uncles after the merge`);
  if (block.uncles.length > 2) fail('TOO_MANY_UNCLES', `${block.uncles.length} uncles, at most 2`);
  if (!equalBytes(ommersHash(block.uncles), h.ommersHash)) fail('INVALID_UNCLES_HASH', 'ommers hash does not match the uncles');
}

/**
 * Execution results and body roots against the header, in the order
 * ethereum/execution-specs checks them after executing the body: gas used,
 * transactions root, state root, receipts root, bloom, withdrawals root, blob gas
 * used, requests hash (EIP-7685). (Roots of the body come after execution there, so a block with an invalid
 * transaction is reported for the transaction.) `encodedTxs`: the transactions'
 * canonical encodings, when known.
 */
export function validateResult(block: Block, r: BlockResult, encodedTxs?: Uint8Array[]): void {
  const h = block.header;
  if (r.gasUsed !== h.gasUsed) fail('INVALID_GAS_USED', `gas used ${r.gasUsed}, header ${h.gasUsed}`);
  if (encodedTxs !== undefined) {
    const root = transactionsRoot(encodedTxs);
    if (!equalBytes(root, h.transactionsRoot)) fail('INVALID_TRANSACTIONS_ROOT', `transactions root ${bytesToHex(root)}, header ${bytesToHex(h.transactionsRoot)}`);
  }
  if (r.stateRoot !== null && !equalBytes(r.stateRoot, h.stateRoot)) fail('INVALID_STATE_ROOT', `state root ${bytesToHex(r.stateRoot)}, header ${bytesToHex(h.stateRoot)}`);
  if (!equalBytes(r.receiptsRoot, h.receiptsRoot)) fail('INVALID_RECEIPTS_ROOT', `receipts root ${bytesToHex(r.receiptsRoot)}, header ${bytesToHex(h.receiptsRoot)}`);
  if (!equalBytes(r.logsBloom, h.logsBloom)) fail('INVALID_LOG_BLOOM', 'logs bloom differs from the header');
  if (h.withdrawalsRoot !== undefined) {
    if (block.withdrawals === undefined) fail('RLP_WITHDRAWALS_NOT_READ', 'no withdrawals');
    const root = withdrawalsRoot(block.withdrawals);
    if (!equalBytes(root, h.withdrawalsRoot)) fail('INVALID_WITHDRAWALS_ROOT', `withdrawals root ${bytesToHex(root)}, header ${bytesToHex(h.withdrawalsRoot)}`);
  }
  if (h.blobGasUsed !== undefined && r.blobGasUsed !== h.blobGasUsed) fail('INCORRECT_BLOB_GAS_USED', `blob gas used ${r.blobGasUsed}, header ${h.blobGasUsed}`);
  if (h.requestsHash !== undefined && (r.requestsHash === undefined || !equalBytes(r.requestsHash, h.requestsHash))) {
    fail('INVALID_REQUESTS', `requests hash ${r.requestsHash ? bytesToHex(r.requestsHash) : 'none'}, header ${bytesToHex(h.requestsHash)} (EIP-7685)`);
  }
}
