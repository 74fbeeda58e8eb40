import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { decodeJwt, startTestIdp, type TestIdp } from '../idp/index.js';
import { entraVerifier } from '../support/entra-verifier.js';
import { DEVOPS_AUDIENCE, startGitServer, type GitServer } from '../support/git-server.js';
import { idpEnv, readStoredSessions, withDeviceCodeApproval } from '../support/idp-session.js';
import { azsessBin } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { runCommand } from '../support/run-command.js';
import { makeTmpHome, type TmpHome } from '../support/tmp-home.js';
import { requires } from '../support/requires.js';

const skip = requires('git');

/**
 * The real git clones and pushes over smart HTTP (git http-backend) from a loopback server that
 * accepts only a DevOps-audience token of the test identity provider as the Basic password;
 * `azsess setup git` wrote the helper into git's global configuration.
 */

let idp: TestIdp;
/** Where the served repository lives, apart from any test's home. */
let serverDir: TmpHome;
/** A home a person signed in to once, consenting to Azure DevOps among the defaults. */
let signedIn: TmpHome;
/** The home of the running test: a copy of `signedIn`. */
let tmp: TmpHome;
let server: GitServer;
let output = '';

function gitEnv(home: TmpHome): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home.userHome,
    LANG: 'C.UTF-8',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    ...idpEnv(idp),
  };
}

