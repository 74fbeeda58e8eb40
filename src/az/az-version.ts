import type { AzValue } from './az-output.js';

/**
 * The Azure CLI release whose behaviour the entry follows (the get-access-token shape with
 * `expires_on`, from 2.54). Terraform's azurerm and azuread accept 2.30 up to, not including, 3.0.
 */
export const azCliVersion = '2.67.0';

/** `az version`: as az prints it, with azsess's own version beside it. */
export function versionResult(azsessVersion: string): { [key: string]: AzValue } {
  return {
    'azure-cli': azCliVersion,
    'azure-cli-core': azCliVersion,
    'azure-cli-telemetry': '1.1.0',
    azsess: azsessVersion,
    extensions: {},
  };
}
