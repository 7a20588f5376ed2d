// Compiles the WASM once per process (or page). Workers receive the compiled
// WebAssembly.Module and instantiate it themselves.

let compiled: Promise<WebAssembly.Module> | null = null;

/**
 * Where the build lives, relative to this file (dist/src/wasm/module.js -> build/).
 * In Node, LANES_WASM_DEBUG=1 selects the debug build (asserts on, names in stack
 * traces) and LANES_WASM=FILE any other build (a profiling build with names, say).
 */
const env = typeof process !== 'undefined' ? process.env : undefined;
export const WASM_URL = env?.LANES_WASM
  ? new URL(`file://${env.LANES_WASM.startsWith('/') ? '' : (process.cwd() + '/')}${env.LANES_WASM}`)
  : new URL(env?.LANES_WASM_DEBUG === '1' ? '../../../build/lanes.debug.wasm' : '../../../build/lanes.wasm', import.meta.url);

export function loadModule(): Promise<WebAssembly.Module> {
  if (!compiled) compiled = compile();
  return compiled;
}

async function compile(): Promise<WebAssembly.Module> {
  if (WASM_URL.protocol === 'file:') {
    // Node: read from disk (imported lazily so the browser path has no Node built-ins).
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(WASM_URL).catch((e: Error) => {
      throw new Error(`cannot read ${WASM_URL.pathname}: ${e.message} (run "npm run build" first)`);
    });
    return WebAssembly.compile(bytes);
  }
  return WebAssembly.compileStreaming(fetch(WASM_URL));
}
