/**
 * Fakes of the managed-identity endpoints azsess talks to, where no real server can run in a
 * test (entra-protocol.md §7). Each listens on 127.0.0.1:0 and returns `{ url, env, requests,
 * issued, faults, jwks, close }`; pass `env` to azsess.
 */
export { startImdsFake, IMDS_TOKEN_PATH } from './mi-imds.js';
export { startAppServiceFake, APP_SERVICE_TOKEN_PATH, type AppServiceFake, type AppServiceFakeOptions } from './mi-app-service.js';
export { startCloudShellFake, CLOUD_SHELL_TOKEN_PATH } from './mi-cloud-shell.js';
export { startArcFake, type ArcFakeOptions } from './mi-arc.js';
export {
  startServiceFabricFake, SERVICE_FABRIC_CERTIFICATE_PATH, SERVICE_FABRIC_TOKEN_PATH, type ServiceFabricFake,
} from './mi-service-fabric.js';
export type { ManagedIdentityFake, ManagedIdentityFakeOptions } from './mi-server.js';
