// Shared between the AssemblyScript module and the TypeScript host: this file
// holds only integer constants, so it compiles under both compilers. It is the
// one place that names the WASM's fixed memory regions and the fork
// configuration slots the host fills (src/fork/table.ts is the one place that
// gives them values).

// ---- Fixed memory regions (below AssemblyScript's static data, see asconfig memoryBase) ----
export const GAS_TABLE = 1024; // 256 x i32 static gas per opcode; -1 = undefined in this fork
export const PARAMS = 2048; // 64 x i64 fork parameters, indexed by P_* below
export const ENV = 4096; // block and transaction environment words, E_* offsets below
export const BLOB_HASHES = 5120; // up to MAX_BLOB_HASHES x 32 bytes (big-endian)
export const MAX_BLOB_HASHES = 64;
export const MSG = 8192; // top-level message in/out, M_* offsets below
export const HOST_IO = 12288; // scratch the host reads/writes during imports, H_* offsets below
export const FIXED_END = 65536; // AssemblyScript data starts here

// ---- Fork parameters: i64 slots at PARAMS + 8 * P_x ----
export const P_FLAGS = 0; // bitset of F_* below
export const P_WARM_ACCESS = 1; // EIP-2929 warm read (100)
export const P_COLD_SLOAD = 2; // EIP-2929 cold slot (2100)
export const P_COLD_ACCOUNT = 3; // EIP-2929 cold account (2600)
export const P_SLOAD = 4; // SLOAD before EIP-2929
export const P_BALANCE = 5; // BALANCE before EIP-2929
export const P_EXTCODE = 6; // EXTCODESIZE/EXTCODECOPY before EIP-2929
export const P_EXTCODEHASH = 7; // EXTCODEHASH before EIP-2929
export const P_CALL = 8; // CALL family before EIP-2929
export const P_SELFDESTRUCT = 9; // SELFDESTRUCT base
export const P_SSTORE_SET = 10; // zero -> nonzero
export const P_SSTORE_RESET = 11; // nonzero -> other (minus cold cost under EIP-2929)
export const P_SSTORE_CLEAR_REFUND = 12; // nonzero -> zero refund
export const P_SSTORE_SENTRY = 13; // EIP-2200: fail if gas left <= this
export const P_CALL_VALUE = 14; // value transfer
export const P_CALL_STIPEND = 15; // 2300
export const P_NEW_ACCOUNT = 16; // call or selfdestruct to a new account
export const P_SELFDESTRUCT_REFUND = 17;
export const P_EXP_BYTE = 18;
export const P_CREATE = 19;
export const P_CODE_DEPOSIT = 20; // per byte
export const P_INITCODE_WORD = 21; // EIP-3860
export const P_MAX_CODE_SIZE = 22; // EIP-170 (0 = no limit)
export const P_MAX_INITCODE_SIZE = 23; // EIP-3860 (0 = no limit)
export const P_REFUND_QUOTIENT = 24; // 2, or 5 from EIP-3529
export const P_KECCAK_WORD = 25;
export const P_COPY_WORD = 26;
export const P_LOG = 27;
export const P_LOG_TOPIC = 28;
export const P_LOG_BYTE = 29;
export const P_MEMORY_WORD = 30;
export const P_SSTORE_DIRTY = 31; // EIP-1283/2200: write to an already dirty slot (SLOAD cost)
export const P_PRECOMPILES = 32; // bitmask of active precompile addresses (bit n = address n)
export const P_COUNT = 33;

// ---- Behaviour flags (P_FLAGS), each named by the EIP that introduced it ----
export const F_EIP2 = 1 << 0; // Homestead: code deposit out of gas fails the create
export const F_EIP7 = 1 << 1; // DELEGATECALL
export const F_EIP150 = 1 << 2; // 63/64 call gas rule
export const F_EIP161 = 1 << 3; // empty accounts: touched ones deleted, new-account cost only with value
export const F_EIP170 = 1 << 4; // code size limit
export const F_EIP140 = 1 << 5; // REVERT
export const F_EIP211 = 1 << 6; // RETURNDATASIZE/COPY
export const F_EIP214 = 1 << 7; // STATICCALL
export const F_EIP1283 = 1 << 8; // Constantinople net SSTORE metering (no sentry)
export const F_EIP2200 = 1 << 9; // Istanbul net SSTORE metering with sentry
export const F_EIP2929 = 1 << 10; // access lists, warm/cold
export const F_EIP3529 = 1 << 11; // reduced refunds, no selfdestruct refund
export const F_EIP3541 = 1 << 12; // reject code starting with 0xEF
export const F_EIP3860 = 1 << 13; // initcode limit and word cost
export const F_EIP6780 = 1 << 14; // SELFDESTRUCT only deletes same-tx-created accounts
export const F_EIP1153 = 1 << 15; // transient storage
export const F_EIP684 = 1 << 16; // create collision (always on; kept for clarity)
export const F_EIP7610 = 1 << 17; // create collision also on non-empty storage
export const F_EIP7702 = 1 << 18; // delegation designators: calls run the delegate's code
export const F_EIP7951 = 1 << 19; // secp256r1 verification precompile at 0x100

