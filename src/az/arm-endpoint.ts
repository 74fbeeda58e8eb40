import { isAllowedUrl } from '../domain/authority.js';
import { ConfigError } from '../domain/errors.js';
import { environmentNameOf } from '../domain/az-account.js';

/** Azure Resource Manager of each cloud, by az's environment name. */
const armEndpoints: Record<string, string> = {
  AzureCloud: 'https://management.azure.com',
  AzureUSGovernment: 'https://management.usgovcloudapi.net',
  AzureChinaCloud: 'https://management.chinacloudapi.cn',
};

/**
 * The ARM endpoint for a login host: the cloud's, or AZSESS_ARM_ENDPOINT, which must be https
 * (or http to a loopback host: a test ARM), like authorities, since it is sent tokens.
 */
export function armEndpointFor(authority: string, env: Readonly<Record<string, string | undefined>>): string {
  const given = env.AZSESS_ARM_ENDPOINT?.trim();
  if (!given) return armEndpoints[environmentNameOf(authority)]!;
  let url: URL | undefined;
  try {
    url = new URL(given);
  } catch {
    url = undefined;
  }
  if (!url || !isAllowedUrl(url) || url.username || url.password || url.search || url.hash) {
    throw new ConfigError(
      `AZSESS_ARM_ENDPOINT must be an https URL such as https://management.azure.com (plain http only to a loopback host), with no user name, password or query; fix or unset it.`,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
