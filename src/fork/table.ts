// The one table of fork rules. Each fork is the previous one plus the EIPs it
// activated; gas parameters, opcode availability and behaviour flags for the
// WASM interpreter, intrinsic gas and fee rules for transactions all come from
// here. Values are from the EIPs named beside them.
import * as C from '../../assembly/shared/config.js';
import { InputError } from '../util/hex.js';

export const FORK_NAMES = [
  'Frontier', 'Homestead', 'TangerineWhistle', 'SpuriousDragon', 'Byzantium', 'Constantinople',
  'Petersburg', 'Istanbul', 'MuirGlacier', 'Berlin', 'London', 'ArrowGlacier', 'GrayGlacier',
  'Paris', 'Shanghai', 'Cancun', 'Prague', 'Osaka',
] as const;
export type ForkName = (typeof FORK_NAMES)[number];

/** Names used by ethereum/tests, execution-spec-tests and geth for the same forks. */
const ALIASES: Record<string, ForkName> = {
  EIP150: 'TangerineWhistle', EIP158: 'SpuriousDragon', ConstantinopleFix: 'Petersburg',
  Merge: 'Paris', Paris: 'Paris',
};

export interface BlobSchedule {
  target: number; max: number; updateFraction: bigint;
  /** Blobs one transaction may carry (EIP-7594 from Osaka); the block maximum before it. */
  maxPerTx: number;
  /**
   * EIP-7918 (Osaka): BLOB_BASE_COST, the execution gas whose price is the blob reserve
   * price; absent before it. Used in the excess blob gas calculation.
   */
  baseCost?: bigint;
}

export interface Fork {
  name: ForkName;
  /** Position in FORK_NAMES: compare forks with `fork.index >= forkIndex('Berlin')` only for fork transitions, never for rules (use eips). */
  index: number;
  eips: ReadonlySet<number>;
  /** Static gas per opcode; -1 where the opcode is undefined in this fork. */
  opcodeGas: Int32Array;
  /** Interpreter parameters, indexed by P_* from assembly/shared/config.ts. */
  params: BigInt64Array;
  // transaction-level rules
  txGas: bigint; txCreateGas: bigint; txDataZeroGas: bigint; txDataNonZeroGas: bigint;
  accessListAddressGas: bigint; accessListKeyGas: bigint; initcodeWordGas: bigint;
  maxInitcodeSize: number; refundQuotient: bigint;
  /** EIP-7825: transactions above this gas limit are invalid (0 = no cap). */
  maxTxGas: bigint;
  /** EIP-7623: floor cost per calldata token (0 before Prague). */
  floorTokenGas: bigint;
  /** EIP-7702: intrinsic cost per authorization, and the refund when the authority already exists. */
  authorizationGas: bigint; authorizationExistingRefund: bigint;
  blobs: BlobSchedule | null;
  /** Active precompile addresses (1..n). */
  precompiles: number[];
  /** EIP-7934: the most bytes a block's RLP encoding may take (0 = no limit). */
  maxRlpBlockSize: number;
}

type Patch = { eips: number[]; gas?: Record<number, number>; params?: Partial<Record<number, number>>; flags?: number; tx?: { txCreateGas?: number; txDataNonZeroGas?: number; initcodeWordGas?: number; maxInitcodeSize?: number; refundQuotient?: number; maxTxGas?: number }; blobs?: BlobSchedule; precompiles?: number[]; maxRlpBlockSize?: number };

