/** Prints `error: <message>` on stderr and exits: a usage error is one line, never a stack trace. */
export function exitWithError(problem: { readonly message: string }, code = 2): never {
  process.stderr.write(`error: ${problem.message}\n`);
  process.exit(code);
}

/**
 * Exits with `code` once what was written to stdout and stderr has left the process: when they
 * are pipes, process.exit would drop what the reader has not taken yet (a `simulate -o json` piped
 * into jq was cut at 64 KiB, the pipe's buffer).
 */
export async function exitAfterFlush(code: number): Promise<never> {
  const flushed = (s: NodeJS.WriteStream): Promise<void> => new Promise((resolve) => s.write('', () => resolve()));
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}
