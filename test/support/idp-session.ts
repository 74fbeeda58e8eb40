import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestIdp } from '../idp/index.js';
import { formatSessionsDocument, parseSessionsDocument } from '../../src/store/sessions-document.js';
import type { Session } from '../../src/domain/session.js';
import { runCli, type CliResult, type RunOptions } from './run-cli.js';

/** The environment that points azsess at the test identity provider as its public client. */
export function idpEnv(idp: TestIdp, extra: Record<string, string> = {}): Record<string, string> {
  return { AZURE_AUTHORITY_HOST: idp.url, AZURE_TENANT_ID: idp.tenantId, AZURE_CLIENT_ID: idp.publicClientId, ...extra };
}

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * Runs an azsess command that signs in with the device code flow, and approves the code through
 * the provider's pages as soon as azsess shows it (or declines it). With `afterPolls`, the person
 * approves only once the IdP has seen that many polls (an event, not a sleep).
 */
export async function withDeviceCodeApproval(
  idp: TestIdp,
  args: string[],
  options: RunOptions,
  approval: { decline?: boolean; skip?: boolean; username?: string; password?: string; afterPolls?: number } = {},
): Promise<CliResult> {
  let approving: Promise<void> | undefined;
  const result = await runCli(args, {
    ...options,
    onSpawn: (child) => {
      let seen = '';
      child.stderr!.on('data', (d: Buffer | string) => {
        seen += d.toString();
        const code = /enter the code (\S+)/.exec(seen)?.[1];
        if (code && !approving && !approval.skip) {
          const { skip: _skip, afterPolls, ...signIn } = approval;
          const polled = afterPolls ? idp.requests.waitFor({ endpoint: 'token', grantType: DEVICE_CODE_GRANT }, afterPolls) : undefined;
          approving = Promise.resolve(polled).then(() => idp.approveDeviceCode(code, signIn));
        }
      });
      options.onSpawn?.(child);
    },
  });
  await approving;
  return result;
}

export function readStoredSessions(home: string): Session[] {
  const result = parseSessionsDocument(readFileSync(join(home, 'sessions.json'), 'utf8'));
  if (!result.ok) throw new Error(`sessions.json is invalid: ${result.problem}`);
  return result.doc.sessions;
}

/** Moves every stored token's expiry into the past, as time passing would. */
export function expireStoredTokens(home: string, secondsAgo = 60): void {
  const path = join(home, 'sessions.json');
  const result = parseSessionsDocument(readFileSync(path, 'utf8'));
  if (!result.ok) throw new Error(result.problem);
  for (const s of result.doc.sessions) s.expiry = new Date(Date.now() - secondsAgo * 1000);
  writeFileSync(path, formatSessionsDocument(result.doc), { mode: 0o600 });
}

/** Fails when any secret the servers issued appears in `text`. */
export function leakedSecrets(issued: { findIn(text: string): string[] }, text: string): string[] {
  return issued.findIn(text);
}
