/** Jest global teardown of the e2e suites: no process of the bed outlives the run. */
import { reap } from './global-setup.js';

export default function globalTeardown() {
  const n = reap(process.pid);
  if (n > 0) process.stderr.write(`e2e: killed ${n} leftover process group(s)\n`);
}
