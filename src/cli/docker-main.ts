/** Entry point of bin/docker-credential-azsess.js (docker-credential-helpers protocol). */
export async function run(): Promise<void> {
  // docker reads errors from stdout, one line.
  process.stdout.write('docker-credential-azsess is not implemented yet\n');
  process.exitCode = 1;
}