// Opcodes by value, for readable patches.
const OP = {
  STOP: 0x00, ADD: 0x01, MUL: 0x02, SUB: 0x03, DIV: 0x04, SDIV: 0x05, MOD: 0x06, SMOD: 0x07, ADDMOD: 0x08, MULMOD: 0x09, EXP: 0x0a, SIGNEXTEND: 0x0b,
  LT: 0x10, GT: 0x11, SLT: 0x12, SGT: 0x13, EQ: 0x14, ISZERO: 0x15, AND: 0x16, OR: 0x17, XOR: 0x18, NOT: 0x19, BYTE: 0x1a, SHL: 0x1b, SHR: 0x1c, SAR: 0x1d, CLZ: 0x1e,
  KECCAK256: 0x20,
  ADDRESS: 0x30, BALANCE: 0x31, ORIGIN: 0x32, CALLER: 0x33, CALLVALUE: 0x34, CALLDATALOAD: 0x35, CALLDATASIZE: 0x36, CALLDATACOPY: 0x37, CODESIZE: 0x38, CODECOPY: 0x39, GASPRICE: 0x3a, EXTCODESIZE: 0x3b, EXTCODECOPY: 0x3c, RETURNDATASIZE: 0x3d, RETURNDATACOPY: 0x3e, EXTCODEHASH: 0x3f,
  BLOCKHASH: 0x40, COINBASE: 0x41, TIMESTAMP: 0x42, NUMBER: 0x43, PREVRANDAO: 0x44, GASLIMIT: 0x45, CHAINID: 0x46, SELFBALANCE: 0x47, BASEFEE: 0x48, BLOBHASH: 0x49, BLOBBASEFEE: 0x4a,
  POP: 0x50, MLOAD: 0x51, MSTORE: 0x52, MSTORE8: 0x53, SLOAD: 0x54, SSTORE: 0x55, JUMP: 0x56, JUMPI: 0x57, PC: 0x58, MSIZE: 0x59, GAS: 0x5a, JUMPDEST: 0x5b, TLOAD: 0x5c, TSTORE: 0x5d, MCOPY: 0x5e, PUSH0: 0x5f,
  PUSH1: 0x60, DUP1: 0x80, SWAP1: 0x90, LOG0: 0xa0,
  CREATE: 0xf0, CALL: 0xf1, CALLCODE: 0xf2, RETURN: 0xf3, DELEGATECALL: 0xf4, CREATE2: 0xf5, STATICCALL: 0xfa, REVERT: 0xfd, INVALID: 0xfe, SELFDESTRUCT: 0xff,
} as const;

function frontierGas(): Int32Array {
  const g = new Int32Array(256).fill(-1);
  const set = (ops: number[], cost: number) => { for (const o of ops) g[o] = cost; };
  set([OP.STOP, OP.RETURN], 0);
  set([OP.ADD, OP.SUB, OP.NOT, OP.LT, OP.GT, OP.SLT, OP.SGT, OP.EQ, OP.ISZERO, OP.AND, OP.OR, OP.XOR, OP.BYTE,
    OP.CALLDATALOAD, OP.MLOAD, OP.MSTORE, OP.MSTORE8], 3);
  set([OP.MUL, OP.DIV, OP.SDIV, OP.MOD, OP.SMOD, OP.SIGNEXTEND], 5);
  set([OP.ADDMOD, OP.MULMOD, OP.JUMP], 8);
  g[OP.EXP] = 10; // EIP-160 raised only the per-byte part
  g[OP.KECCAK256] = 30;
  set([OP.ADDRESS, OP.ORIGIN, OP.CALLER, OP.CALLVALUE, OP.CALLDATASIZE, OP.CODESIZE, OP.GASPRICE, OP.COINBASE, OP.TIMESTAMP,
    OP.NUMBER, OP.PREVRANDAO, OP.GASLIMIT, OP.POP, OP.PC, OP.MSIZE, OP.GAS], 2);
  set([OP.CALLDATACOPY, OP.CODECOPY], 3);
  g[OP.BALANCE] = 20; g[OP.EXTCODESIZE] = 20; g[OP.EXTCODECOPY] = 20; g[OP.SLOAD] = 50; g[OP.BLOCKHASH] = 20;
  g[OP.SSTORE] = 0; // fully dynamic
  g[OP.JUMPI] = 10; g[OP.JUMPDEST] = 1;
  for (let i = 0; i < 32; i++) g[OP.PUSH1 + i] = 3;
  for (let i = 0; i < 16; i++) { g[OP.DUP1 + i] = 3; g[OP.SWAP1 + i] = 3; }
  for (let i = 0; i < 5; i++) g[OP.LOG0 + i] = 375 * (i + 1); // LOG + topics; data bytes dynamic
  g[OP.CREATE] = 32000; g[OP.CALL] = 40; g[OP.CALLCODE] = 40; g[OP.SELFDESTRUCT] = 0;
  return g;
}

