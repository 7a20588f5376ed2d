// How the test-running commands (statetest, blocktest, block) end their output.

/**
 * With --json (`json` defined), stdout holds the JSON document alone, so that a program
 * can parse it whole, and the "N passed, M failed" line goes to stderr; otherwise
 * `lines` and then that line go to stdout.
 */
export function writeResults(json: unknown, lines: string[], passed: number, failed: number): void {
  const tally = `${passed} passed, ${failed} failed`;
  if (json !== undefined) {
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
    process.stderr.write(tally + '\n');
  } else process.stdout.write([...lines, tally].join('\n') + '\n');
}
