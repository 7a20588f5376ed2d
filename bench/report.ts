// Tables on stdout (a row as soon as it is measured) and bench/results/latest.json.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { RowResult } from './measure.js';
import type { Workload } from './engines.js';
import { bytesToHex, bytesToKey } from '../src/util/hex.js';
import { repoRoot } from '../src/util/vectors.js';

interface Column {
  title: string;
  width: number;
  left?: boolean;
  value: (r: RowResult) => string;
}

const fixed = (n: number | undefined, digits: number) => (n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits));
const sig = (n: number | undefined) => {
  if (n === undefined || !Number.isFinite(n)) return '-';
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1);
  if (n >= 1) return n.toFixed(2);
  return n.toPrecision(3); // a 7 µs row reads 0.00700 ms, not 0.01
};
const grouped = (n: number) => n.toLocaleString('en-US');
const mark = (r: RowResult) => (r.error ? 'ERROR' : r.agree ? 'yes' : 'NO');

const common: Column[] = [
  { title: 'Lanes Mgas/s', width: 12, value: (r) => sig(r.lanes?.mgasPerSec) },
  { title: 'ejs Mgas/s', width: 10, value: (r) => sig(r.ethereumjs?.mgasPerSec) },
  { title: 'x faster', width: 8, value: (r) => fixed(r.ratio, 1) },
  { title: 'agree', width: 5, value: mark },
];

export const OPCODE_COLUMNS: Column[] = [
  { title: 'family', width: 11, left: true, value: (r) => r.group },
  { title: 'loop', width: 31, left: true, value: (r) => r.name },
  { title: 'gas/run', width: 11, value: (r) => grouped(r.gasUsed) },
  { title: 'Lanes ns/op', width: 11, value: (r) => sig(r.lanes?.nsPerOp) },
  { title: 'ejs ns/op', width: 10, value: (r) => sig(r.ethereumjs?.nsPerOp) },
  ...common,
];

export const CONTRACT_COLUMNS: Column[] = [
  { title: 'group', width: 6, left: true, value: (r) => r.group },
  { title: 'benchmark', width: 45, left: true, value: (r) => r.name },
  { title: 'gas', width: 13, value: (r) => grouped(r.gasUsed) },
  { title: 'Lanes ms', width: 9, value: (r) => sig(r.lanes?.medianMs) },
  { title: 'ejs ms', width: 9, value: (r) => sig(r.ethereumjs?.medianMs) },
  ...common,
];

const cell = (c: Column, s: string) => {
  const t = s.length > c.width && c.left ? s.slice(0, c.width - 1) + '~' : s;
  return c.left ? t.padEnd(c.width) : t.padStart(c.width);
};

export function printHeader(title: string, notes: string[]): void {
  console.log(`\n## ${title}`);
  for (const n of notes) console.log(n);
}

export function printColumns(cols: Column[]): void {
  console.log('');
  console.log(cols.map((c) => cell(c, c.title)).join('  '));
  console.log(cols.map((c) => '-'.repeat(c.width)).join('  '));
}

export function printRow(cols: Column[], r: RowResult): void {
  console.log(cols.map((c) => cell(c, c.value(r))).join('  '));
}

/** Geometric mean of the ratios of the rows that have one. */
/** The median of `xs` (the upper one of an even count). */
export function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[xs.length >> 1];
}

export function geomeanRatio(rows: RowResult[]): number | undefined {
  const rs = rows.map((r) => r.ratio).filter((x): x is number => x !== undefined && x > 0);
  if (rs.length === 0) return undefined;
  return Math.exp(rs.reduce((s, x) => s + Math.log(x), 0) / rs.length);
}

/** What a developer needs to reproduce a disagreement: the row, both outcomes' differences, the code and input. */
export function describeDisagreement(r: RowResult, w: Workload | undefined): string {
  const lines = [`  ${r.suite} / ${r.name} (fork ${r.fork})`];
  if (r.error) lines.push(`    error: ${r.error}`);
  for (const d of r.differences) lines.push(`    ${d}   [Lanes vs ethereumjs]`);
  if (w) {
    const to = w.call.to;
    const code = to ? w.pre.peekAccount(bytesToKey(to))?.code : undefined;
    if (to) lines.push(`    to: ${bytesToHex(to)}`);
    if (code) lines.push(`    code (${code.length} bytes): ${code.length <= 512 ? bytesToHex(code) : bytesToHex(code.subarray(0, 512)) + '...'}`);
    lines.push(`    input: ${w.call.data.length <= 256 ? bytesToHex(w.call.data) : bytesToHex(w.call.data.subarray(0, 256)) + '...'}`);
    lines.push(`    gas limit: ${w.call.gasLimit}`);
  }
  return lines.join('\n');
}

export function machine() {
  const cpus = os.cpus();
  let commit: string | undefined;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    commit = undefined;
  }
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    commit,
  };
}

function jsonSafe(_key: string, v: unknown) {
  return typeof v === 'bigint' ? v.toString() : v;
}

export function writeResults(data: object): string {
  const dir = join(repoRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'latest.json');
  writeFileSync(file, JSON.stringify(data, jsonSafe, 2) + '\n');
  return file;
}
