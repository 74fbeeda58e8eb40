import { entraErrors } from './entra-errors.js';

/**
 * Entra scopes name resources: `https://storage.azure.com/user_impersonation` is permission
 * `user_impersonation` on resource `https://storage.azure.com`. This module maps such scopes onto
 * oidc-provider's resource indicators (RFC 8707) and back.
 *
 * Internally a permission is the token `<resource id>/<permission>` (the id without a trailing
 * slash), shared by every spelling of the resource, so consent given for
 * `https://management.azure.com/.default` also covers `https://management.azure.com//.default`.
 */

export interface KnownResource {
  /** Entra's identifier: an App ID URI without trailing slash, or a bare app id GUID. */
  id: string;
  /** Delegated permissions; `.default` means all of them. */
  permissions: readonly string[];
  /**
   * The resource's application id when Entra names it by that in `aud` although it is asked by
   * URI (Microsoft Graph: `00000003-0000-0000-c000-000000000000`).
   */
  appId?: string;
  /** An app of the test organisation's own: no Microsoft client is pre-authorised for it. */
  organisation?: boolean;
}

/** Microsoft Graph's application id, its tokens' `aud`. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

export const RESOURCES = {
  arm: 'https://management.azure.com',
  armLegacy: 'https://management.core.windows.net',
  storage: 'https://storage.azure.com',
  graph: 'https://graph.microsoft.com',
  keyVault: 'https://vault.azure.net',
  acr: 'https://containerregistry.azure.net',
  devops: '499b84ac-1321-427f-aa17-267ca6975798',
  aks: '6dae42f8-4368-4678-94ff-3960e28e3630',
  // Two apps of one organisation under one host, as Entra app ID URIs often are: only the path tells them apart.
  orders: 'api://contoso.example/orders',
  payroll: 'api://contoso.example/payroll',
  app1: 'https://contoso.example/app1',
  app2: 'https://contoso.example/app2',
} as const;

export const KNOWN_RESOURCES: readonly KnownResource[] = [
  { id: RESOURCES.arm, permissions: ['user_impersonation'] },
  { id: RESOURCES.armLegacy, permissions: ['user_impersonation'] },
  { id: RESOURCES.storage, permissions: ['user_impersonation'] },
  { id: RESOURCES.graph, permissions: ['User.Read'], appId: GRAPH_APP_ID },
  { id: RESOURCES.keyVault, permissions: ['user_impersonation'] },
  { id: RESOURCES.acr, permissions: ['user_impersonation'] },
  { id: RESOURCES.devops, permissions: ['user_impersonation'] },
  { id: RESOURCES.aks, permissions: ['user.read'] },
  { id: RESOURCES.orders, permissions: ['user_impersonation'], organisation: true },
  { id: RESOURCES.payroll, permissions: ['user_impersonation'], organisation: true },
  { id: RESOURCES.app1, permissions: ['user_impersonation'], organisation: true },
  { id: RESOURCES.app2, permissions: ['user_impersonation'], organisation: true },
];

export const OIDC_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'offline_access']);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One resource as a request named it, with the permissions asked on it. */
export interface AskedResource {
  resource: KnownResource;
  /** The resource as Entra puts it in `aud`: the id, plus the trailing slash if it was asked with one. */
  audience: string;
  /** Indicator oidc-provider sees for this spelling. */
  indicator: string;
  /** Internal permission tokens (`<id>/<permission>`). */
  scopes: string[];
}

export interface ParsedScope {
  oidc: string[];
  resources: AskedResource[];
}

/** Finds a known resource by any spelling of its id (case, trailing slash), or by its app id. */
export function findResource(name: string): KnownResource | undefined {
  const key = name.replace(/\/$/, '').toLowerCase();
  return KNOWN_RESOURCES.find((r) => r.id.toLowerCase() === key || r.appId === key);
}

/** Indicator for one spelling of a resource; GUID app ids get an absolute-URI form. */
export function indicatorFor(resource: KnownResource, trailingSlash: boolean): string {
  if (GUID.test(resource.id)) return `api://${resource.id}`;
  return trailingSlash ? `${resource.id}/` : resource.id;
}

