import { AuthenticationError, ConfigError, ServiceError } from '../../domain/errors.js';
import { rememberSecret } from '../../domain/redact.js';
import { endpointOf, parseManagedIdentityResponse } from './response.js';
import type { ManagedIdentitySource } from './types.js';

const maxKeyBytes = 4096;

/**
 * Where the Arc agent writes its challenge keys; a challenge naming another file is refused.
 * AZSESS_ARC_KEY_DIRECTORY moves it: a test seam (docs/cli.md), as the agent's directory is root's.
 */
function keyDirectory(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const seam = env.AZSESS_ARC_KEY_DIRECTORY;
  if (seam !== undefined && seam !== '') {
    const sep = platform === 'win32' ? '\\' : '/';
    if (!(platform === 'win32' ? /^[a-z]:\\/i.test(seam) : seam.startsWith('/'))) {
      throw new ConfigError(`AZSESS_ARC_KEY_DIRECTORY must be an absolute directory, not "${seam}"; fix or unset it.`);
    }
    return seam.endsWith(sep) ? seam : `${seam}${sep}`;
  }
  if (platform === 'linux') return '/var/opt/azcmagent/tokens/';
  if (platform === 'win32') return `${env.ProgramData ?? 'C:\\ProgramData'}\\AzureConnectedMachineAgent\\Tokens\\`;
  return undefined;
}

/** The key file named by the 401 challenge, checked before it is read (entra-protocol.md 7.5). */
export function challengeKeyPath(
  header: string | undefined,
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>> = {},
): string {
  const match = /^Basic realm=(.+)$/i.exec(header?.trim() ?? '');
  if (!match) throw new ServiceError('Azure Arc answered 401 without a Basic realm challenge naming its key file.');
  const path = match[1]!.trim().replace(/^"|"$/g, '');
  const dir = keyDirectory(platform, env);
  if (!dir) throw new ConfigError(`Azure Arc managed identity is not supported on ${platform}.`);
  const inDir = platform === 'win32' ? path.toLowerCase().startsWith(dir.toLowerCase()) : path.startsWith(dir);
  if (!inDir || !path.endsWith('.key') || path.slice(dir.length).includes('..') || /[\\/]/.test(path.slice(dir.length))) {
    throw new AuthenticationError(`Azure Arc named the key file ${path}, which is not a .key file in ${dir}; refusing to read it.`);
  }
  return path;
}

/**
 * Azure Arc-enabled servers (entra-protocol.md 7.5): the first request is answered 401 with the
 * path of a key file only an administrator can read; its contents authorise the second request.
 */
export const arc: ManagedIdentitySource = {
  name: 'Azure Arc',
  detect: (env) => Boolean(env.IDENTITY_ENDPOINT && env.IMDS_ENDPOINT && !env.IDENTITY_HEADER),
  async acquire(resource, identity, deps) {
    if (identity.clientId || identity.objectId || identity.resourceId) {
      throw new ConfigError('Azure Arc has only a system-assigned identity; drop --client-id, --object-id and --msi-res-id.');
    }
    const url = endpointOf(deps.env, 'IDENTITY_ENDPOINT');
    url.searchParams.set('api-version', '2020-06-01');
    url.searchParams.set('resource', resource);
    const request = { method: 'GET' as const, url: url.toString(), purpose: 'the Azure Arc identity endpoint', direct: true };
    const challenge = await deps.http.send({ ...request, headers: { Metadata: 'true' } });
    if (challenge.status !== 401) {
      throw new ServiceError(`the Azure Arc identity endpoint at ${url.host} answered HTTP ${challenge.status} instead of its 401 key challenge.`);
    }
    const keyPath = challengeKeyPath(challenge.headers['www-authenticate'], deps.platform, deps.env);
    let key: string;
    try {
      key = deps.readFile(keyPath, maxKeyBytes);
    } catch (err) {
      throw new AuthenticationError(
        `Could not read the Azure Arc key file ${keyPath} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); run as root or a member of the himds group.`,
      );
    }
    rememberSecret(key.trim());
    const requestStart = deps.now();
    const res = await deps.http.send({ ...request, headers: { Metadata: 'true', Authorization: `Basic ${key.trim()}` } });
    return parseManagedIdentityResponse(res, 'the Azure Arc identity endpoint', url.host, requestStart);
  },
};
