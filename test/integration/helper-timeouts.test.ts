import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../support/run-cli.js';
import { makeTmpHome } from '../support/tmp-home.js';

/**
 * Issue 19 item 5: a network give-up says how to give the command more time as the command takes it:
 * git's helper takes no --timeout, so it names AZSESS_TIMEOUT; token names its flag.
 */

let hang: Server;
const held: Socket[] = [];
let authority = '';
before(async () => {
  // Accepts and never answers: every attempt runs into the deadline.
  hang = createServer((socket) => void held.push(socket));
  await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
  const address = hang.address();
  authority = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
after(async () => {
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => hang.close(resolve));
});

const appEnv = () => ({
  AZURE_AUTHORITY_HOST: authority,
  AZURE_TENANT_ID: '7e57a1d0-0000-4000-8000-00000000a2e5',
  AZURE_CLIENT_ID: '7e57c11e-0000-4000-8000-00000000c0c0',
  AZURE_CLIENT_SECRET: 'not-a-real-secret-value',
  AZSESS_TIMEOUT: '2',
});

describe('the deadline named as each command takes it', () => {
  test('git-credential names AZSESS_TIMEOUT, token names --timeout', async () => {
    const tmp = makeTmpHome();
    try {
      const git = await runCli(['git-credential', 'get', '--protocol', 'client-credentials'], {
        userHome: tmp.userHome,
        env: appEnv(),
        input: 'protocol=https\nhost=dev.azure.com\n\n',
      });
      assert.notEqual(git.code, 0, git.stderr);
      assert.match(git.stderr, /or raise AZSESS_TIMEOUT \(seconds, default 60\)\.\n$/);
      assert.doesNotMatch(git.stderr, /--timeout/);
      const token = await runCli(['token', '--protocol', 'client-credentials'], { userHome: tmp.userHome, env: appEnv() });
      assert.equal(token.code, 5, token.stderr);
      assert.match(token.stderr, /or raise --timeout\.\n$/);
    } finally {
      tmp.cleanup();
    }
  });
});
