import { writeFileSync } from 'node:fs';

/**
 * Loaded with `--import` into an azsess process (NODE_OPTIONS): at exit, writes the shared
 * libraries the process loaded (native addons among them) to $AZSESS_TEST_SHARED_OBJECTS, one a
 * line, so a test can tell whether a run loaded the keychain's binary.
 */
process.on('exit', () => {
  const report = process.report.getReport() as unknown as { sharedObjects?: string[] };
  writeFileSync(process.env.AZSESS_TEST_SHARED_OBJECTS!, `${(report.sharedObjects ?? []).join('\n')}\n`);
});
