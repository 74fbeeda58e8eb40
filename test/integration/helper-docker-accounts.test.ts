import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, TEST_USER2_PASSWORD, TEST_USER2_USERNAME } from '../idp/index.js';
import { startAcrFake, type AcrFake } from '../support/acr-fake.js';
import { entraVerifier } from '../support/entra-verifier.js';
import { useIdpAndHome } from '../support/idp-fixture.js';
import { idpEnv, withDeviceCodeApproval } from '../support/idp-session.js';
import { dockerHelperBin } from '../support/paths.js';
import { requires } from '../support/requires.js';
import { cleanEnv, runCli } from '../support/run-cli.js';
import { runCommand } from '../support/run-command.js';
import { makeTmpHome, type TmpHome } from '../support/tmp-home.js';

const skip = requires('docker-registry', 'openssl');

/**
 * The docker helper with people, not apps: the ACR refresh token it caches belongs to whoever's
 * Entra token was exchanged for it, so a sign-in by another person at the helper's prompt never
 * hands that person's registry token to the first one's later pulls.
 */
const fx = useIdpAndHome({ deviceCodeInterval: 1 });
const ALICE = 'alice@azsess-test.onmicrosoft.com';
const BOB = { username: TEST_USER2_USERNAME, password: TEST_USER2_PASSWORD };
let acr: AcrFake;
/** A second registry (its token endpoints only), for a registry token of another person. */
let other: AcrFake;
let shared: TmpHome;

const env = (extra: Record<string, string> = {}) => idpEnv(fx.idp, { AZSESS_ACR_HOSTS: `${acr.host},${other.host}`, ...extra });
const oidOf = (username: string) => fx.idp.users.find((u) => u.username === username)!.oid;
/** Whose ACR refresh token docker was given: the registry names the person in `sub`. */
const subjectOf = (answer: string) => decodeJwt((JSON.parse(answer) as { Secret: string }).Secret).sub;

/**
 * `docker-credential-azsess get` with its stderr on a terminal (util-linux script), as when docker
 * runs it from a shell, so it may ask a person to sign in; `who` approves the device code.
 */