async function git(args: string[], cwd = tmp.userHome, home = tmp) {
  const result = await runCommand('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { env: gitEnv(home), cwd });
  output += result.stdout + result.stderr;
  return result;
}

/** `azsess setup git`, as a person runs it once. */
function setupGit() {
  return runCli(['setup', 'git', '--global', '--allow-host', server.host], { userHome: tmp.userHome, env: idpEnv(idp) });
}

before(async () => {
  if (skip) return;
  idp = await startTestIdp({ deviceCodeInterval: 1 });
  serverDir = makeTmpHome();
  signedIn = makeTmpHome();
  const root = join(serverDir.userHome, 'srv');
  mkdirSync(root);
  // A bare repository with one commit, made without the server.
  assert.equal((await git(['init', '--quiet', '--bare', '--initial-branch=main', join(root, 'repo.git')], serverDir.userHome, serverDir)).code, 0);
  const seed = join(serverDir.userHome, 'seed');
  assert.equal((await git(['init', '--quiet', '--initial-branch=main', seed], serverDir.userHome, serverDir)).code, 0);
  writeFileSync(join(seed, 'README'), 'hello\n');
  await git(['add', 'README'], seed, serverDir);
  await git(['commit', '--quiet', '-m', 'first'], seed, serverDir);
  assert.equal((await git(['push', '--quiet', join(root, 'repo.git'), 'main'], seed, serverDir)).code, 0);
  server = await startGitServer(root, await entraVerifier(idp));
  const login = await withDeviceCodeApproval(
    idp,
    ['login', '--scope-auth', 'https://management.azure.com/user_impersonation', '--scope-auth', `${DEVOPS_AUDIENCE}/user_impersonation`],
    { userHome: signedIn.userHome, env: idpEnv(idp) },
  );
  assert.equal(login.code, 0, login.stderr);
});

// Each test starts from the signed-in home and sets up the rest itself, so any one runs alone.
beforeEach(() => {
  tmp = makeTmpHome();
  cpSync(signedIn.home, tmp.home, { recursive: true });
});
afterEach(() => tmp.cleanup());

after(async () => {
  if (skip) return;
  await server?.close();
  await idp?.close();
  signedIn?.cleanup();
  serverDir?.cleanup();
});

describe('git credential helper through the real git', { skip }, () => {
  test('setup git writes the helper; git clones and pushes with a DevOps token; a second clone asks the IdP nothing', async () => {
    const setup = await setupGit();
    assert.equal(setup.code, 0, setup.stderr);
    assert.equal(setup.stdout, '');
    const gitconfig = readFileSync(join(tmp.userHome, '.gitconfig'), 'utf8');
    assert.match(gitconfig, /\[credential "https:\/\/dev\.azure\.com"\]\n\thelper = \n\thelper = !\S+ git-credential --allow-host 127\.0\.0\.1:\d+\n\tuseHttpPath = true/);
    assert.match(gitconfig, /\[credential "https:\/\/\*\.visualstudio\.com"\]/);
    assert.match(gitconfig, new RegExp(`\\[credential "http://${server.host}"\\]`));
    assert.ok(gitconfig.includes(azsessBin), 'azsess is not on PATH here, so the helper names the script itself');
    assert.match(setup.stderr, /Wrote to git's global configuration:\ncredential\.https:\/\/dev\.azure\.com\.helper=""/);

    idp.requests.reset();
    const clone = await git(['clone', '--quiet', `${server.url}/repo.git`, 'one']);
    assert.equal(clone.code, 0, clone.stderr);
    assert.equal(readFileSync(join(tmp.userHome, 'one', 'README'), 'utf8'), 'hello\n');
    // The ARM session's refresh token bought the DevOps token: no new sign-in.
    assert.equal(idp.requests.count({ endpoint: 'token', grantType: 'refresh_token' }), 1);
    assert.equal(idp.requests.count({ endpoint: 'devicecode' }), 0);
    assert.ok(server.log.some((r) => r.outcome === 'ok'));
    assert.ok(!server.log.some((r) => r.outcome === 'refused'), JSON.stringify(server.log));
    const devops = readStoredSessions(tmp.home).find((s) => s.scope.includes(`${DEVOPS_AUDIENCE}/.default`));
    assert.equal(decodeJwt(devops!.token).aud, DEVOPS_AUDIENCE);

    const work = join(tmp.userHome, 'one');
    writeFileSync(join(work, 'CHANGES'), 'pushed through azsess\n');
    await git(['add', 'CHANGES'], work);
    await git(['commit', '--quiet', '-m', 'second'], work);
    const push = await git(['push', '--quiet', 'origin', 'main'], work);
    assert.equal(push.code, 0, push.stderr);

    idp.requests.reset();
    const again = await git(['clone', '--quiet', `${server.url}/repo.git`, 'two']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(readFileSync(join(tmp.userHome, 'two', 'CHANGES'), 'utf8'), 'pushed through azsess\n');
    assert.equal(idp.requests.count(), 0, 'the cached token was reused');
    assert.deepEqual(idp.issued.findIn(output + setup.stderr), []);
  });

  test('a token the server refuses is erased: the next get refreshes it and keeps the refresh token', async () => {
    assert.equal((await setupGit()).code, 0);
    assert.equal((await git(['ls-remote', `${server.url}/repo.git`])).code, 0, 'a DevOps token is cached');
    const before = readStoredSessions(tmp.home).find((s) => s.scope.includes(`${DEVOPS_AUDIENCE}/.default`))!;
    server.refuseNext(1);
    const refused = await git(['ls-remote', `${server.url}/repo.git`]);
    assert.notEqual(refused.code, 0);
    const erased = readStoredSessions(tmp.home).find((s) => s.scope.includes(`${DEVOPS_AUDIENCE}/.default`))!;
    assert.equal(erased.token, '', 'git called erase, which dropped the access token');
    assert.equal(erased.refreshToken, before.refreshToken);

    idp.requests.reset();
    const next = await git(['ls-remote', `${server.url}/repo.git`]);
    assert.equal(next.code, 0, next.stderr);
    assert.equal(idp.requests.count({ endpoint: 'token', grantType: 'refresh_token' }), 1);
    assert.deepEqual(idp.issued.findIn(output), []);
  });

  test('the helper answers only allowed hosts over https (or loopback http), and echoes git’s user name', async () => {
    const ask = (lines: string[], args: string[] = []) =>
      runCli(['git-credential', 'get', ...args], { userHome: tmp.userHome, env: idpEnv(idp), input: `${lines.join('\n')}\n\n` });
    idp.requests.reset();
    for (const host of ['github.com', 'dev.azure.com.example.com', 'evil.visualstudio.com.example.com', 'a.b.visualstudio.com', server.host]) {
      const r = await ask(['protocol=https', `host=${host}`]);
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', ''], host);
    }
    const plain = await ask(['protocol=http', 'host=dev.azure.com']);
    assert.deepEqual([plain.code, plain.stdout], [0, ''], 'never a token over plain http to a remote host');
    assert.equal(idp.requests.count(), 0);

    const answer = await ask(['protocol=https', 'host=contoso.visualstudio.com', 'username=alice', 'capability[]=authtype', 'wwwauth[]=Basic realm="x"']);
    assert.equal(answer.code, 0, answer.stderr);
    const fields = Object.fromEntries(answer.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    assert.deepEqual(Object.keys(fields), ['username', 'password', 'password_expiry_utc']);
    assert.equal(fields.username, 'alice');
    assert.equal(decodeJwt(fields.password!).aud, DEVOPS_AUDIENCE);
    assert.ok(Math.abs(Number(fields.password_expiry_utc) - decodeJwt(fields.password!).exp) < 120);
    const store = await runCli(['git-credential', 'store'], { userHome: tmp.userHome, env: idpEnv(idp), input: answer.stdout });
    assert.deepEqual([store.code, store.stdout], [0, '']);
  });
});
