// Stands in for node:fs in the playground's import map. The state-test parser imports
// readFileSync for reading files in Node; in the page its input is fetched text instead.
export function readFileSync() {
  throw new Error('node:fs is not available in a browser (fetch the file and pass its text)');
}
