// Lanes for Node (the package's entry point there): the library (index.ts, which the
// browser entry shares) plus what needs Node — block fixtures read from files and the
// Block-STM pool on worker threads — and blocks, sequential or in parallel.
export * from './index.js';
export { executeBlock, type BlockResult, type ExecuteOptions } from './block/execute.js';
export { decodeBlock, type Block } from './block/block.js';
export type { BlockHeader } from './block/header.js';
export { InvalidBlockError } from './block/errors.js';
export { readBlockFixture, parseBlockFixture, runBlockFixture, type BlockFixture, type FixtureResult } from './block/fixture.js';
export { executeBlockParallel, type ParallelBlockResult, type ParallelOptions, type ParallelReport } from './parallel/executor.js';
export { runBlockFixtureParallel, type ParallelFixtureResult } from './parallel/fixture.js';
export { NodeWorkerPool, type NodeWorkerPoolOptions, type WorkerPool } from './parallel/pool.js';
export type { WatchdogOptions } from './parallel/supervised-pool.js';
