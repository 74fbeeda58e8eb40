import { generateKeyPairSync, randomBytes } from 'node:crypto';

import type Provider from 'oidc-provider';
import type { KoaContext } from 'oidc-provider';

import { oidIn } from './constants.js';
import { parseClaimsRequest } from './entra-claims.js';
import { clientMetadata, findClient, findUserByOid, redirectAllowed } from './entra-directory.js';
import { deviceCodePage, deviceConfirmPage, errorPage, successPage } from './entra-pages.js';
import { audienceFor, permissionNames, resourceForIndicator } from './entra-resources.js';
import { createStorage } from './entra-storage.js';
import { withTokenVersion } from './entra-token-version.js';
import { loadOidcProvider } from './load-oidc-provider.js';
import { requestContext } from './entra-request-context.js';
import { tenantIdFor } from './entra-routes.js';

export interface ProviderSettings {
  /** Issuer: `<authority host>/<tenant id>/v2.0`, Entra's v2 issuer form. */
  issuer: string;
  accessTokenTtl: number;
  /** Lifetime of access tokens for clients that declare the `cp1` capability (CAE). */
  caeAccessTokenTtl: number;
  refreshTokenTtl: number;
  deviceCodeExpiresIn: number;
  rotateRefreshTokens: boolean;
}

/** Entra's routes below the tenant segment; the adapter strips the tenant before oidc-provider. */
const ROUTES = {
  authorization: '/oauth2/v2.0/authorize',
  token: '/oauth2/v2.0/token',
  device_authorization: '/oauth2/v2.0/devicecode',
  code_verification: '/devicelogin',
  jwks: '/discovery/v2.0/keys',
};

function signingKey(): Record<string, unknown> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' };
}

async function findAccount(ctx: KoaContext | undefined, sub: string) {
  const user = findUserByOid(sub);
  if (!user) return undefined;
  // The tenant of the path the token is asked at (the home tenant for common and organizations).
  const tid = tenantIdFor(ctx?.req ? requestContext(ctx.req)?.tenant : undefined, user);
  return {
    accountId: user.oid,
    async claims() {
      return {
        sub: user.oid, oid: oidIn(user, tid), tid, ver: '2.0',
        preferred_username: user.username, name: user.name, email: user.username,
      };
    },
  };
}

/** Reshapes oidc-provider's JWT access token into Entra's claim set. */
async function customizeAccessToken(ctx: KoaContext | undefined, token: any, jwt: { header?: object; payload: Record<string, any> }) {
  const p = jwt.payload;
  const user = findUserByOid(token.accountId);
  const entra = ctx ? requestContext(ctx.req) : undefined;
  // appidacr: 0 public client, 1 secret, 2 certificate or federated assertion.
  const secretUsed = entra?.clientAuth ? '2' : token.client?.clientAuthMethod !== 'none' ? '1' : '0';
  const acrs = parseClaimsRequest(entra?.claims).acrs;
  const common = {
    aud: p.aud, iss: p.iss, iat: p.iat, nbf: p.iat, exp: p.exp,
    tid: tenantIdFor(entra?.tenant, user), appid: p.client_id, azp: p.client_id, appidacr: secretUsed, azpacr: secretUsed,
    uti: p.jti, ver: '2.0', ...(acrs.length > 0 ? { acrs } : {}),
  };
  jwt.header = { typ: 'JWT' };
  if (user) {
    jwt.payload = {
      ...common, idtyp: 'user', oid: oidIn(user, common.tid), sub: user.oid, name: user.name,
      preferred_username: user.username, upn: user.username, unique_name: user.username,
      scp: permissionNames(token.scopes ?? []).join(' '),
    };
  } else {
    const oid = findClient(p.client_id)?.oid ?? p.client_id;
    jwt.payload = { ...common, idtyp: 'app', oid, sub: oid };
  }
  jwt.payload = withTokenVersion(jwt.payload);
}

async function getResourceServerInfo(indicator: string, settings: ProviderSettings, invalidTarget: () => Error) {
  const resource = resourceForIndicator(indicator);
  if (!resource) throw invalidTarget();
  return {
    scope: resource.permissions.map((p) => `${resource.id}/${p}`).join(' '),
    audience: audienceFor(indicator),
    accessTokenFormat: 'jwt',
    accessTokenTTL: settings.accessTokenTtl,
    jwt: { sign: { alg: 'RS256' } },
  };
}

