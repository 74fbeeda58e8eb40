/** The test identity provider, managed-identity fakes and faults; see README.md. */
export * from './constants.js';
export { startTestIdp, type TestIdp, type TestIdpOptions } from './entra.js';
export { ARM_API_VERSION, TEST_SUBSCRIPTIONS, TEST_TENANT_DETAILS, type TestSubscription } from './arm.js';
export { ENTRA_LOOP_DETECTION, type LoopDetectionOptions } from './entra-loop-detection.js';
export type { AuthorizationResult, SignInOptions } from './entra-sign-in.js';
export type { RefreshRefusal, RefusalCode } from './entra-refusals.js';
export { EntraError, entraErrorBody, entraErrors, entraTimestamp, type EntraErrorBody } from './entra-errors.js';
export { GRAPH_APP_ID, KNOWN_RESOURCES, OIDC_SCOPES, RESOURCES, type KnownResource } from './entra-resources.js';
export { isV1Audience, v1Issuer } from './entra-token-version.js';
export * from './managed-identity-fakes.js';
export { startTestTokenIssuer, WorkloadTokenIssuer, type TestTokenIssuer, type WorkloadTokenClaims } from './token-issuer.js';
export {
  startAzurePipelinesOidcFake, startGitHubOidcFake, TEST_SERVICE_CONNECTION_ID, type CiOidcFake, type CiOidcFakeOptions,
} from './ci-oidc-fakes.js';
export { JWT_BEARER } from './entra-client-assertion.js';
export { Faults, applyFault, withFaults, type Fault, type RequestHandler } from './faults.js';
export { entraEndpointOf, startFaultProxy, type FaultProxy } from './fault-proxy.js';
export { RequestLog, type RequestFilter, type RequestRecord } from './request-log.js';
export { IssuedValues, type IssuedKind } from './issued-values.js';
export { listenLoopback, type LoopbackServer } from './http-server.js';
export { HttpBrowser, findForm, textById, type Page } from './http-browser.js';
export { createPkcePair, decodeJwt, getJson, postForm, type JsonResponse } from './test-tools.js';