/** Every indicator of a resource, the given spelling first. */
export function indicatorsFor(asked: AskedResource): string[] {
  if (GUID.test(asked.resource.id)) return [asked.indicator];
  const other = asked.indicator.endsWith('/') ? asked.resource.id : `${asked.resource.id}/`;
  return [asked.indicator, other];
}

/** The token audience for an indicator: the bare GUID for app ids, and the app id of resources Entra names so. */
export function audienceFor(indicator: string): string {
  if (indicator.startsWith('api://') && GUID.test(indicator.slice('api://'.length))) return indicator.slice('api://'.length);
  return findResource(indicator)?.appId ?? indicator;
}

export function resourceForIndicator(indicator: string): KnownResource | undefined {
  return findResource(audienceFor(indicator));
}

function splitScope(token: string): { name: string; permission: string } {
  const at = token.lastIndexOf('/');
  // A bare permission ("User.Read") is Microsoft Graph's, as in Entra.
  if (at === -1) return { name: RESOURCES.graph, permission: token };
  return { name: token.slice(0, at), permission: token.slice(at + 1) };
}

function permissionsFor(resource: KnownResource, permission: string, token: string): string[] {
  if (permission === '.default') return resource.permissions.map((p) => `${resource.id}/${p}`);
  const known = resource.permissions.find((p) => p.toLowerCase() === permission.toLowerCase());
  if (!known) throw entraErrors.invalidScope(token);
  return [`${resource.id}/${known}`];
}

/**
 * Parses an Entra `scope` parameter. Throws an `EntraError` for an unknown resource
 * (AADSTS500011) or permission (AADSTS70011), or a `/.default` with a named permission
 * (AADSTS70011). Resources keep the order of the request.
 */
export function parseEntraScope(scope: string | undefined): ParsedScope {
  const parsed: ParsedScope = { oidc: [], resources: [] };
  let defaults = 0;
  let named = 0;
  for (const token of (scope ?? '').split(/\s+/).filter(Boolean)) {
    if (OIDC_SCOPES.has(token)) {
      if (!parsed.oidc.includes(token)) parsed.oidc.push(token);
      continue;
    }
    const { name, permission } = splitScope(token);
    if (/^[a-z][a-z0-9+.-]*:\/?$/i.test(name) || permission === '') throw entraErrors.invalidScope(token);
    const resource = findResource(name);
    if (!resource) throw entraErrors.unknownResource(name);
    const indicator = indicatorFor(resource, name.endsWith('/'));
    if (permission === '.default') defaults++;
    else named++;
    const scopes = permissionsFor(resource, permission, token);
    const existing = parsed.resources.find((r) => r.indicator === indicator);
    if (existing) {
      for (const s of scopes) if (!existing.scopes.includes(s)) existing.scopes.push(s);
    } else {
      parsed.resources.push({ resource, audience: audienceFor(indicator), indicator, scopes });
    }
  }
  // As Entra: a /.default (every permission the app was granted) stands alone beside the OIDC
  // scopes; with a named permission, of its resource or another, the request is refused.
  if (defaults > 0 && named > 0) throw entraErrors.invalidScope((scope ?? '').trim());
  return parsed;
}

/** Renders internal permission tokens the way Entra answers `scope`: `<audience>/<permission>`. */
export function entraScopesFor(audience: string, internal: Iterable<string>): string[] {
  const out: string[] = [];
  for (const token of internal) {
    const resource = resourceForIndicator(audience);
    if (resource && token.startsWith(`${resource.id}/`)) {
      // Graph's scopes keep its URI (`https://graph.microsoft.com/User.Read`) though `aud` is its app id.
      const prefix = resource.appId === audience ? resource.id : audience;
      out.push(`${prefix}/${token.slice(resource.id.length + 1)}`);
    }
  }
  return out;
}

/** Permission names of internal tokens (the `scp` claim: no resource prefix). */
export function permissionNames(internal: Iterable<string>): string[] {
  return [...internal].map((t) => t.slice(t.lastIndexOf('/') + 1));
}

