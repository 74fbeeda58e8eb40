import { ConfigError } from '../domain/errors.js';
import { parseRegistry } from './docker-config.js';

/**
 * The docker-credential-helpers protocol, as `HandleCommand(helper, action, in, out)` has it: the
 * action is the first argument, the input comes on stdin, the answer (or a one-line error) goes to
 * stdout, and the exit code is 0 or 1. docker goes on without credentials when a helper answers
 * exactly `credentials not found in native keychain`.
 */

export const credentialsNotFound = 'credentials not found in native keychain';

export const dockerActions = ['get', 'store', 'erase', 'list', 'version'] as const;

/** Azure Container Registry login servers, anchored: `evil.azurecr.io.example.com` is not one. */
const acrHost = /^[a-z0-9]+\.azurecr\.(io|us|cn)$/;

/** The registry host[:port] in what docker sends: a bare host, or a URL such as https://host/v2/. */
export function registryHostOf(serverUrl: string): string | undefined {
  const trimmed = serverUrl.trim().toLowerCase();
  const host = trimmed.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').split('/')[0] ?? '';
  return host === '' || host.includes('@') ? undefined : host;
}

/** AZSESS_ACR_HOSTS: comma-separated host[:port] of registries that speak ACR's token exchange. */
export function parseAcrHosts(value: string | undefined): string[] {
  if (!value || value.trim() === '') return [];
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      try {
        return parseRegistry(part, 'AZSESS_ACR_HOSTS entry');
      } catch {
        throw new ConfigError(`AZSESS_ACR_HOSTS entry '${part}' is not host[:port]; fix or unset AZSESS_ACR_HOSTS.`);
      }
    });
}

/** True for an ACR login server or a host listed in AZSESS_ACR_HOSTS. */
export function servesRegistry(host: string, acrHosts: readonly string[]): boolean {
  return acrHost.test(host) || acrHosts.includes(host);
}

export interface RegistryCredential {
  username: string;
  secret: string;
}

export interface DockerHelperDeps {
  acrHosts: readonly string[];
  credentialFor(host: string): Promise<RegistryCredential>;
  erase(host: string): Promise<void>;
  /** Cached registries to their user names. */
  list(): Promise<Record<string, string>>;
  version: string;
}

export interface DockerAnswer {
  stdout: string;
  exitCode: 0 | 1;
}

const usage = `Usage: docker-credential-azsess <${dockerActions.join('|')}>`;

/** One helper call. Errors other than "not found" are thrown, for the caller to print as one line. */
export async function handleDockerCommand(action: string | undefined, input: string, deps: DockerHelperDeps): Promise<DockerAnswer> {
  switch (action) {
    case 'get': {
      const serverUrl = input.trim();
      const host = registryHostOf(serverUrl);
      if (!host || !servesRegistry(host, deps.acrHosts)) return { stdout: `${credentialsNotFound}\n`, exitCode: 1 };
      const credential = await deps.credentialFor(host);
      const answer = { ServerURL: serverUrl, Username: credential.username, Secret: credential.secret };
      return { stdout: `${JSON.stringify(answer)}\n`, exitCode: 0 };
    }
    case 'store':
      // azsess makes credentials when asked; there is nothing worth keeping from `docker login`.
      return { stdout: '', exitCode: 0 };
    case 'erase': {
      const host = registryHostOf(input);
      if (host) await deps.erase(host);
      return { stdout: '', exitCode: 0 };
    }
    case 'list':
      return { stdout: `${JSON.stringify(await deps.list())}\n`, exitCode: 0 };
    case 'version':
      return { stdout: `docker-credential-azsess (azsess) ${deps.version}\n`, exitCode: 0 };
    default:
      return { stdout: `${usage}\n`, exitCode: 1 };
  }
}
