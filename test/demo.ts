/**
 * `npm run demo`: azsess for real, against the project's own Entra-compatible identity provider on
 * loopback, with a throw-away home. Signs in with the device code flow (a script approves the code
 * through the provider's pages, as a person would), then gets tokens from the cache and for a
 * second audience without a new sign-in. Exits 0 when all of that worked.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestIdp } from './idp/index.js';
import { decodeJwt } from './idp/test-tools.js';
import { azsessBin } from './support/paths.js';

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const say = (s: string) => process.stdout.write(`${s}\n`);

const idp = await startTestIdp({ deviceCodeInterval: 1 });
const userHome = mkdtempSync(join(tmpdir(), 'azsess-demo-'));
const env = {
  PATH: process.env.PATH ?? '',
  HOME: userHome,
  AZURE_AUTHORITY_HOST: idp.url,
  AZURE_TENANT_ID: idp.tenantId,
  AZURE_CLIENT_ID: idp.publicClientId,
};

/** Runs azsess, echoing its stderr indented; resolves with stdout and the exit code. */
function azsess(args: string[], onStderr?: (text: string) => void): Promise<{ code: number | null; stdout: string }> {
  say(bold(`\n$ azsess ${args.join(' ')}`));
  const child = spawn(process.execPath, [azsessBin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    process.stdout.write(d.replace(/^(?=.)/gm, '  | '));
    onStderr?.(d);
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout })));
}

function describeToken(token: string): string {
  const claims = decodeJwt(token.trim());
  return `a ${token.trim().length}-character JWT for aud=${String(claims.aud)}, expiring ${new Date(Number(claims.exp) * 1000).toISOString()}`;
}

function check(ok: boolean, what: string): void {
  if (!ok) {
    say(`\nDemo failed: ${what}.`);
    process.exitCode = 1;
    throw new Error(what);
  }
  say(`  ok: ${what}`);
}

try {
  say(`Local identity provider: ${idp.url} (tenant ${idp.tenantId}); azsess home: ${join(userHome, '.azsessions')}`);
  say(`The environment sets AZURE_AUTHORITY_HOST, AZURE_TENANT_ID and AZURE_CLIENT_ID for azsess.`);

  let approving: Promise<void> | undefined;
  const login = await azsess(['login', '--protocol', 'device-code'], (text) => {
    const code = /enter the code (\S+)/.exec(text)?.[1];
    if (code && !approving) {
      say(`  (demo) Acting as ${idp.username}: opening the verification page, typing ${code}, signing in, accepting.`);
      approving = idp.approveDeviceCode(code);
    }
  });
  await approving;
  check(login.code === 0, 'signed in with the device code flow');

  idp.requests.reset();
  const first = await azsess(['token']);
  check(first.code === 0, `got ${describeToken(first.stdout)}`);
  check(idp.requests.count() === 0, 'it came from the cache: no request reached the identity provider');

  const second = await azsess(['token', '--output', 'json']);
  const json = JSON.parse(second.stdout) as { expiresOn: string; tenant: string };
  check(second.code === 0 && idp.requests.count() === 0, `again from the cache, as az account get-access-token prints it (expiresOn ${json.expiresOn})`);

  const storage = await azsess(['token', '--scope', 'https://storage.azure.com/.default']);
  check(storage.code === 0, `got ${describeToken(storage.stdout)}`);
  check(
    idp.requests.count({ endpoint: 'token', grantType: 'refresh_token' }) === 1 && idp.requests.count({ endpoint: 'devicecode' }) === 0,
    'a second audience took one refresh and no new sign-in',
  );

  const status = await azsess(['status']);
  process.stdout.write(status.stdout.replace(/^(?=.)/gm, '  > '));
  say('\nDemo finished: every step worked.');
} finally {
  await idp.close();
  rmSync(userHome, { recursive: true, force: true });
}