const PATCHES: Record<ForkName, Patch> = {
  Frontier: { eips: [] },
  Homestead: { eips: [2, 7], gas: { [OP.DELEGATECALL]: 40 }, flags: C.F_EIP2 | C.F_EIP7, tx: { txCreateGas: 53000 } },
  // EIP-150: IO-heavy operations repriced, 63/64 rule
  TangerineWhistle: {
    eips: [150], flags: C.F_EIP150,
    gas: { [OP.BALANCE]: 400, [OP.EXTCODESIZE]: 700, [OP.EXTCODECOPY]: 700, [OP.SLOAD]: 200, [OP.CALL]: 700, [OP.CALLCODE]: 700, [OP.DELEGATECALL]: 700, [OP.SELFDESTRUCT]: 5000 },
    params: { [C.P_BALANCE]: 400, [C.P_EXTCODE]: 700, [C.P_SLOAD]: 200, [C.P_CALL]: 700, [C.P_SELFDESTRUCT]: 5000 },
  },
  // EIP-155/158/160/161/170
  SpuriousDragon: { eips: [155, 160, 161, 170], flags: C.F_EIP161 | C.F_EIP170, params: { [C.P_EXP_BYTE]: 50, [C.P_MAX_CODE_SIZE]: 24576 } },
  // EIP-140 REVERT, 211 RETURNDATA, 214 STATICCALL, 196/197/198 precompiles
  Byzantium: {
    eips: [100, 140, 196, 197, 198, 211, 214, 649, 658], flags: C.F_EIP140 | C.F_EIP211 | C.F_EIP214,
    gas: { [OP.REVERT]: 0, [OP.RETURNDATASIZE]: 2, [OP.RETURNDATACOPY]: 3, [OP.STATICCALL]: 700 }, precompiles: [5, 6, 7, 8],
  },
  // EIP-145 shifts, 1014 CREATE2, 1052 EXTCODEHASH, 1283 net metering
  Constantinople: {
    eips: [145, 1014, 1052, 1234, 1283], flags: C.F_EIP1283,
    gas: { [OP.SHL]: 3, [OP.SHR]: 3, [OP.SAR]: 3, [OP.CREATE2]: 32000, [OP.EXTCODEHASH]: 400 }, params: { [C.P_EXTCODEHASH]: 400 },
  },
  // EIP-1716 removes EIP-1283
  Petersburg: { eips: [1716], flags: -C.F_EIP1283 },
  // EIP-1344 CHAINID, 1884 repricing + SELFBALANCE, 2028 calldata, 2200 SSTORE, 152 blake2f
  Istanbul: {
    eips: [152, 1108, 1344, 1884, 2028, 2200], flags: C.F_EIP2200,
    gas: { [OP.CHAINID]: 2, [OP.SELFBALANCE]: 5, [OP.BALANCE]: 700, [OP.SLOAD]: 800, [OP.EXTCODEHASH]: 700 },
    params: { [C.P_BALANCE]: 700, [C.P_SLOAD]: 800, [C.P_EXTCODEHASH]: 700, [C.P_SSTORE_DIRTY]: 800 },
    tx: { txDataNonZeroGas: 16 }, precompiles: [9],
  },
  MuirGlacier: { eips: [2384] },
  // EIP-2929 cold/warm access (static parts become the warm cost), 2930 access lists
  Berlin: {
    eips: [2565, 2718, 2929, 2930], flags: C.F_EIP2929,
    gas: { [OP.BALANCE]: 0, [OP.EXTCODESIZE]: 0, [OP.EXTCODECOPY]: 0, [OP.EXTCODEHASH]: 0, [OP.SLOAD]: 0, [OP.CALL]: 0, [OP.CALLCODE]: 0, [OP.DELEGATECALL]: 0, [OP.STATICCALL]: 0 },
    params: { [C.P_SSTORE_RESET]: 5000 - 2100, [C.P_SSTORE_DIRTY]: 100 },
  },
  // EIP-1559 fees, 3198 BASEFEE, 3529 refunds, 3541 0xEF
  London: {
    eips: [1559, 3198, 3529, 3541], flags: C.F_EIP3529 | C.F_EIP3541, gas: { [OP.BASEFEE]: 2 },
    params: { [C.P_SSTORE_CLEAR_REFUND]: 4800, [C.P_SELFDESTRUCT_REFUND]: 0, [C.P_REFUND_QUOTIENT]: 5 }, tx: { refundQuotient: 5 },
  },
  ArrowGlacier: { eips: [4345] },
  GrayGlacier: { eips: [5133] },
  Paris: { eips: [3675, 4399] },
  // EIP-3651 warm coinbase, 3855 PUSH0, 3860 initcode, 4895 withdrawals
  Shanghai: {
    eips: [3651, 3855, 3860, 4895], flags: C.F_EIP3860, gas: { [OP.PUSH0]: 2 },
    params: { [C.P_INITCODE_WORD]: 2, [C.P_MAX_INITCODE_SIZE]: 49152 }, tx: { initcodeWordGas: 2, maxInitcodeSize: 49152 },
  },
  // EIP-1153 transient storage, 4844 blobs, 5656 MCOPY, 6780 SELFDESTRUCT, 7516 BLOBBASEFEE, 4788 beacon root
  Cancun: {
    eips: [1153, 4788, 4844, 5656, 6780, 7516], flags: C.F_EIP1153 | C.F_EIP6780,
    gas: { [OP.TLOAD]: 100, [OP.TSTORE]: 100, [OP.MCOPY]: 3, [OP.BLOBHASH]: 3, [OP.BLOBBASEFEE]: 2 },
    blobs: { target: 3, max: 6, updateFraction: 3338477n, maxPerTx: 6 }, precompiles: [10],
  },
  // EIP-2537 BLS12-381 precompiles, 2935 history contract, 7623 calldata floor, 7691 blobs, 7702 set-code;
  // 6110/7002/7251 requests (deposits, withdrawals, consolidations) under 7685: see PRAGUE_SYSTEM below
  Prague: {
    eips: [2537, 2935, 6110, 7002, 7251, 7623, 7685, 7691, 7702], flags: C.F_EIP7702,
    blobs: { target: 6, max: 9, updateFraction: 5007716n, maxPerTx: 9 }, precompiles: [11, 12, 13, 14, 15, 16, 17],
  },
  // EIP-7939 CLZ, 7951 secp256r1 at 0x100, 7825 tx gas cap, 7823/7883 modexp, 7918 blob fee floor, 7934 RLP limit,
  // 7594 blobs per transaction
  Osaka: {
    eips: [7594, 7823, 7825, 7883, 7918, 7934, 7939, 7951], flags: C.F_EIP7951,
    // EIP-7918: BLOB_BASE_COST = 2**13
    blobs: { target: 6, max: 9, updateFraction: 5007716n, maxPerTx: 6, baseCost: 1n << 13n },
    gas: { [OP.CLZ]: 5 }, precompiles: [0x100], tx: { maxTxGas: 1 << 24 },
    // EIP-7934: MAX_RLP_BLOCK_SIZE = MAX_BLOCK_SIZE (10 MiB) - SAFETY_MARGIN (2 MiB)
    maxRlpBlockSize: 10 * 1024 * 1024 - 2 * 1024 * 1024,
  },
};

