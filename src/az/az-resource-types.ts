import { clouds, type CloudName } from '../domain/authority.js';
import type { AzResourceType } from './az-args.js';

/**
 * `--resource-type` names, per cloud, as the Azure CLI's cloud endpoints define them
 * (azure-cli `azure/cli/core/cloud.py`: active_directory_resource_id, microsoft_graph_resource_id,
 * batch_resource_id, active_directory_data_lake_resource_id, media_resource_id,
 * ossrdbms_resource_id). Data Lake exists in the public cloud only.
 */
const resourceIds: Record<CloudName, Partial<Record<AzResourceType, string>>> = {
  public: {
    arm: 'https://management.core.windows.net/',
    'ms-graph': 'https://graph.microsoft.com/',
    batch: 'https://batch.core.windows.net/',
    'data-lake': 'https://datalake.azure.net/',
    media: 'https://rest.media.azure.net',
    'oss-rdbms': 'https://ossrdbms-aad.database.windows.net',
  },
  usgov: {
    arm: 'https://management.core.usgovcloudapi.net/',
    'ms-graph': 'https://graph.microsoft.us/',
    batch: 'https://batch.core.usgovcloudapi.net/',
    media: 'https://rest.media.usgovcloudapi.net',
    'oss-rdbms': 'https://ossrdbms-aad.database.usgovcloudapi.net',
  },
  china: {
    arm: 'https://management.core.chinacloudapi.cn/',
    'ms-graph': 'https://microsoftgraph.chinacloudapi.cn/',
    batch: 'https://batch.chinacloudapi.cn/',
    media: 'https://rest.media.chinacloudapi.cn',
    'oss-rdbms': 'https://ossrdbms-aad.database.chinacloudapi.cn',
  },
};

/** The national cloud of a login host; any other (a test provider, a private one) counts as public. */
export function cloudOfAuthority(authority: string): CloudName {
  const host = authority.toLowerCase().replace(/\/+$/, '');
  if (host === clouds.usgov) return 'usgov';
  if (host === clouds.china) return 'china';
  return 'public';
}

/** The resource a `--resource-type` names in a cloud, or undefined where that cloud has none. */
export function resourceOfType(type: AzResourceType, cloud: CloudName): string | undefined {
  return resourceIds[cloud][type];
}

/** az's resource when none is named: ARM by its older App ID URI, as az asks for it. */
export function defaultAzResource(cloud: CloudName): string {
  return resourceIds[cloud].arm!;
}
