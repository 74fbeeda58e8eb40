import type { Command } from 'commander';
import { addOptions } from '../command-builder.js';
import { credentialOptions } from '../shared-options.js';

export { credentialInput, readCertificatePassword, type CredentialOptions } from '../credential-input.js';

export function addCredentialOptions(cmd: Command): Command {
  return addOptions(cmd, credentialOptions);
}