function baseParams(): BigInt64Array {
  const p = new BigInt64Array(C.P_COUNT);
  const set = (i: number, v: number) => { p[i] = BigInt(v); };
  // EIP-7610 (collision on non-empty storage) applies retroactively to every fork.
  set(C.P_FLAGS, C.F_EIP684 | C.F_EIP7610);
  set(C.P_WARM_ACCESS, 100); set(C.P_COLD_SLOAD, 2100); set(C.P_COLD_ACCOUNT, 2600);
  set(C.P_SLOAD, 50); set(C.P_BALANCE, 20); set(C.P_EXTCODE, 20); set(C.P_EXTCODEHASH, 0); set(C.P_CALL, 40);
  set(C.P_SELFDESTRUCT, 0);
  set(C.P_SSTORE_SET, 20000); set(C.P_SSTORE_RESET, 5000); set(C.P_SSTORE_CLEAR_REFUND, 15000); set(C.P_SSTORE_SENTRY, 2300);
  set(C.P_SSTORE_DIRTY, 200);
  set(C.P_CALL_VALUE, 9000); set(C.P_CALL_STIPEND, 2300); set(C.P_NEW_ACCOUNT, 25000); set(C.P_SELFDESTRUCT_REFUND, 24000);
  set(C.P_EXP_BYTE, 10); set(C.P_CREATE, 32000); set(C.P_CODE_DEPOSIT, 200);
  set(C.P_INITCODE_WORD, 0); set(C.P_MAX_CODE_SIZE, 0); set(C.P_MAX_INITCODE_SIZE, 0); set(C.P_REFUND_QUOTIENT, 2);
  set(C.P_KECCAK_WORD, 6); set(C.P_COPY_WORD, 3); set(C.P_LOG, 375); set(C.P_LOG_TOPIC, 375); set(C.P_LOG_BYTE, 8); set(C.P_MEMORY_WORD, 3);
  return p;
}

