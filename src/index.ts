// Public API of Lanes.
export { Evm, createEVM, createAddress, defaultBlock } from './evm/evm.js';
export type { CallResult, EvmOptions, FullTxResult } from './evm/evm.js';
export type { BlockEnv, Tx, TxResult, ExecStatus, AccessListEntry, Authorization } from './evm/types.js';
export type { ReadSet, WriteSet, AccountWrite } from './evm/sets.js';
export { applyWriteSet } from './evm/sets.js';
export { WorldState } from './state/world.js';
export type { StateSource, AccountView } from './state/source.js';
export { worldSource } from './state/source.js';
export type { Log } from './state/logs.js';
export { logsHash, logsBloom } from './state/logs.js';
export { forkByName, FORK_NAMES, DEFAULT_FORK } from './fork/table.js';
export type { Fork, ForkName } from './fork/table.js';
export { hexToBytes, bytesToHex, InputError } from './util/hex.js';
export type { TraceStep, Tracer } from './trace/step.js';
export { formatStep } from './trace/step.js';
