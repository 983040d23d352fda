/** Prints `error: <message>` on stderr and exits: a usage error is one line, never a stack trace. */
export function exitWithError(problem: { readonly message: string }, code = 2): never {
  process.stderr.write(`error: ${problem.message}\n`);
  process.exit(code);
}
