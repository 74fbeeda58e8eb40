/**
 * The `azsess serve` row of `npm run bench`: an SDK program's getToken (`@azure/identity`,
 * measured inside the program) served by `azsess serve` from its cache, against the same
 * getToken spawning `azsess token`, and AzureCliCredential when `az` is installed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { azsessBin, distTest } from '../support/paths.js';
import { startServe } from '../support/serve-process.js';
import { median } from './measure.js';
import type { BenchWorld } from './setup.js';
import type { SdkWorkerInput } from './serve-sdk-worker.js';

/** A row of bench.ts's table. */
export interface ServeBenchRow {
  what: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
}

// Both consented at the bench's sign-in (setup.ts), and neither is the other's audience.
const warmScope = 'https://containerregistry.azure.net/.default';
const scope = 'https://management.azure.com/.default';

function sdkGetToken(kind: SdkWorkerInput['kind'], env: Record<string, string>): Promise<{ ms: number; ok: boolean }> {
  const workerData: SdkWorkerInput = { kind, warmScope, scope, azsessBin };
  const worker = new Worker(`${distTest}/bench/serve-sdk-worker.js`, { workerData, env });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

export async function serveRows(w: BenchWorld, withAz: boolean, rounds: number): Promise<ServeBenchRow[]> {
  const serve = await startServe([], { env: w.env, userHome: w.userHome });
  const homes = [mkdtempSync(join(tmpdir(), 'sdk-')), mkdtempSync(join(tmpdir(), 'az-'))] as const;
  try {
    // The SDK program has the two variables and nothing of azsess's settings (AZURE_AUTHORITY_HOST would be its own).
    const sdkEnv = { PATH: w.env.PATH ?? '', HOME: homes[0], IDENTITY_ENDPOINT: serve.endpoint, IDENTITY_HEADER: serve.header };
    const azEnv = { PATH: w.env.PATH ?? '', HOME: homes[1] };
    const kinds: Array<[SdkWorkerInput['kind'], Record<string, string>]> = [
      ['serve', sdkEnv],
      ['azsess-token', w.env],
      ...(withAz ? [['azure-cli', azEnv] as [SdkWorkerInput['kind'], Record<string, string>]] : []),
    ];
    const times: Record<string, number[]> = { serve: [], 'azsess-token': [], 'azure-cli': [] };
    // The first round makes both sessions; it is not counted.
    for (let i = 0; i <= rounds; i++) {
      for (const [kind, env] of kinds) {
        const r = await sdkGetToken(kind, env);
        if (!r.ok && kind !== 'azure-cli') throw new Error(`getToken through ${kind} failed`);
        if (i > 0) times[kind]!.push(r.ms);
      }
    }
    const [s, t] = [median(times.serve!), median(times['azsess-token']!)];
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    const rows: ServeBenchRow[] = [
      {
        what: `SDK \`getToken\` through \`azsess serve\` (cache hit; @azure/identity ManagedIdentityCredential), median of ${rounds}`,
        value: ms(s),
        baseline: `${ms(t)} (the same getToken spawning \`azsess token\`)`,
        ratio: `${(s / t).toFixed(2)}x`,
        target: '',
      },
    ];
    if (withAz) {
      const a = median(times['azure-cli']!);
      rows.push({ what: 'SDK `getToken` with AzureCliCredential (lower bound: no account)', value: ms(a), baseline: `${ms(s)} (through \`azsess serve\`)`, ratio: `${(a / s).toFixed(2)}x`, target: '' });
    }
    return rows;
  } finally {
    for (const home of homes) rmSync(home, { recursive: true, force: true });
    const end = await serve.stop();
    if (process.env.BENCH_SERVE_LOG) process.stderr.write(end.stderr);
  }
}
