// Prague's execution-layer requests (EIP-7685): deposits read from the deposit
// contract's logs (EIP-6110), and withdrawal and consolidation requests dequeued by
// system calls to their predeploys (EIP-7002, EIP-7251); and the header's
// `requestsHash` over them.

import { sha256 } from '@noble/hashes/sha2.js';
import type { Log } from '../state/logs.js';
import { concatBytes, equalBytes } from '../util/hex.js';
import { InvalidBlockError } from './errors.js';

/** An EIP-7685 request: its type byte and its data (the concatenated requests of that type). */
export interface Request {
  type: number;
  data: Uint8Array;
}

/**
 * EIP-7685: sha256 over the sha256 of each `type ++ data`, in type order, leaving out
 * types with no data (so a block without requests has sha256 of nothing).
 */
export function requestsHash(requests: Request[]): Uint8Array {
  const parts = requests.filter((r) => r.data.length > 0).map((r) => sha256(concatBytes(Uint8Array.of(r.type), r.data)));
  return sha256(concatBytes(...parts));
}

// EIP-6110: DepositEvent(bytes pubkey, bytes withdrawal_credentials, bytes amount,
// bytes signature, bytes index) is ABI-encoded as five offsets then five
// length-prefixed fields, each padded to 32-byte words: 576 bytes in all.
const DEPOSIT_EVENT_LENGTH = 576;
/** [offset, size] of pubkey, withdrawal credentials, amount, signature, index. */
const DEPOSIT_FIELDS: readonly (readonly [number, number])[] = [[160, 48], [256, 32], [320, 8], [384, 96], [512, 8]];

/**
 * EIP-6110: the deposit requests of a block, in log order: for each log of
 * `depositContract` whose first topic is the DepositEvent signature,
 * pubkey ++ withdrawal_credentials ++ amount ++ signature ++ index (192 bytes). A
 * deposit log of another layout makes the block invalid (INVALID_DEPOSIT_EVENT_LAYOUT):
 * the data must be 576 bytes with the offsets and sizes of the event's ABI encoding.
 */
export function depositRequests(logs: Iterable<Log>, depositContract: Uint8Array, eventSignature: Uint8Array): Uint8Array {
  const out: Uint8Array[] = [];
  for (const log of logs) {
    if (!equalBytes(log.address, depositContract) || log.topics.length === 0 || !equalBytes(log.topics[0], eventSignature)) continue;
    out.push(parseDepositLog(log.data));
  }
  return concatBytes(...out);
}

function parseDepositLog(data: Uint8Array): Uint8Array {
  const bad = (why: string): never => {
    throw new InvalidBlockError('INVALID_DEPOSIT_EVENT_LAYOUT', `deposit log: ${why}`);
  };
  if (data.length !== DEPOSIT_EVENT_LENGTH) bad(`${data.length} bytes of data, expected ${DEPOSIT_EVENT_LENGTH}`);
  const parts: Uint8Array[] = [];
  DEPOSIT_FIELDS.forEach(([offset, size], i) => {
    const o = word(data, 32 * i);
    if (o !== BigInt(offset)) bad(`field ${i} at offset ${o}, expected ${offset}`);
    const n = word(data, offset);
    if (n !== BigInt(size)) bad(`field ${i} of ${n} bytes, expected ${size}`);
    parts.push(data.subarray(offset + 32, offset + 32 + size));
  });
  return concatBytes(...parts);
}

/** The big-endian 32-byte word at `at`. */
function word(data: Uint8Array, at: number): bigint {
  let n = 0n;
  for (let i = at; i < at + 32; i++) n = (n << 8n) | BigInt(data[i]);
  return n;
}
