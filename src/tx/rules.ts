// Transaction-level rules: intrinsic gas, static validity, fee arithmetic,
// blob gas (EIP-4844). Parameters come from the fork table.
import type { Fork } from '../fork/table.js';
import type { BlockEnv, Tx } from '../evm/types.js';

export const GAS_PER_BLOB = 131072n; // EIP-4844
const MIN_BLOB_BASE_FEE = 1n;
const VERSIONED_HASH_VERSION_KZG = 0x01;
const MAX_NONCE = (1n << 64n) - 1n; // EIP-2681

/** Zero bytes in `data` (counted as a number: a bigint per byte allocates). */
function zeroBytes(data: Uint8Array): bigint {
  let zeros = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === 0) zeros++;
  return BigInt(zeros);
}

export function intrinsicGas(tx: Tx, fork: Fork): bigint {
  let gas = tx.to === null ? fork.txCreateGas : fork.txGas;
  const zeros = zeroBytes(tx.data);
  gas += zeros * fork.txDataZeroGas + (BigInt(tx.data.length) - zeros) * fork.txDataNonZeroGas;
  if (tx.to === null) gas += ((BigInt(tx.data.length) + 31n) / 32n) * fork.initcodeWordGas; // EIP-3860
  for (const e of tx.accessList) gas += fork.accessListAddressGas + BigInt(e.storageKeys.length) * fork.accessListKeyGas;
  gas += BigInt(tx.authorizationList?.length ?? 0) * fork.authorizationGas; // EIP-7702
  return gas;
}

/** EIP-7623: the least gas a transaction is charged, from its calldata tokens (0 before Prague). */
export function floorGas(tx: Tx, fork: Fork): bigint {
  if (fork.floorTokenGas === 0n) return 0n;
  const zeros = zeroBytes(tx.data);
  const tokens = zeros + (BigInt(tx.data.length) - zeros) * 4n;
  return fork.txGas + tokens * fork.floorTokenGas;
}

/** e^(numerator/denominator) * factor, as EIP-4844's fake_exponential. */
export function fakeExponential(factor: bigint, numerator: bigint, denominator: bigint): bigint {
  let i = 1n;
  let output = 0n;
  let acc = factor * denominator;
  while (acc > 0n) {
    output += acc;
    acc = (acc * numerator) / (denominator * i);
    i++;
  }
  return output / denominator;
}

export function blobBaseFee(excessBlobGas: bigint, fork: Fork): bigint {
  if (!fork.blobs) return 0n;
  const fraction = fork.blobs.updateFraction;
  // Every transaction of a block asks for the same one: the last is kept.
  const last = lastBlobBaseFee;
  if (last.excessBlobGas === excessBlobGas && last.fraction === fraction) return last.fee;
  const fee = fakeExponential(MIN_BLOB_BASE_FEE, excessBlobGas, fraction);
  lastBlobBaseFee = { excessBlobGas, fraction, fee };
  return fee;
}

let lastBlobBaseFee = { excessBlobGas: -1n, fraction: 0n, fee: 0n };

/** The price per gas the sender pays. */
export function effectiveGasPrice(tx: Tx, baseFee: bigint): bigint {
  if (tx.type >= 2) {
    const tip = tx.maxPriorityFeePerGas!;
    const max = tx.maxFeePerGas!;
    return max < baseFee + tip ? max : baseFee + tip;
  }
  return tx.gasPrice!;
}

/** The most the sender may have to pay: what its balance must cover. */
export function maxCost(tx: Tx): bigint {
  const price = tx.type >= 2 ? tx.maxFeePerGas! : tx.gasPrice!;
  let cost = tx.gasLimit * price + tx.value;
  if (tx.type === 3) cost += BigInt(tx.blobVersionedHashes!.length) * GAS_PER_BLOB * tx.maxFeePerBlobGas!;
  return cost;
}

/**
 * Checks that need no state: returns the reason the transaction is invalid, or
 * null. Names follow execution-spec-tests' TransactionException where one fits.
 */
export function staticInvalidity(tx: Tx, block: BlockEnv, fork: Fork, intrinsic: bigint, blobBaseFeeValue: bigint): string | null {
  if (tx.type === 4 && !fork.eips.has(7702)) return 'TR_TypeNotSupported: set-code transactions need Prague';
  if (tx.type === 1 && !fork.eips.has(2930)) return 'TR_TypeNotSupported: EIP-2930 transactions need Berlin';
  if (tx.type === 2 && !fork.eips.has(1559)) return 'TR_TypeNotSupported: EIP-1559 transactions need London';
  if (tx.type === 3 && !fork.eips.has(4844)) return 'TR_TypeNotSupported: blob transactions need Cancun';
  if (tx.nonce >= MAX_NONCE) return 'NONCE_IS_MAX';
  if (tx.gasLimit > block.gasLimit) return `GAS_ALLOWANCE_EXCEEDED: gas limit ${tx.gasLimit} above block gas limit ${block.gasLimit}`;
  if (fork.maxTxGas > 0n && tx.gasLimit > fork.maxTxGas) return `GAS_LIMIT_EXCEEDS_MAXIMUM: ${tx.gasLimit} above ${fork.maxTxGas} (EIP-7825)`;
  if (intrinsic > tx.gasLimit) return `INTRINSIC_GAS_TOO_LOW: intrinsic gas ${intrinsic} above gas limit ${tx.gasLimit}`;
  const floor = floorGas(tx, fork);
  if (floor > tx.gasLimit) return `INTRINSIC_GAS_BELOW_FLOOR_GAS_COST: floor ${floor} above gas limit ${tx.gasLimit} (EIP-7623)`;
  if (tx.type === 4) {
    if (tx.to === null) return 'TYPE_4_TX_CONTRACT_CREATION';
    if (!tx.authorizationList || tx.authorizationList.length === 0) return 'TYPE_4_EMPTY_AUTHORIZATION_LIST';
  }
  if (fork.eips.has(1559)) {
    if (tx.type >= 2) {
      if (tx.maxPriorityFeePerGas! > tx.maxFeePerGas!) return 'PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS';
      if (tx.maxFeePerGas! < block.baseFee) return `INSUFFICIENT_MAX_FEE_PER_GAS: max fee ${tx.maxFeePerGas} below base fee ${block.baseFee}`;
    } else if (tx.gasPrice! < block.baseFee) return `INSUFFICIENT_MAX_FEE_PER_GAS: gas price ${tx.gasPrice} below base fee ${block.baseFee}`;
  }
  if (tx.to === null && fork.maxInitcodeSize > 0 && tx.data.length > fork.maxInitcodeSize) {
    return `INITCODE_SIZE_EXCEEDED: ${tx.data.length} bytes`;
  }
  if (tx.type === 3) {
    const hashes = tx.blobVersionedHashes!;
    if (tx.to === null) return 'TYPE_3_TX_CONTRACT_CREATION';
    if (hashes.length === 0) return 'TYPE_3_TX_ZERO_BLOBS';
    if (fork.blobs && hashes.length > fork.blobs.maxPerTx) return `TYPE_3_TX_BLOB_COUNT_EXCEEDED: ${hashes.length} blobs, at most ${fork.blobs.maxPerTx}`;
    for (const h of hashes) if (h.length !== 32 || h[0] !== VERSIONED_HASH_VERSION_KZG) return 'TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH';
    if (tx.maxFeePerBlobGas! < blobBaseFeeValue) return `INSUFFICIENT_MAX_FEE_PER_BLOB_GAS: ${tx.maxFeePerBlobGas} below ${blobBaseFeeValue}`;
  }
  return null;
}