// ---- Environment words at ENV + E_x (each a 32-byte little-endian-limb word) ----
export const E_COINBASE = 0;
export const E_TIMESTAMP = 32;
export const E_NUMBER = 64;
export const E_PREVRANDAO = 96; // DIFFICULTY before Paris
export const E_GASLIMIT = 128;
export const E_BASEFEE = 160;
export const E_BLOBBASEFEE = 192;
export const E_CHAINID = 224;
export const E_ORIGIN = 256;
export const E_GASPRICE = 288;
export const E_BLOB_COUNT = 320; // i32: number of blob hashes at BLOB_HASHES
export const E_COINBASE_BYTES = 352; // 20 raw bytes of the coinbase (for warming)
export const E_ORIGIN_BYTES = 384; // 20 raw bytes of the origin

// ---- Top-level message at MSG + M_x ----
export const M_KIND = 0; // i32: K_* below
export const M_CALLER = 8; // 20 bytes
export const M_TO = 32; // 20 bytes (ignored for creates)
export const M_VALUE = 64; // 32 bytes big-endian
export const M_GAS = 96; // i64
export const M_INPUT_PTR = 104; // i32 pointer to calldata / initcode (host allocates with alloc())
export const M_INPUT_LEN = 108; // i32
export const M_CODE_PTR = 112; // i32: with K_CODE, the code to run instead of the callee's
export const M_CODE_LEN = 116; // i32
export const M_SALT = 128; // 32 bytes big-endian (CREATE2, unused by transactions)
// results
export const M_STATUS = 160; // i32: S_* below
export const M_GAS_LEFT = 168; // i64
export const M_REFUND = 176; // i64: refund counter (in: from authorizations, EIP-7702; out: uncapped total)
export const M_OUTPUT_PTR = 184; // i32
export const M_OUTPUT_LEN = 188; // i32
export const M_CREATED = 192; // 20 bytes: address of a created contract

export const K_CALL = 0;
export const K_CREATE = 1; // transaction create: address from caller and its nonce before the tx's increment (host passes nonce)
export const K_CODE = 2; // call `to` but run the code at M_CODE_PTR (runCode)

export const S_SUCCESS = 0;
export const S_REVERT = 1;
export const S_OUT_OF_GAS = 2;
export const S_INVALID_OPCODE = 3;
export const S_STACK_UNDERFLOW = 4;
export const S_STACK_OVERFLOW = 5;
export const S_BAD_JUMP = 6;
export const S_STATIC_VIOLATION = 7;
export const S_RETURNDATA_OOB = 8;
export const S_CALL_DEPTH = 9;
export const S_INSUFFICIENT_BALANCE = 10;
export const S_CREATE_COLLISION = 11;
export const S_CODE_TOO_LARGE = 12;
export const S_INVALID_CODE_PREFIX = 13; // EIP-3541
export const S_INITCODE_TOO_LARGE = 14;
export const S_PRECOMPILE_FAILURE = 15;
export const S_NONCE_OVERFLOW = 16;
export const S_OUT_OF_MEMORY = 17; // the WASM could not grow: treated as out of gas

// ---- Host I/O scratch at HOST_IO + H_x ----
export const H_ADDRESS = 0; // 20 bytes: the address a host import asks about
export const H_SLOT = 32; // 32 bytes big-endian: the slot asked about
export const H_WORD = 64; // 32 bytes big-endian: a storage value / block hash answered
export const H_BALANCE = 96; // 32 bytes big-endian
export const H_NONCE = 128; // i64
export const H_CODE_HASH = 136; // 32 bytes
export const H_CODE_SIZE = 168; // i32
export const H_ACCOUNT_FLAGS = 172; // i32: A_* below
export const A_EXISTS = 1;
export const A_HAS_STORAGE = 2;
export const H_GAS = 176; // i64: gas offered to a host precompile (in) / gas it used (out)
export const H_OUT_PTR = 184; // i32: output buffer of a host precompile (allocated with alloc())
export const H_OUT_LEN = 188; // i32
export const H_NUMBER = 192; // i64: the block number BLOCKHASH asks about

// ---- Write set (finalize()): per changed account, a record of ----
// [address 20][W_* flags u32][nonce u64][balance 32 BE][code hash 32][code length u32][code bytes]
// [slot count u32][slot count x (key 32 BE, value 32 BE)]
export const W_DELETED = 1; // the account is gone at the end of the transaction (selfdestruct, EIP-161)
export const W_ACCOUNT = 2; // nonce/balance/code hash changed or the account came into existence
export const W_CODE = 4; // new code follows
export const W_STORAGE_CLEARED = 8; // storage from before the transaction is discarded (created here)
