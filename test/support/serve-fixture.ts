import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt, TEST_USERS } from '../idp/index.js';
import { useIdpAndHome, type IdpFixture } from './idp-fixture.js';
import { idpEnv, withDeviceCodeApproval } from './idp-session.js';
import { startServe, type ServeProcess } from './serve-process.js';

/** What the `azsess serve` test files share: the IdP and a home per test, a sign-in, a server. */
export interface ServeFixture {
  fx: IdpFixture;
  /** The SDK program's own home (not azsess's): empty, so no other credential finds anything. */
  sdkHome(): string;
  /** alice signs in with the device code flow. */
  login(): Promise<void>;
  /** Runs `fn` with a server of the device code sessions, stops it after and checks it exited 0; gives its stderr. */
  withServe(args: string[], fn: (s: ServeProcess) => Promise<void>, env?: Record<string, string>): Promise<string>;
  /** Refresh grants the IdP has seen since its log was reset. */
  refreshes(): number;
  assertAlicesToken(token: string | undefined, audience: string): void;
}

export const alice = TEST_USERS[0]!;

export function useServeFixture(): ServeFixture {
  const fx = useIdpAndHome({ deviceCodeInterval: 1 });
  return {
    fx,
    sdkHome() {
      const home = join(fx.tmp.userHome, 'sdk-user');
      mkdirSync(home, { recursive: true });
      return home;
    },
    async login() {
      const r = await withDeviceCodeApproval(fx.idp, ['login', '--protocol', 'device-code'], { userHome: fx.tmp.userHome, env: idpEnv(fx.idp) });
      assert.equal(r.code, 0, r.stderr);
    },
    async withServe(args, fn, env = idpEnv(fx.idp)) {
      const s = await startServe(['--protocol', 'device-code', ...args], { userHome: fx.tmp.userHome, env });
      try {
        await fn(s);
      } finally {
        const end = await s.stop();
        assert.equal(end.code, 0, end.stderr);
      }
      return s.stderr();
    },
    refreshes: () => fx.idp.requests.count({ endpoint: 'token', grantType: 'refresh_token' }),
    assertAlicesToken(token, audience) {
      assert.ok(token, 'a token');
      const claims = decodeJwt(token);
      assert.equal(claims.aud, audience);
      assert.equal(claims.upn, alice.username);
      assert.equal(claims.oid, alice.oid);
    },
  };
}
