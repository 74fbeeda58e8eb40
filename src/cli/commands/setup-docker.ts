import { Command } from 'commander';
import { ConfigError, UsageError } from '../../domain/errors.js';
import { addCredHelpers, dockerConfigPath, parseRegistry } from '../../helpers/docker-config.js';
import { parseAcrHosts, servesRegistry } from '../../helpers/docker-credential.js';
import { readConfigFile, replaceConfigFile, type ConfigFile } from '../../io/config-file.js';
import { findOnPath } from '../../io/find-program.js';
import type { CliContext } from '../context.js';
import { addCommonOptions, examples } from '../options.js';
import { startRuntime, type CommonOptions } from '../runtime.js';

export interface SetupDockerOptions extends CommonOptions {
  registry?: string[];
}

export function setupDockerCommand(ctx: CliContext): Command {
  const cmd = new Command('docker')
    .description("make docker (and podman, skopeo) get registry credentials from azsess: credHelpers in docker's config.json")
    .option('--registry <host>', 'a registry, such as myregistry.azurecr.io (repeatable)', (v: string, prev: string[] = []) => [
      ...prev,
      parseRegistry(v),
    ])
    .addHelpText(
      'after',
      examples('azsess setup docker --registry myregistry.azurecr.io', 'azsess setup docker --registry one.azurecr.io --registry two.azurecr.io'),
    );
  addCommonOptions(cmd);
  return cmd.action(async (_opts, command: Command) => runSetupDocker(command.optsWithGlobals(), ctx));
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
