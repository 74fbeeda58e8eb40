import { after, afterEach, before, beforeEach } from 'node:test';
import { startTestIdp, type TestIdp, type TestIdpOptions } from '../idp/index.js';
import { makeTmpHome, type TmpHome } from './tmp-home.js';

/** What most integration files share: one test IdP for the file, a fresh user home for each test. */
export interface IdpFixture {
  readonly idp: TestIdp;
  readonly tmp: TmpHome;
  /** The environment of the IdP's confidential app (client credentials with a secret). */
  appEnv(extra?: Record<string, string>): Record<string, string>;
}

/**
 * Registers the hooks: the IdP starts before the file's tests and stops after them; each test
 * gets a new home, and the IdP's request log, faults and loop detection start empty.
 */
export function useIdpAndHome(options?: TestIdpOptions): IdpFixture {
  let idp: TestIdp | undefined;
  let tmp: TmpHome | undefined;
  before(async () => {
    idp = await startTestIdp(options);
  });
  after(() => idp?.close());
  beforeEach(() => {
    tmp = makeTmpHome();
    idp!.requests.reset();
    idp!.faults.clear();
    idp!.resetLoopDetection();
    // A test that failed midway must not leave its refusals to the next one.
    idp!.clearRefusals();
  });
  afterEach(() => tmp?.cleanup());
  const fixture: IdpFixture = {
    get idp() {
      if (!idp) throw new Error('the test IdP starts in a before hook');
      return idp;
    },
    get tmp() {
      if (!tmp) throw new Error('the home is made in a beforeEach hook');
      return tmp;
    },
    appEnv: (extra = {}) => ({
      AZURE_AUTHORITY_HOST: fixture.idp.url,
      AZURE_TENANT_ID: fixture.idp.tenantId,
      AZURE_CLIENT_ID: fixture.idp.confidentialClientId,
      AZURE_CLIENT_SECRET: fixture.idp.clientSecret,
      ...extra,
    }),
  };
  return fixture;
}
