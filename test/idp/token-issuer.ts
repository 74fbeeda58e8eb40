import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { Faults } from './faults.js';
import { listenLoopback, pathOf, sendJson } from './http-server.js';
import { IssuedValues } from './issued-values.js';
import { JwtSigner } from './mi-token.js';
import { RequestLog } from './request-log.js';

/** What a workload token says; `ttl` in seconds from now, negative for a token already expired. */
export interface WorkloadTokenClaims {
  subject: string;
  audience: string | string[];
  ttl?: number;
  /** More claims, e.g. GitHub's `repository` and `ref`. */
  extra?: Record<string, unknown>;
}

/**
 * An OIDC issuer of workload tokens: what GitHub, Azure DevOps or a Kubernetes cluster is to Entra.
 * It signs RS256 tokens and publishes its keys at `<issuer>/.well-known/openid-configuration`,
 * whose `jwks_uri` is `<issuer>/.well-known/jwks`; the test IdP fetches them there, as Entra does.
 */
export class WorkloadTokenIssuer {
  readonly #signer = new JwtSigner();

  constructor(
    /** `iss` of the tokens, an http URL on loopback. */
    readonly issuer: string,
    readonly issued: IssuedValues,
  ) {}

  /** A signed token; recorded in `issued` as a `federated_token`. */
  sign(claims: WorkloadTokenClaims): string {
    const now = Math.floor(Date.now() / 1000);
    const ttl = claims.ttl ?? 300;
    const token = this.#signer.sign({
      iss: this.issuer,
      sub: claims.subject,
      aud: claims.audience,
      jti: randomUUID(),
      iat: Math.min(now, now + ttl - 60),
      nbf: Math.min(now, now + ttl - 60),
      exp: now + ttl,
      ...claims.extra,
    });
    this.issued.record('federated_token', token);
    return token;
  }

  /** `discovery` or `keys` for the issuer's two well-known paths, else undefined. */
  endpointOf(path: string): 'discovery' | 'keys' | undefined {
    const base = new URL(this.issuer).pathname.replace(/\/$/, '');
    if (path === `${base}/.well-known/openid-configuration`) return 'discovery';
    if (path === `${base}/.well-known/jwks`) return 'keys';
    return undefined;
  }

  /** Answers the discovery document or the keys; false when the path is neither. */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    const endpoint = this.endpointOf(pathOf(req));
    if (endpoint === 'discovery') {
      sendJson(res, 200, {
        issuer: this.issuer,
        jwks_uri: `${this.issuer}/.well-known/jwks`,
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    } else if (endpoint === 'keys') {
      sendJson(res, 200, this.#signer.jwks);
    }
    return endpoint !== undefined;
  }
}

/** A workload token issuer on its own loopback server (a Kubernetes cluster, GitLab). */
export interface TestTokenIssuer {
  /** `http://127.0.0.1:PORT`, also the issuer (`iss`). */
  url: string;
  issuer: string;
  /** Requests for the discovery document and the keys (endpoints `discovery`, `keys`). */
  requests: RequestLog;
  issued: IssuedValues;
  faults: Faults;
  sign(claims: WorkloadTokenClaims): string;
  close(): Promise<void>;
}

/** Starts an issuer whose tokens a test writes to a file (AZURE_FEDERATED_TOKEN_FILE). */
export async function startTestTokenIssuer(): Promise<TestTokenIssuer> {
  const requests = new RequestLog();
  const issued = new IssuedValues();
  const faults = new Faults();
  let issuer: WorkloadTokenIssuer | undefined;
  const server = await listenLoopback(async (req, res) => {
    const endpoint = issuer?.endpointOf(pathOf(req)) ?? 'unknown';
    requests.add({ method: req.method ?? 'GET', path: pathOf(req), endpoint, time: Date.now(), headers: req.headers, query: {} });
    await faults.handle(endpoint, req, res, () => {
      if (!issuer?.serve(req, res)) sendJson(res, 404, { error: 'not_found' });
    });
  });
  issuer = new WorkloadTokenIssuer(server.url, issued);
  return {
    url: server.url,
    issuer: issuer.issuer,
    requests,
    issued,
    faults,
    sign: (claims) => issuer!.sign(claims),
    close: () => server.close(),
  };
}
