import { ConfigError, UsageError } from '../domain/errors.js';
import { jsonSyntaxProblem } from '../domain/json-problem.js';

/**
 * `azsess setup docker`: adds `credHelpers` entries to docker's config.json and leaves every other
 * key as it is. Docker runs `docker-credential-<value>` for a registry listed there.
 */

export const dockerHelperName = 'azsess';

const registryShape = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?::\d{1,5})?$/;

/** A registry as docker names it in credHelpers: host[:port], lower case, no scheme or path. */
export function parseRegistry(value: string, flag = '--registry'): string {
  const host = value.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/+$/, '');
  if (!registryShape.test(host)) {
    throw new UsageError(`${flag} '${value}' is not a registry host; give one such as myregistry.azurecr.io.`);
  }
  return host;
}

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`, as the docker CLI looks for it. */
export function dockerConfigPath(env: Readonly<Record<string, string | undefined>>, homedir: string): string {
  const dir = env.DOCKER_CONFIG ? env.DOCKER_CONFIG : `${homedir}/.docker`;
  return `${dir.replace(/\/+$/, '')}/config.json`;
}

export interface CredHelpersChange {
  text: string;
  /** Registries that now point at azsess and did not before. */
  added: string[];
  /** Registries that pointed at another helper, which azsess replaced. */
  replaced: Array<{ registry: string; helper: string }>;
}

function parseConfig(text: string | undefined, path: string): Record<string, unknown> {
  if (text === undefined || text.trim() === '') return {};
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path} is not JSON (${jsonSyntaxProblem(err)}); fix it, then run azsess setup docker again.`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(`${path} is not a JSON object; fix it, then run azsess setup docker again.`);
  }
  return data as Record<string, unknown>;
}

/**
 * The new config.json text with `credHelpers[registry] = "azsess"` for each registry; the other
 * keys keep their values and order. Written tab-indented, as the docker CLI writes the file.
 */
export function addCredHelpers(text: string | undefined, registries: readonly string[], path: string): CredHelpersChange {
  const config = parseConfig(text, path);
  const current = config.credHelpers ?? {};
  if (current === null || typeof current !== 'object' || Array.isArray(current)) {
    throw new ConfigError(`"credHelpers" in ${path} is not a JSON object; fix it, then run azsess setup docker again.`);
  }
  const helpers = { ...(current as Record<string, unknown>) };
  const change: CredHelpersChange = { text: '', added: [], replaced: [] };
  for (const registry of registries) {
    const before = helpers[registry];
    if (before === dockerHelperName) continue;
    if (typeof before === 'string' && before !== '') change.replaced.push({ registry, helper: before });
    else change.added.push(registry);
    helpers[registry] = dockerHelperName;
  }
  config.credHelpers = helpers;
  change.text = `${JSON.stringify(config, null, '\t')}\n`;
  return change;
}
