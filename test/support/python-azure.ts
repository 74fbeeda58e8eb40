import { spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';
import { debianPython } from './serve-process.js';

/** Whether Debian's python3-azure can be imported by Debian's python3; asked once per process. */
let installed: boolean | undefined;

/**
 * For a test that drives the Python Azure SDK: true when it can run. Outside CI a missing package
 * skips the test, naming it; under CI=true (.ci/run installs it) it fails the test.
 */
export function needPythonAzure(t: TestContext): boolean {
  installed ??= spawnSync(debianPython, ['-c', 'import azure.identity'], { stdio: 'ignore' }).status === 0;
  if (installed) return true;
  const reason = "Debian's python3-azure is not installed (apt-get install python3-azure)";
  if (process.env.CI === 'true') throw new Error(`${reason}; .ci/run should have installed it`);
  t.skip(reason);
  return false;
}