function build(): Map<ForkName, Fork> {
  const out = new Map<ForkName, Fork>();
  let prev: Fork | null = null;
  FORK_NAMES.forEach((name, index) => {
    const patch = PATCHES[name];
    const opcodeGas = prev ? prev.opcodeGas.slice() : frontierGas();
    const params = prev ? prev.params.slice() : baseParams();
    for (const [op, cost] of Object.entries(patch.gas ?? {})) opcodeGas[Number(op)] = cost;
    for (const [i, v] of Object.entries(patch.params ?? {})) params[Number(i)] = BigInt(v as number);
    if (patch.flags !== undefined) {
      // A negative patch removes a flag (Petersburg removing EIP-1283).
      if (patch.flags < 0) params[C.P_FLAGS] &= ~BigInt(-patch.flags);
      else params[C.P_FLAGS] |= BigInt(patch.flags);
    }
    const precompiles = [...(prev?.precompiles ?? [1, 2, 3, 4]), ...(patch.precompiles ?? [])];
    let mask = 0n; // addresses below 64; 0x100 (EIP-7951) is flagged separately
    for (const a of precompiles) if (a < 64) mask |= 1n << BigInt(a);
    params[C.P_PRECOMPILES] = mask;
    const fork: Fork = {
      name, index,
      eips: new Set([...(prev?.eips ?? []), ...patch.eips]),
      opcodeGas, params,
      txGas: 21000n,
      txCreateGas: patch.tx?.txCreateGas !== undefined ? BigInt(patch.tx.txCreateGas) : prev?.txCreateGas ?? 21000n,
      txDataZeroGas: 4n,
      txDataNonZeroGas: patch.tx?.txDataNonZeroGas !== undefined ? BigInt(patch.tx.txDataNonZeroGas) : prev?.txDataNonZeroGas ?? 68n,
      accessListAddressGas: 2400n, accessListKeyGas: 1900n,
      initcodeWordGas: patch.tx?.initcodeWordGas !== undefined ? BigInt(patch.tx.initcodeWordGas) : prev?.initcodeWordGas ?? 0n,
      maxInitcodeSize: patch.tx?.maxInitcodeSize ?? prev?.maxInitcodeSize ?? 0,
      refundQuotient: patch.tx?.refundQuotient !== undefined ? BigInt(patch.tx.refundQuotient) : prev?.refundQuotient ?? 2n,
      maxTxGas: patch.tx?.maxTxGas !== undefined ? BigInt(patch.tx.maxTxGas) : prev?.maxTxGas ?? 0n,
      floorTokenGas: patch.eips.includes(7623) ? 10n : prev?.floorTokenGas ?? 0n,
      authorizationGas: patch.eips.includes(7702) ? 25000n : prev?.authorizationGas ?? 0n,
      authorizationExistingRefund: patch.eips.includes(7702) ? 25000n - 12500n : prev?.authorizationExistingRefund ?? 0n,
      blobs: patch.blobs ?? prev?.blobs ?? null,
      precompiles,
      maxRlpBlockSize: patch.maxRlpBlockSize ?? prev?.maxRlpBlockSize ?? 0,
    };
    out.set(name, fork);
    prev = fork;
  });
  return out;
}

const FORKS = build();

export function forkByName(name: string): Fork {
  const canonical = (ALIASES[name] ?? name) as ForkName;
  const f = FORKS.get(canonical);
  if (!f) throw new InputError(`unknown fork ${JSON.stringify(name)}; known: ${FORK_NAMES.join(', ')} (and ${Object.keys(ALIASES).join(', ')})`);
  return f;
}

/**
 * `fork` with another blob schedule (a chain configuration's `blobSchedule`, as
 * execution-spec-tests fixtures carry; EIP-7840). Fields not given keep the table's values.
 */
export function withBlobSchedule(fork: Fork, schedule: Partial<BlobSchedule>): Fork {
  if (!fork.blobs) return fork;
  const blobs = { ...fork.blobs, ...schedule };
  if (blobs.target === fork.blobs.target && blobs.max === fork.blobs.max && blobs.updateFraction === fork.blobs.updateFraction &&
    blobs.maxPerTx === fork.blobs.maxPerTx && blobs.baseCost === fork.blobs.baseCost) return fork;
  return { ...fork, blobs };
}

// --- Prague: block-level system contracts and requests ---

/**
 * Prague's system contracts and EIP-7685 request types. The system calls come from
 * SYSTEM_ADDRESS (EIP-4788's), with SYSTEM_CALL_GAS, outside the block's gas.
 */
