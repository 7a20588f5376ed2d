// Plain data types of the public API: addresses and hashes are Uint8Array,
// quantities are bigint.
import type { Log } from '../state/logs.js';

export interface BlockEnv {
  coinbase: Uint8Array; // 20 bytes
  number: bigint;
  timestamp: bigint;
  gasLimit: bigint;
  baseFee: bigint;
  /** PREVRANDAO from Paris on (32 bytes); before it DIFFICULTY is used. */
  prevRandao: Uint8Array;
  difficulty: bigint;
  /** EIP-4844 excess blob gas of the block (Cancun on). */
  excessBlobGas: bigint;
  chainId: bigint;
  /** BLOCKHASH source: the hash of block `n`, or undefined when unknown (reads as zero). */
  blockHash: (n: bigint) => Uint8Array | undefined;
}

export interface AccessListEntry { address: Uint8Array; storageKeys: Uint8Array[] }

/** An EIP-7702 authorization tuple (type-4 transactions, Prague). */
export interface Authorization {
  chainId: bigint;
  address: Uint8Array;
  nonce: bigint;
  yParity: bigint;
  r: bigint;
  s: bigint;
  /** The signer as a fixture states it, when present (informational: execution recovers it). */
  signer?: Uint8Array;
}

export interface Tx {
  /** 0 legacy, 1 EIP-2930, 2 EIP-1559, 3 EIP-4844, 4 EIP-7702. */
  type: 0 | 1 | 2 | 3 | 4;
  sender: Uint8Array;
  nonce: bigint;
  gasLimit: bigint;
  /** null for contract creation. */
  to: Uint8Array | null;
  value: bigint;
  data: Uint8Array;
  /** Legacy and EIP-2930 transactions. */
  gasPrice?: bigint;
  /** EIP-1559 and EIP-4844 transactions. */
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  accessList: AccessListEntry[];
  maxFeePerBlobGas?: bigint;
  blobVersionedHashes?: Uint8Array[];
  /** EIP-7702 transactions. */
  authorizationList?: Authorization[];
}

export type ExecStatus = 'success' | 'revert' | 'halt';

export interface TxResult {
  /** Set when the transaction is invalid: it was not executed and the state is unchanged. */
  invalid?: string;
  status: ExecStatus;
  /** For a halt: why (out of gas, invalid opcode, ...). */
  error?: string;
  /** Gas charged to the sender (after refund). */
  gasUsed: bigint;
  output: Uint8Array;
  logs: Log[];
  createdAddress?: Uint8Array;
}
