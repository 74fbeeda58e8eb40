import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../../src/domain/errors.js';
import { challengeKeyPath } from '../../../src/protocols/managed-identity/arc.js';

test("Arc's key file: only a .key file directly in the agent's directory, which AZSESS_ARC_KEY_DIRECTORY moves (a test seam)", () => {
  assert.equal(challengeKeyPath('Basic realm=/var/opt/azcmagent/tokens/a.key', 'linux'), '/var/opt/azcmagent/tokens/a.key');
  assert.throws(() => challengeKeyPath('Basic realm=/tmp/t/a.key', 'linux'), /refusing to read it/);
  const seam = { AZSESS_ARC_KEY_DIRECTORY: '/tmp/t' };
  assert.equal(challengeKeyPath('Basic realm=/tmp/t/a.key', 'linux', seam), '/tmp/t/a.key');
  for (const path of ['/tmp/t/sub/a.key', '/tmp/t/../a.key', '/tmp/tx/a.key', '/tmp/t/a.txt', '/var/opt/azcmagent/tokens/a.key']) {
    assert.throws(() => challengeKeyPath(`Basic realm=${path}`, 'linux', seam), /refusing to read it/, path);
  }
  assert.throws(() => challengeKeyPath('Basic realm=/tmp/t/a.key', 'linux', { AZSESS_ARC_KEY_DIRECTORY: 'relative/dir' }), ConfigError);
  assert.equal(challengeKeyPath('Basic realm=D:\\keys\\a.key', 'win32', { AZSESS_ARC_KEY_DIRECTORY: 'D:\\keys' }), 'D:\\keys\\a.key');
  assert.equal(challengeKeyPath('Basic realm=/x/a.key', 'darwin', { AZSESS_ARC_KEY_DIRECTORY: '/x/' }), '/x/a.key', 'any platform, for tests');
});
