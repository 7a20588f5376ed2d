// Run with: node examples/block.mjs (after npm install)
// A block executed sequentially and with Block-STM on two worker threads: the results
// are identical; the report says how the parallel run went.
import { Evm, NodeWorkerPool, executeBlock, executeBlockParallel, readBlockFixture, bytesToHex } from '../dist/src/node.js';

// 64 contract calls, each hashing on its own contract (a fixture of this repository).
const fixture = readBlockFixture(new URL('../vectors/lanes/parallel/independent-64x6000.json', import.meta.url).pathname);
const block = { header: fixture.header, transactions: fixture.transactions, withdrawals: fixture.withdrawals };
const opts = { fork: fixture.fork, chainId: fixture.chainId };

const evm = await Evm.create();
const sequentialState = fixture.preState.copy();
const sequential = executeBlock(evm, sequentialState, block, opts);

const pool = await NodeWorkerPool.forLanes(2); // once per process: this thread and one worker thread, one WASM instance each
const parallelState = fixture.preState.copy();
const parallel = await executeBlockParallel(pool, evm, parallelState, block, opts);
await pool.close();

console.log('gas used', sequential.gasUsed, parallel.gasUsed);
console.log('receipts root', bytesToHex(sequential.receiptsRoot), bytesToHex(parallel.receiptsRoot));
console.log('state root', bytesToHex(sequentialState.stateRoot()), bytesToHex(parallelState.stateRoot()));
console.log('parallel run:', parallel.parallel.mode, parallel.parallel.reason ?? '', `${parallel.parallel.stats.executions} executions`);