async function getInTerminal(who: { username?: string; password?: string }): Promise<{ code: number | null; answer: string }> {
  const input = join(fx.tmp.userHome, 'get.in');
  const answer = join(fx.tmp.userHome, 'get.out');
  writeFileSync(input, `${acr.host}\n`);
  const command = `exec '${process.execPath}' '${dockerHelperBin}' get <'${input}' >'${answer}'`;
  let approving: Promise<void> | undefined;
  const r = await runCommand('script', ['-q', '-e', '-c', command, '/dev/null'], {
    env: cleanEnv({ userHome: fx.tmp.userHome, env: env() }),
    onSpawn: (child) => {
      let seen = '';
      child.stdout!.on('data', (d: Buffer) => {
        seen += d.toString();
        const code = /enter the code\s*(?:\x1b\[[0-9;]*m)*([A-Z0-9-]+)/.exec(seen.replace(/\r?\n/g, ' '))?.[1];
        if (code && !approving) approving = fx.idp.approveDeviceCode(code, who);
      });
    },
  });
  await approving;
  return { code: r.code, answer: readFileSync(answer, 'utf8') };
}

const get = (extra: Record<string, string> = {}, host = acr.host) =>
  runCli(['get'], { bin: 'docker-credential-azsess', userHome: fx.tmp.userHome, env: env(extra), input: host });
/** A sign-in; with the registry's scope, later pulls refresh to it (Entra asks for consent to a scope not granted). */
const login = (who: { username?: string; password?: string } = {}, scope: string[] = []) =>
  withDeviceCodeApproval(fx.idp, ['login', '--protocol', 'device-code', ...scope], { userHome: fx.tmp.userHome, env: env() }, who);
const acrScope = ['--scope', 'https://containerregistry.azure.net/.default'];

describe('docker credential helper and accounts', { skip }, () => {
  // In the suite: the file's IdP is up by then.
  before(async () => {
    if (skip) return;
    shared = makeTmpHome();
    const verifier = await entraVerifier(fx.idp);
    acr = await startAcrFake(verifier, join(shared.userHome, 'acr'));
    other = await startAcrFake(verifier, join(shared.userHome, 'other'), { registry: false });
  });
  after(async () => {
    await acr?.close();
    await other?.close();
    shared?.cleanup();
  });

  test("another person signing in at the helper's prompt: the registry token is theirs, and never the first account's", async () => {
    const alice = await login();
    assert.equal(alice.code, 0, alice.stderr);
    // Alice's session dies, so the helper asks for a sign-in, and Bob is the one who signs in.
    fx.idp.revokeRefreshTokens();
    const bob = await getInTerminal(BOB);
    assert.equal(bob.code, 0, bob.answer);
    assert.equal(subjectOf(bob.answer), oidOf(BOB.username), "Bob's Entra token was exchanged");

    const exchanges = acr.exchanges.length;
    // Alice by object id and by UPN: the helper had picked her (the default account) before Bob signed in.
    for (const alice of [oidOf(ALICE), ALICE]) {
      const asAlice = await get({ AZSESS_ACCOUNT: alice });
      assert.notEqual(asAlice.code === 0 && subjectOf(asAlice.stdout), oidOf(BOB.username), "Alice is never handed Bob's registry token");
      assert.equal(asAlice.code, 1, 'Alice must sign in again (her session is dead)');
      assert.match(asAlice.stdout, /signing in needs a person at a terminal/);
    }

    const asBob = await get({ AZSESS_ACCOUNT: BOB.username });
    assert.equal(asBob.code, 0, asBob.stdout + asBob.stderr);
    assert.equal(subjectOf(asBob.stdout), oidOf(BOB.username));
    assert.equal(acr.exchanges.length, exchanges, "Bob's registry token is cached under Bob: no new exchange");
  });

  // Docker users export AZSESS_ACCOUNT, and plain clear-cache takes it as --account.
  const clears: Array<{ how: string; args: string[]; extra: Record<string, string> }> = [
    { how: '--account', args: ['--account', BOB.username], extra: {} },
    { how: 'AZSESS_ACCOUNT', args: [], extra: { AZSESS_ACCOUNT: BOB.username } },
  ];
  for (const { how, args, extra } of clears) {
    test(`clear-cache with ${how} takes that person's registry tokens with their sessions, and leaves the others'`, async () => {
      assert.equal((await login({}, acrScope)).code, 0);
      assert.equal((await login(BOB, acrScope)).code, 0);
      const alice = await get({ AZSESS_ACCOUNT: ALICE }, other.host);
      assert.equal(alice.code, 0, alice.stdout + alice.stderr);
      assert.equal(subjectOf(alice.stdout), oidOf(ALICE));
      const bob = await get({ AZSESS_ACCOUNT: BOB.username });
      assert.equal(bob.code, 0, bob.stdout + bob.stderr);
      assert.equal(subjectOf(bob.stdout), oidOf(BOB.username));

      const clear = await runCli(['clear-cache', ...args], { userHome: fx.tmp.userHome, env: env(extra) });
      assert.equal(clear.code, 0, clear.stderr);
      assert.match(clear.stderr, /Removed \d+ sessions? and 1 cached registry token from /);
      const exchanges = acr.exchanges.length;
      const asBob = await get({ AZSESS_ACCOUNT: BOB.username });
      assert.equal(asBob.stdout === bob.stdout, false, "Bob's registry token went with his sessions");
      assert.equal(asBob.code, 1, 'Bob must sign in again');
      assert.match(asBob.stdout, /signing in needs a person at a terminal/);
      assert.equal(acr.exchanges.length, exchanges);

      const exchangesOther = other.exchanges.length;
      const stillAlice = await get({ AZSESS_ACCOUNT: ALICE }, other.host);
      assert.deepEqual([stillAlice.code, stillAlice.stdout], [0, alice.stdout], "Alice's registry token is untouched");
      assert.equal(other.exchanges.length, exchangesOther, 'a cache hit: no exchange');
    });
  }

  test("a person's registry token stored without an account, its sessions gone, is not handed to the next pull", async () => {
    assert.equal((await login({}, acrScope)).code, 0);
    const first = await get();
    assert.equal(first.code, 0, first.stdout + first.stderr);
    // As an older azsess left it: no account on the registry token, and the sessions cleared.
    const path = join(fx.tmp.home, 'sessions.json');
    const file = JSON.parse(readFileSync(path, 'utf8')) as { sessions: unknown[]; azsess: { registries: Record<string, Record<string, unknown>> } };
    const entry = file.azsess.registries[acr.host]!;
    delete entry.account;
    delete entry.account_oid;
    file.sessions = [];
    writeFileSync(path, JSON.stringify(file), { mode: 0o600 });
    const exchanges = acr.exchanges.length;
    const next = await get();
    assert.equal(next.stdout === first.stdout, false, 'the account-less registry token is handed to nobody');
    assert.equal(next.code, 1);
    assert.match(next.stdout, /signing in needs a person at a terminal/);
    assert.equal(acr.exchanges.length, exchanges);
  });
});