function deviceFlowPages() {
  const action = (ctx: KoaContext) => ctx.oidc.urlFor('code_verification');
  return {
    enabled: true,
    charset: 'base-20',
    mask: '*********',
    async userCodeInputSource(ctx: KoaContext, _form: string, _out: unknown, err?: { name?: string; userCode?: string }) {
      const declined = err?.name === 'AbortedError';
      const error = !err || declined ? undefined
        : err.name === 'ExpiredError' ? 'AADSTS70019: The code you entered has expired. Get a new code from the device.'
          : err.name === 'AlreadyUsedError' ? 'AADSTS90120: This code was already used. Get a new code from the device.'
            : err.userCode !== undefined || err.name === 'NoCodeError' || err.name === 'NotFoundError'
              ? "AADSTS70018: The code you entered didn't work. Check the code and try again."
              : 'There was an error processing your request.';
      ctx.type = 'html';
      ctx.body = deviceCodePage({ action: action(ctx), xsrf: ctx.oidc.session.state.secret, userCode: err?.userCode, error, declined });
    },
    async userCodeConfirmSource(ctx: KoaContext, _form: string, client: { clientName?: string; clientId: string }, _info: unknown, userCode: string) {
      ctx.type = 'html';
      ctx.body = deviceConfirmPage({
        action: action(ctx), xsrf: ctx.oidc.session.state.secret, userCode, clientName: client.clientName ?? client.clientId,
      });
    },
    async successSource(ctx: KoaContext) {
      ctx.type = 'html';
      ctx.body = successPage(ctx.oidc.client?.clientName ?? ctx.oidc.client?.clientId ?? 'the application');
    },
  };
}

/** Builds the oidc-provider instance that serves every grant of the test IdP. */
export async function createEntraProvider(settings: ProviderSettings): Promise<Provider> {
  const { default: OidcProvider, errors } = await loadOidcProvider();
  const provider = new OidcProvider(settings.issuer, {
    adapter: createStorage({ consumeRefreshTokens: settings.rotateRefreshTokens }),
    clients: clientMetadata(),
    jwks: { keys: [signingKey()] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    claims: {
      openid: ['sub', 'tid', 'oid', 'ver', 'preferred_username', 'name'],
      profile: ['name', 'preferred_username'],
      email: ['email'],
    },
    conformIdTokenClaims: false,
    routes: ROUTES,
    features: {
      devInteractions: { enabled: false },
      deviceFlow: deviceFlowPages(),
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // The first resource asked at sign-in is the default, as in Entra.
        defaultResource: async (_ctx: unknown, _client: unknown, oneOf?: string[]) => oneOf?.[0],
        useGrantedResource: async () => true,
        getResourceServerInfo: (_ctx: unknown, indicator: string) => getResourceServerInfo(indicator, settings, () => new errors.InvalidTarget()),
      },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
    },
    interactions: {
      url: async (ctx: KoaContext, interaction: { uid: string }) => `${requestContext(ctx.req)?.tenantPath ?? ''}/interaction/${interaction.uid}`,
    },
    findAccount,
    formats: { customizers: { jwt: customizeAccessToken } },
    // Rotation always issues a new value (Entra does); the store decides whether the old one dies.
    rotateRefreshToken: true,
    expiresWithSession: async () => false,
    clientBasedCORS: () => false,
    renderError: async (ctx: KoaContext, out: { error?: string; error_description?: string }) => {
      ctx.type = 'html';
      ctx.body = errorPage('Sign in failed', `${out.error ?? 'error'}: ${out.error_description ?? ''}`, ctx.status);
    },
    ttl: {
      AccessToken: (ctx: KoaContext) => accessTokenTtl(ctx, settings),
      ClientCredentials: (ctx: KoaContext) => accessTokenTtl(ctx, settings),
      AuthorizationCode: 600,
      DeviceCode: settings.deviceCodeExpiresIn,
      IdToken: 3600,
      RefreshToken: settings.refreshTokenTtl,
      Interaction: 3600,
      Session: 86400,
      Grant: 400 * 86400,
    },
  });
  matchRedirectsAsEntra(provider);
  return provider;
}

/** CAE-capable clients (claims with `xms_cc` cp1) get long-lived tokens, as from Entra (20-28 h). */
function accessTokenTtl(ctx: KoaContext | undefined, settings: ProviderSettings): number {
  const claims = ctx ? requestContext(ctx.req)?.claims : undefined;
  return parseClaimsRequest(claims).cae ? settings.caeAccessTokenTtl : settings.accessTokenTtl;
}

/** Entra's redirect matching (entra-directory.ts): port ignored on localhost, path kept. */
function matchRedirectsAsEntra(provider: Provider): void {
  const proto = provider.Client.prototype;
  proto.redirectUriAllowed = function redirectUriAllowed(this: any, value: string): boolean {
    const client = findClient(this.clientId);
    return client ? redirectAllowed(client, value) : false;
  };
}
