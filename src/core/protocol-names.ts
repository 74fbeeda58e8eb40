import { UsageError } from './errors.js';

/**
 * Protocol names as AzSessions.jl stores them. azsess writes these names to the manifest and to
 * sessions.json; `AzFederatedCredentials` is azsess's own and AzSessions.jl cannot read it.
 */
export type ProtocolName =
  | 'AzDeviceCodeFlowCredentials'
  | 'AzAuthCodeFlowCredentials'
  | 'AzClientCredentials'
  | 'AzVMCredentials'
  | 'AzFederatedCredentials';

/** What a user may type, lower-cased, to the stored name. */
const aliases: Record<string, ProtocolName> = {
  'device-code': 'AzDeviceCodeFlowCredentials',
  'auth-code': 'AzAuthCodeFlowCredentials',
  'client-credentials': 'AzClientCredentials',
  vm: 'AzVMCredentials',
  'managed-identity': 'AzVMCredentials',
  federated: 'AzFederatedCredentials',
  'workload-identity': 'AzFederatedCredentials',
  azdevicecodeflowcredentials: 'AzDeviceCodeFlowCredentials',
  azdevicecodecredentials: 'AzDeviceCodeFlowCredentials',
  azauthcodeflowcredentials: 'AzAuthCodeFlowCredentials',
  azclientcredentials: 'AzClientCredentials',
  azvmcredentials: 'AzVMCredentials',
  azfederatedcredentials: 'AzFederatedCredentials',
};

/** The short names shown in help and error messages. */
export const protocolChoices = [
  'device-code',
  'auth-code',
  'client-credentials',
  'vm',
  'managed-identity',
  'federated',
  'workload-identity',
] as const;

/** The short name of a stored protocol, for messages and the commands we suggest. */
export function shortProtocolName(name: ProtocolName): string {
  switch (name) {
    case 'AzDeviceCodeFlowCredentials':
      return 'device-code';
    case 'AzAuthCodeFlowCredentials':
      return 'auth-code';
    case 'AzClientCredentials':
      return 'client-credentials';
    case 'AzVMCredentials':
      return 'vm';
    case 'AzFederatedCredentials':
      return 'federated';
  }
}

/** Resolves a name, an alias or an AzSessions name (with or without its `AzSessions.` prefix). */
export function lookupProtocol(input: string): ProtocolName | undefined {
  const trimmed = input.trim();
  const key = (trimmed.startsWith('AzSessions.') ? trimmed.slice('AzSessions.'.length) : trimmed).toLowerCase();
  // Own names only: `constructor` or `__proto__` is no protocol.
  return Object.hasOwn(aliases, key) ? aliases[key] : undefined;
}

/** Like lookupProtocol, but a wrong name is a usage error that lists the valid ones. */
export function parseProtocol(input: string): ProtocolName {
  const found = lookupProtocol(input);
  if (!found) {
    throw new UsageError(
      `Unknown protocol '${input}'; use one of ${protocolChoices.join(', ')} ` +
        `(or an AzSessions.jl name such as AzDeviceCodeFlowCredentials).`,
    );
  }
  return found;
}

/** Protocols a person signs in to; they keep refresh tokens. */
export function isUserProtocol(name: ProtocolName): boolean {
  return name === 'AzDeviceCodeFlowCredentials' || name === 'AzAuthCodeFlowCredentials';
}
