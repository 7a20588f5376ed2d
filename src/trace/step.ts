// EIP-3155 trace steps: what a `trace` callback receives, and the JSON lines the CLI
// writes (one per operation, values before the operation, then a summary line).

import * as C from '../../assembly/shared/config.js';
import { bytesToHex } from '../util/hex.js';
import type { RawStep } from '../wasm/instance.js';

/**
 * One executed operation (the traced loop's RawStep, which documents the fields,
 * without its status code). Values are those before the operation; stack bottom first.
 */
export interface TraceStep extends Omit<RawStep, 'status'> {
  opName: string;
  /** Set when the operation failed or reverted. */
  error?: string;
}

export type Tracer = (step: TraceStep) => void;

const ERRORS: Record<number, string> = {
  [C.S_REVERT]: 'execution reverted',
  [C.S_OUT_OF_GAS]: 'out of gas',
  [C.S_INVALID_OPCODE]: 'invalid opcode',
  [C.S_STACK_UNDERFLOW]: 'stack underflow',
  [C.S_STACK_OVERFLOW]: 'stack limit reached 1024',
  [C.S_BAD_JUMP]: 'invalid jump destination',
  [C.S_STATIC_VIOLATION]: 'write protection',
  [C.S_RETURNDATA_OOB]: 'return data out of bounds',
};

export function toTraceStep(r: RawStep): TraceStep {
  const s: TraceStep = {
    pc: r.pc, op: r.op, opName: opName(r.op), gas: r.gas, gasCost: r.gasCost, depth: r.depth,
    stack: r.stack, memSize: r.memSize, refund: r.refund, returnData: r.returnData,
  };
  if (r.status !== C.S_SUCCESS) s.error = ERRORS[r.status] ?? `status ${r.status}`;
  return s;
}

const NAMES: string[] = (() => {
  const n: string[] = new Array(256).fill('');
  const set = (start: number, names: string) => names.split(' ').forEach((x, i) => (n[start + i] = x));
  set(0x00, 'STOP ADD MUL SUB DIV SDIV MOD SMOD ADDMOD MULMOD EXP SIGNEXTEND');
  set(0x10, 'LT GT SLT SGT EQ ISZERO AND OR XOR NOT BYTE SHL SHR SAR CLZ');
  set(0x20, 'KECCAK256');
  set(0x30, 'ADDRESS BALANCE ORIGIN CALLER CALLVALUE CALLDATALOAD CALLDATASIZE CALLDATACOPY CODESIZE CODECOPY GASPRICE EXTCODESIZE EXTCODECOPY RETURNDATASIZE RETURNDATACOPY EXTCODEHASH');
  set(0x40, 'BLOCKHASH COINBASE TIMESTAMP NUMBER PREVRANDAO GASLIMIT CHAINID SELFBALANCE BASEFEE BLOBHASH BLOBBASEFEE');
  set(0x50, 'POP MLOAD MSTORE MSTORE8 SLOAD SSTORE JUMP JUMPI PC MSIZE GAS JUMPDEST TLOAD TSTORE MCOPY PUSH0');
  for (let i = 1; i <= 32; i++) n[0x5f + i] = `PUSH${i}`;
  for (let i = 1; i <= 16; i++) {
    n[0x7f + i] = `DUP${i}`;
    n[0x8f + i] = `SWAP${i}`;
  }
  set(0xa0, 'LOG0 LOG1 LOG2 LOG3 LOG4');
  set(0xf0, 'CREATE CALL CALLCODE RETURN DELEGATECALL CREATE2');
  n[0xfa] = 'STATICCALL';
  n[0xfd] = 'REVERT';
  n[0xfe] = 'INVALID';
  n[0xff] = 'SELFDESTRUCT';
  return n;
})();

/** The mnemonic of an opcode; "opcode 0xNN" for an unassigned byte. */
export function opName(op: number): string {
  return NAMES[op] || `opcode 0x${op.toString(16).padStart(2, '0')}`;
}

const hexNum = (n: bigint | number) => '0x' + n.toString(16);
const hexBytes = bytesToHex;

/** The EIP-3155 JSON line of a step (fields in the EIP's order; no memory or storage). */
export function formatStep(s: TraceStep): string {
  let line = `{"pc":${s.pc},"op":${s.op},"gas":"${hexNum(s.gas)}","gasCost":"${hexNum(s.gasCost)}","stack":[`;
  for (let i = 0; i < s.stack.length; i++) line += (i ? ',"' : '"') + hexNum(s.stack[i]) + '"';
  line += `],"depth":${s.depth},"returnData":"${hexBytes(s.returnData)}","refund":"${hexNum(s.refund)}","memSize":${s.memSize},"opName":"${s.opName}"`;
  if (s.error !== undefined) line += `,"error":${JSON.stringify(s.error)}`;
  return line + '}';
}

export interface TraceSummary {
  stateRoot: Uint8Array;
  output: Uint8Array;
  gasUsed: bigint;
  pass: boolean;
  fork?: string;
  /** Wall time in nanoseconds. */
  time?: number;
  error?: string;
}

/** The EIP-3155 summary line after a transaction's steps. */
export function formatSummary(s: TraceSummary): string {
  const o: Record<string, unknown> = { stateRoot: hexBytes(s.stateRoot), output: hexBytes(s.output), gasUsed: hexNum(s.gasUsed), pass: s.pass };
  if (s.time !== undefined) o.time = s.time;
  if (s.fork !== undefined) o.fork = s.fork;
  if (s.error !== undefined) o.error = s.error;
  return JSON.stringify(o);
}

/**
 * A tracer that writes EIP-3155 lines through `write` (e.g. to stderr), buffered:
 * call flush() after the transaction.
 */
export function jsonlTracer(write: (text: string) => void): Tracer & { flush(): void } {
  let buf: string[] = [];
  let size = 0;
  const flush = () => {
    if (buf.length) write(buf.join('\n') + '\n');
    buf = [];
    size = 0;
  };
  const f = ((s: TraceStep) => {
    const line = formatStep(s);
    buf.push(line);
    size += line.length;
    if (size > 1 << 20) flush();
  }) as Tracer & { flush(): void };
  f.flush = flush;
  return f;
}
