/**
 * The test identity provider in a process of its own, for the benchmark: a provider that shares
 * the spawning process would answer a herd's one refresh only after all the spawns, which no real
 * provider does. Talks to its parent over the IPC channel.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestIdp, type TestIdp } from '../idp/index.js';
import type { RequestFilter } from '../idp/request-log.js';

type Operation = { op: 'count'; filter: RequestFilter } | { op: 'reset' } | { op: 'approve'; userCode: string };
type Request = { id: number } & Operation;

/** What the benchmark uses of the provider, across the process boundary. */
export interface RemoteIdp {
  url: string;
  tenantId: string;
  publicClientId: string;
  count(filter: RequestFilter): Promise<number>;
  reset(): Promise<void>;
  approveDeviceCode(userCode: string): Promise<void>;
  close(): Promise<void>;
}

export async function startIdpProcess(): Promise<RemoteIdp> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  let next = 0;
  const waiting = new Map<number, (value: unknown) => void>();
  const started = await new Promise<{ url: string; tenantId: string; publicClientId: string }>((resolve) => child.once('message', resolve));
  child.on('message', (m: { id: number; value: unknown }) => waiting.get(m.id)?.(m.value));
  const ask = <T>(req: Operation): Promise<T> =>
    new Promise((resolve) => {
      const id = next++;
      waiting.set(id, resolve as (v: unknown) => void);
      child.send({ ...req, id });
    });
  return {
    ...started,
    count: (filter) => ask<number>({ op: 'count', filter }),
    reset: () => ask<void>({ op: 'reset' }),
    approveDeviceCode: (userCode) => ask<void>({ op: 'approve', userCode }),
    close: async () => {
      child.kill();
    },
  };
}

async function serve(): Promise<void> {
  const idp: TestIdp = await startTestIdp({ deviceCodeInterval: 1, loopDetection: false });
  process.on('message', async (req: Request) => {
    let value: unknown;
    if (req.op === 'count') value = idp.requests.count(req.filter);
    else if (req.op === 'reset') idp.requests.reset();
    else await idp.approveDeviceCode(req.userCode);
    process.send!({ id: req.id, value });
  });
  process.send!({ url: idp.url, tenantId: idp.tenantId, publicClientId: idp.publicClientId });
}

if (process.argv.includes('--serve')) await serve();
