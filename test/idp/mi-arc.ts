import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';

import { sendJson } from './http-server.js';
import { IMDS_TOKEN_PATH, answerImdsTokenRequest } from './mi-imds.js';
import { startMiServer, type ManagedIdentityFake, type ManagedIdentityFakeOptions } from './mi-server.js';

const API_VERSIONS = new Set(['2019-11-01', '2020-06-01']);

export interface ArcFakeOptions extends ManagedIdentityFakeOptions {
  /** Absolute path of the key file the fake writes on each challenge (real agents: `/var/opt/azcmagent/tokens/<id>.key`). */
  keyFile: string;
}

/**
 * Fake Azure Arc agent (himds), `GET /metadata/identity/oauth2/token`: without `Authorization`
 * it writes a new random key to `keyFile` and answers 401 with `WWW-Authenticate: Basic
 * realm=<keyFile>`; with `Authorization: Basic <key file contents>` it answers like IMDS.
 * System-assigned only. env: `IDENTITY_ENDPOINT` (token URL) and `IMDS_ENDPOINT` (base URL).
 */
export async function startArcFake(options: ArcFakeOptions): Promise<ManagedIdentityFake> {
  if (!isAbsolute(options.keyFile)) throw new TypeError('keyFile must be an absolute path');
  const keys = new Set<string>();
  return startMiServer({
    endpointOf: (r) => (r.path !== IMDS_TOKEN_PATH ? 'other' : r.req.headers.authorization ? 'token' : 'challenge'),
    env: (url) => ({ IDENTITY_ENDPOINT: `${url}${IMDS_TOKEN_PATH}`, IMDS_ENDPOINT: url }),
    async handle(r, { signer, issued }) {
      if (r.path !== IMDS_TOKEN_PATH) return sendJson(r.res, 404, { error: 'not_found', error_description: 'Not found' });
      if (r.req.headers.metadata !== 'true') {
        return sendJson(r.res, 400, { error: 'bad_request_102', error_description: 'Required metadata header not specified' });
      }
      if (!API_VERSIONS.has(r.query['api-version'] ?? '')) {
        return sendJson(r.res, 400, { error: 'invalid_request', error_description: `Unsupported api-version '${r.query['api-version'] ?? ''}'` });
      }
      const authorization = r.req.headers.authorization;
      if (!authorization) {
        const key = randomBytes(32).toString('hex');
        await mkdir(dirname(options.keyFile), { recursive: true, mode: 0o700 });
        await writeFile(options.keyFile, key, { mode: 0o600 });
        keys.add(key);
        issued.record('arc_key', key);
        return sendJson(r.res, 401, { error: 'unauthorized_client', error_description: 'Basic authentication with the key file is required' },
          { 'www-authenticate': `Basic realm=${options.keyFile}` });
      }
      const presented = /^Basic (.+)$/.exec(authorization)?.[1];
      if (!presented || !keys.has(presented)) {
        return sendJson(r.res, 401, { error: 'invalid_client', error_description: 'The key presented is not valid' });
      }
      return answerImdsTokenRequest(r, options, signer, issued, false);
    },
    onClose: () => rm(options.keyFile, { force: true }),
  });
}
