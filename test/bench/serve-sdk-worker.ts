/**
 * One SDK program's token, for the `azsess serve` row of `npm run bench`: a worker thread is a
 * fresh instance of `@azure/identity` (its token cache is per module instance), so its getToken
 * reaches the credential's source. A first getToken for another scope warms the SDK's code paths;
 * the second, for the measured scope, is timed.
 */
import { execFile } from 'node:child_process';
import { parentPort, workerData } from 'node:worker_threads';
import { AzureCliCredential, ManagedIdentityCredential, type AccessToken, type TokenCredential } from '@azure/identity';

export interface SdkWorkerInput {
  kind: 'serve' | 'azsess-token' | 'azure-cli';
  warmScope: string;
  scope: string;
  azsessBin: string;
}

/** What an SDK program without serve would write: a credential that spawns `azsess token`. */
class SpawnAzsessCredential implements TokenCredential {
  constructor(private readonly bin: string) {}

  getToken(scope: string | string[]): Promise<AccessToken> {
    const scopes = Array.isArray(scope) ? scope : [scope];
    return new Promise((resolve, reject) => {
      execFile(process.execPath, [this.bin, 'token', '--output', 'json', ...scopes.flatMap((s) => ['--scope', s])], (err, stdout) => {
        if (err) return reject(err);
        const json = JSON.parse(stdout) as { accessToken: string; expires_on: number };
        resolve({ token: json.accessToken, expiresOnTimestamp: json.expires_on * 1000 });
      });
    });
  }
}

const input = workerData as SdkWorkerInput;
const credential: TokenCredential =
  input.kind === 'serve' ? new ManagedIdentityCredential() : input.kind === 'azsess-token' ? new SpawnAzsessCredential(input.azsessBin) : new AzureCliCredential();
await credential.getToken(input.warmScope).catch(() => undefined);
const started = performance.now();
const ok = await credential.getToken(input.scope).then(
  (t) => Boolean(t?.token),
  () => false,
);
parentPort!.postMessage({ ms: performance.now() - started, ok });