export const PRAGUE_SYSTEM = {
  /** EIP-2935: the history storage contract, called with the parent hash before the transactions (HISTORY_SERVE_WINDOW 8191). */
  historyStorageAddress: '0000f90827f1c53a10cb7a02335b175320002935',
  historyServeWindow: 8191n,
  /** EIP-6110: mainnet's deposit contract (a chain configuration may name another) and its DepositEvent topic. */
  depositContractAddress: '00000000219ab540356cbb839cbe05303d7705fa',
  depositEventSignatureHash: '649bbc62d0e31342afea4e5cd82d4049e7e1ee912fc0889aa790803be39038c5',
  /** EIP-7002: the withdrawal request predeploy, called after the transactions and withdrawals. */
  withdrawalRequestAddress: '00000961ef480eb55e80d19ad83579a64c007002',
  /** EIP-7251: the consolidation request predeploy, called after EIP-7002's. */
  consolidationRequestAddress: '0000bbddc7ce488642fb579f8b00f3a590007251',
  /** EIP-7685 request types: 0x00 deposits (EIP-6110), 0x01 withdrawals (EIP-7002), 0x02 consolidations (EIP-7251). */
  depositRequestType: 0x00,
  withdrawalRequestType: 0x01,
  consolidationRequestType: 0x02,
} as const;

export function forkIndex(name: ForkName): number {
  return FORK_NAMES.indexOf(name);
}

export const DEFAULT_FORK: ForkName = 'Osaka';

// --- Ethereum mainnet: when each fork activated, and the pre-merge block reward ---

/**
 * Mainnet activation points, in order: by block number up to Paris (the first
 * proof-of-stake block), by timestamp from Shanghai on. MuirGlacier, ArrowGlacier and
 * GrayGlacier only delayed the difficulty bomb. Sources: the fork meta-EIPs (606
 * Homestead, 608 Tangerine Whistle, 607 Spurious Dragon, 609 Byzantium, 1013/1716
 * Constantinople/Petersburg, 1679 Istanbul, 2387 Muir Glacier, 2070 Berlin, 3675 Paris)
 * and ethereum/execution-specs' FORK_CRITERIA (London on).
 */
export const MAINNET_SCHEDULE: readonly { fork: ForkName; block?: bigint; timestamp?: bigint }[] = [
  { fork: 'Frontier', block: 0n },
  { fork: 'Homestead', block: 1_150_000n },
  { fork: 'TangerineWhistle', block: 2_463_000n },
  { fork: 'SpuriousDragon', block: 2_675_000n },
  { fork: 'Byzantium', block: 4_370_000n },
  { fork: 'Petersburg', block: 7_280_000n }, // Constantinople and Petersburg activated together
  { fork: 'Istanbul', block: 9_069_000n },
  { fork: 'MuirGlacier', block: 9_200_000n },
  { fork: 'Berlin', block: 12_244_000n },
  { fork: 'London', block: 12_965_000n },
  { fork: 'ArrowGlacier', block: 13_773_000n },
  { fork: 'GrayGlacier', block: 15_050_000n },
  { fork: 'Paris', block: 15_537_394n },
  { fork: 'Shanghai', timestamp: 1_681_338_455n },
  { fork: 'Cancun', timestamp: 1_710_338_135n },
  { fork: 'Prague', timestamp: 1_746_612_311n },
];

/** The DAO fork block (EIP-779): balances of the drain list move to the refund contract before its transactions. */
export const MAINNET_DAO_FORK_BLOCK = 1_920_000n;

export const MAINNET_CHAIN_ID = 1n;

/** The fork of the mainnet block with this number and timestamp. */
export function mainnetForkAt(number: bigint, timestamp: bigint): Fork {
  let name: ForkName = 'Frontier';
  for (const s of MAINNET_SCHEDULE) {
    if ((s.block !== undefined && number >= s.block) || (s.timestamp !== undefined && timestamp >= s.timestamp)) name = s.fork;
    else break;
  }
  return forkByName(name);
}

/**
 * The block reward paid to the miner before the merge, in wei: 5 ETH, 3 ETH from
 * Byzantium (EIP-649), 2 ETH from Constantinople (EIP-1234), none from Paris (EIP-3675).
 */
export function blockReward(fork: Fork): bigint {
  const ETH = 10n ** 18n;
  if (fork.eips.has(3675)) return 0n;
  if (fork.eips.has(1234)) return 2n * ETH;
  if (fork.eips.has(649)) return 3n * ETH;
  return 5n * ETH;
}
