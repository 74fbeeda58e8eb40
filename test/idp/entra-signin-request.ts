import { findClient } from './entra-directory.js';
import { entraErrors } from './entra-errors.js';
import {
  KNOWN_RESOURCES, RESOURCES, audienceFor, findResource, indicatorFor, indicatorsFor, parseEntraScope, type ParsedScope,
} from './entra-resources.js';

/**
 * Sign-in requests (`/authorize`, `/devicecode`) may name several resources: consent is asked
 * for all of them, so a refresh token can later get a token for any of them.
 */

/** Entra gives a Microsoft Graph token when only OIDC scopes are asked. */
function withDefaultResource(parsed: ParsedScope): ParsedScope {
  if (parsed.resources.length > 0) return parsed;
  const graph = findResource(RESOURCES.graph)!;
  const indicator = indicatorFor(graph, false);
  return { ...parsed, resources: [{ resource: graph, audience: audienceFor(indicator), indicator, scopes: [`${graph.id}/User.Read`] }] };
}

/**
 * A first-party client (Azure CLI) is pre-authorised for Microsoft's resources: its grant covers
 * them all, after the ones asked, so a later refresh for Key Vault or Graph needs no consent.
 */
function withPreauthorized(parsed: ParsedScope, clientId: string | undefined): ParsedScope {
  if (!findClient(clientId)?.firstParty) return parsed;
  const asked = new Set(parsed.resources.map((r) => r.resource.id));
  const more = KNOWN_RESOURCES.filter((r) => !asked.has(r.id) && !r.organisation).map((resource) => {
    const indicator = indicatorFor(resource, false);
    return { resource, audience: audienceFor(indicator), indicator, scopes: resource.permissions.map((p) => `${resource.id}/${p}`) };
  });
  return { ...parsed, resources: [...parsed.resources, ...more] };
}

function internalScope(parsed: ParsedScope): string {
  const scopes = new Set([...parsed.oidc, ...parsed.resources.flatMap((r) => r.scopes)]);
  return [...scopes].join(' ');
}

/** Every indicator to consent for: each resource in both spellings, the first asked first. */
function indicators(parsed: ParsedScope): string[] {
  return [...new Set(parsed.resources.flatMap(indicatorsFor))];
}

/** Translates a devicecode form into oidc-provider's (multi-valued `resource`). */
export function prepareDeviceCodeRequest(input: Record<string, string>): { body: URLSearchParams; scope: ParsedScope } {
  const form = { ...input };
  if (!form.client_id) throw entraErrors.missingParameter('client_id');
  const client = findClient(form.client_id);
  if (!client) throw entraErrors.clientNotFound(form.client_id);
  if (client.isPublic && (form.client_secret !== undefined || form.client_assertion !== undefined)) {
    throw entraErrors.publicClientSentSecret();
  }
  if (!form.scope) throw entraErrors.missingParameter('scope');
  const parsed = withPreauthorized(withDefaultResource(parseEntraScope(form.scope)), form.client_id);
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) if (key !== 'scope' && key !== 'resource') body.set(key, value);
  body.set('scope', internalScope(parsed));
  for (const indicator of indicators(parsed)) body.append('resource', indicator);
  return { body, scope: parsed };
}

/**
 * Translates an authorize query: scope → resources, Entra's `prompt=select_account` dropped, and
 * `prompt=consent` added with offline_access (OIDC Core drops offline_access without it; Entra doesn't).
 */
export function prepareAuthorizeQuery(input: URLSearchParams): { query: URLSearchParams; scope: ParsedScope } {
  const query = new URLSearchParams(input);
  const parsed = withPreauthorized(withDefaultResource(parseEntraScope(query.get('scope') ?? '')), query.get('client_id') ?? undefined);
  query.set('scope', internalScope(parsed));
  query.delete('resource');
  for (const indicator of indicators(parsed)) query.append('resource', indicator);
  const prompts = (query.get('prompt') ?? '').split(' ').filter((p) => p && p !== 'select_account');
  if (parsed.oidc.includes('offline_access') && !prompts.includes('none') && !prompts.includes('consent')) {
    prompts.push('consent');
  }
  if (prompts.length > 0) query.set('prompt', prompts.join(' '));
  else query.delete('prompt');
  return { query, scope: parsed };
}
