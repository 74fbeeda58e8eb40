import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { entraEndpointOf, startFaultProxy, startTestIdp, type TestIdp } from '../idp/index.js';
import type { Session } from '../../src/domain/session.js';
import { matrixCells, type MatrixCell } from '../support/fault-matrix.js';
import { runCell, type CellTarget } from '../support/fault-matrix-run.js';
import { idpEnv, readStoredSessions, withDeviceCodeApproval } from '../support/idp-session.js';
import { runCli } from '../support/run-cli.js';
import { makeTmpHome } from '../support/tmp-home.js';

/**
 * The fault matrix for Entra ID's endpoints (test/support/fault-matrix.ts): a refresh and a client
 * credentials request at the token endpoint, and the device code endpoint. One test IdP serves
 * every cell, each through its own fault proxy, so that the cells run at once.
 */
let idp: TestIdp;
/** A device code session signed in before the cells, its token expired: what a refresh starts from. */
let signedIn: Session;

before(async () => {
  // Every cell repeats the same refresh or client credentials request: a loop by Entra's count, on purpose.
  idp = await startTestIdp({ deviceCodeInterval: 1, loopDetection: false });
  const tmp = makeTmpHome();
  try {
    const login = await withDeviceCodeApproval(idp, ['login', '--protocol', 'device-code'], { userHome: tmp.userHome, env: idpEnv(idp) });
    assert.equal(login.code, 0, login.stderr);
    signedIn = { ...readStoredSessions(tmp.home)[0]!, expiry: new Date(Date.now() - 60_000) };
  } finally {
    tmp.cleanup();
  }
});
after(() => idp.close());

const flags = (o: { timeoutSeconds: number; verbose: boolean }) => ['--timeout', String(o.timeoutSeconds), ...(o.verbose ? ['--verbose'] : [])];

async function entraTarget(endpoint: string, make: (authority: string) => Pick<CellTarget, 'run' | 'inFlight' | 'assertProduct'>): Promise<CellTarget> {
  const proxy = await startFaultProxy(idp.url, entraEndpointOf);
  return { faults: proxy.faults, requests: proxy.requests, endpoint, secrets: () => idp.issued.values(), close: () => proxy.close(), ...make(proxy.url) };
}

const starts: Record<string, (cell: MatrixCell) => Promise<CellTarget>> = {
  refresh: () =>
    entraTarget('token', (authority) => ({
      inFlight: [{ ...signedIn, authority }],
      run: (o) => runCli(['token', '--no-interactive', ...flags(o)], { userHome: o.userHome, env: idpEnv(idp, { AZURE_AUTHORITY_HOST: authority }) }),
    })),
  'client-credentials': () =>
    entraTarget('token', (authority) => ({
      inFlight: [{
        protocol: 'AzClientCredentials', clientId: idp.confidentialClientId, tenant: idp.tenantId, authority, token: 'expired-app-token-0123456789',
        expiry: new Date(Date.now() - 60_000), refreshToken: '', idToken: '', scope: [], scopeAuth: [], redirectUri: '',
        resource: 'https://vault.azure.net', clientSecret: '', lock: false, extra: {},
      }],
      run: (o) =>
        runCli(['token', '--protocol', 'client-credentials', '--resource', 'https://vault.azure.net', ...flags(o)], {
          userHome: o.userHome,
          env: { AZURE_AUTHORITY_HOST: authority, AZURE_TENANT_ID: idp.tenantId, AZURE_CLIENT_ID: idp.confidentialClientId, AZURE_CLIENT_SECRET: idp.clientSecret },
        }),
    })),
  'device-code': () =>
    entraTarget('devicecode', (authority) => ({
      inFlight: [{ ...signedIn, authority }],
      assertProduct: (r) => assert.match(r.stderr, /Signed in as alice@/),
      run: (o) =>
        withDeviceCodeApproval(idp, ['login', '--protocol', 'device-code', ...flags(o)], { userHome: o.userHome, env: idpEnv(idp, { AZURE_AUTHORITY_HOST: authority }) }),
    })),
};

describe('fault matrix: Entra ID token and device code endpoints', { concurrency: 8 }, () => {
  for (const cell of matrixCells(Object.keys(starts))) {
    test(`${cell.row.label} × ${cell.fault.label}`, () => runCell(cell, starts[cell.row.id]!));
  }
});
