import { describe, test } from 'node:test';
import { startAppServiceFake, startImdsFake, startServiceFabricFake, type ManagedIdentityFake } from '../idp/managed-identity-fakes.js';
import type { Session } from '../../src/domain/session.js';
import { matrixCells, type MatrixCell } from '../support/fault-matrix.js';
import { runCell, type CellTarget } from '../support/fault-matrix-run.js';
import { runCli } from '../support/run-cli.js';

/**
 * The fault matrix for managed identity (test/support/fault-matrix.ts): IMDS, the App Service
 * identity endpoint and Service Fabric's (https), each cell with a fake of its own.
 */

const resource = 'https://vault.azure.net';

/** The VM session of an earlier run, its token expired. */
function expiredVmSession(): Session {
  return {
    protocol: 'AzVMCredentials', clientId: '', tenant: '', token: 'expired-vm-token-0123456789', expiry: new Date(Date.now() - 60_000),
    refreshToken: '', idToken: '', scope: [], scopeAuth: [], redirectUri: '', resource, clientSecret: '', lock: false, extra: {},
  };
}

async function managedIdentityTarget(start: () => Promise<ManagedIdentityFake>): Promise<CellTarget> {
  const fake = await start();
  return {
    faults: fake.faults,
    requests: fake.requests,
    endpoint: 'token',
    inFlight: [expiredVmSession()],
    secrets: () => fake.issued.values(),
    close: () => fake.close(),
    run: (o) =>
      runCli(['token', '--protocol', 'vm', '--resource', resource, '--timeout', String(o.timeoutSeconds), ...(o.verbose ? ['--verbose'] : [])], {
        userHome: o.userHome,
        env: fake.env,
      }),
  };
}

const starts: Record<string, (cell: MatrixCell) => Promise<CellTarget>> = {
  imds: () => managedIdentityTarget(() => startImdsFake()),
  'app-service': () => managedIdentityTarget(() => startAppServiceFake()),
  'service-fabric': () => managedIdentityTarget(() => startServiceFabricFake()),
};

describe('fault matrix: managed identity endpoints', { concurrency: 8 }, () => {
  for (const cell of matrixCells(Object.keys(starts))) {
    test(`${cell.row.label} × ${cell.fault.label}`, () => runCell(cell, starts[cell.row.id]!));
  }
});
