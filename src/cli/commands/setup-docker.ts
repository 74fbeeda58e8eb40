import type { Command } from 'commander';
import { ConfigError, UsageError } from '../../domain/errors.js';
import { addCredHelpers, dockerConfigPath, parseRegistry } from '../../helpers/docker-config.js';
import { parseAcrHosts, servesRegistry } from '../../helpers/docker-credential.js';
import { readConfigFile, replaceConfigFile, type ConfigFile } from '../../io/config-file.js';
import { findOnPath } from '../../io/find-program.js';
import { commandFrom } from '../command-builder.js';
import type { CliContext } from '../context.js';
import type { CommandSpec, OptionsOf } from '../option-spec.js';
import { startRuntime } from '../runtime.js';
import { commonOptions } from '../shared-options.js';

const collectRegistries = (value: string, previous: string[] = []) => [...previous, parseRegistry(value)];

/** `azsess setup docker`, as data (cli/option-spec.ts). */
export const setupDockerSpec = {
  name: 'docker',
  description: "make docker (and podman, skopeo) get registry credentials from azsess: credHelpers in docker's config.json",
  options: [{ flags: '--registry <host>', key: 'registry', help: 'a registry, such as myregistry.azurecr.io (repeatable)', parse: collectRegistries }, ...commonOptions],
  examples: ['azsess setup docker --registry myregistry.azurecr.io', 'azsess setup docker --registry one.azurecr.io --registry two.azurecr.io'],
} as const satisfies CommandSpec;

export type SetupDockerOptions = OptionsOf<typeof setupDockerSpec>;

export function setupDockerCommand(ctx: CliContext): Command {
  return commandFrom(setupDockerSpec, runSetupDocker, ctx);
}

function readDockerConfig(path: string): ConfigFile {
  try {
    return readConfigFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(`Cannot read ${path} (${code}); check its permissions.`, { cause: err });
  }
}

export async function runSetupDocker(opts: SetupDockerOptions, ctx: CliContext): Promise<void> {
  const registries = opts.registry ?? [];
  if (registries.length === 0) throw new UsageError('Name each registry with --registry, for example --registry myregistry.azurecr.io.');
  const rt = await startRuntime(ctx, opts);
  const acrHosts = parseAcrHosts(ctx.env.AZSESS_ACR_HOSTS);
  for (const registry of registries.filter((r) => !servesRegistry(r, acrHosts))) {
    rt.log.warn(`${registry} is not an Azure Container Registry login server; docker-credential-azsess answers for it only if AZSESS_ACR_HOSTS lists it.`);
  }
  const path = dockerConfigPath(ctx.env, ctx.homedir);
  const file = readDockerConfig(path);
  const change = addCredHelpers(file.text, registries, path);
  if (change.added.length + change.replaced.length === 0) {
    rt.log.info(`${path} already sends ${registries.join(', ')} to docker-credential-azsess; nothing to change.`);
  } else {
    try {
      replaceConfigFile(file, change.text);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new ConfigError(`Cannot write ${file.path} (${code}); check the permissions of it and its directory.`, { cause: err });
    }
    for (const { registry, helper } of change.replaced) rt.log.warn(`${registry} used docker-credential-${helper}; it now uses docker-credential-azsess.`);
    rt.log.info(`Wrote ${file.path}: credHelpers ${registries.map((r) => `"${r}": "azsess"`).join(', ')}.`);
  }
  if (!findOnPath('docker-credential-azsess', ctx.env.PATH)) {
    rt.log.warn('docker-credential-azsess is not on PATH, where docker looks for it; install azsess globally (npm install -g azsess) or add its bin directory to PATH.');
  }
}
