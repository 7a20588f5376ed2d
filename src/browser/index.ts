// Lanes in a browser page: the same library (no Node built-ins on this path), what
// the page can do in parallel, and blocks, sequential or on a Web Worker pool.
// See README.md, "In the browser".
export * from '../index.js';
export { hostSupport, type HostSupport } from './support.js';
export { executeBlock, type BlockResult, type ExecuteOptions } from '../block/execute.js';
export type { Block } from '../block/block.js';
export type { BlockHeader } from '../block/header.js';
export { executeBlockParallel, type ParallelBlockResult, type ParallelOptions } from '../parallel/executor.js';
export type { WorkerPool } from '../parallel/pool.js';
export { WebWorkerPool, webPoolUnavailable, type WebWorkerPoolOptions } from '../parallel/web-pool.js';
export type { TraceStep, Tracer } from '../trace/step.js';
