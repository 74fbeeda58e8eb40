/**
 * Every protocol azsess knows, in one table: what it is called, who signs in, which flags are its
 * own and how its sessions are stored. The names, the query, the engine and the store read it;
 * adding a grant is its module (exporting `grant`), a row here, and its loader in
 * protocols/registry.ts, which the compiler asks for once the row is here.
 *
 * Domain data, below every layer that reads a session (the store, the protocols): the table names
 * no implementation, so no protocol module reaches the cache-hit bundle (scripts/bundle.mjs).
 */

/** Who a protocol's token is for: a person (who keeps a refresh token), an application, or a managed identity. */
export type ProtocolKind = 'user' | 'app' | 'vm';

/** How an application proves who it is (core/credential-choice.ts resolves it). */
export type AppProof = 'secret-or-certificate' | 'federated-token';

export interface ProtocolEntry {
  /** The stored name, as AzSessions.jl spells it (manifest, sessions.json). */
  name: string;
  /** The name shown in help and messages, and the one the commands we suggest use. */
  short: string;
  /** Other names a user may type: shown ones in lower case, then AzSessions.jl's (matched without case). */
  aliases: readonly string[];
  kind: ProtocolKind;
  /** App-only protocols with an app registration: how it proves itself. */
  proof?: AppProof;
  /** Its own flags, by option key: given with another protocol, each is a usage error. */
  flags: Readonly<Record<string, string>>;
  /**
   * Whether AzSessions.jl reads its sessions: they go in the file's Julia array, else under the
   * `azsess` key, since the Julia reader stops at the first entry whose protocol it does not know.
   */
  juliaReads: boolean;
  /** The keys every stored entry has, with AzSessions.jl's JSON types, in the Julia struct's order. */
  storedKeys: readonly string[];
}

const userKeys = ['protocol', 'client_id', 'expiry', 'id_token', 'lock', 'refresh_token', 'scope', 'scope_auth', 'tenant', 'token'] as const;

export const protocols = [
  {
    name: 'AzDeviceCodeFlowCredentials',
    short: 'device-code',
    aliases: ['AzDeviceCodeCredentials'],
    kind: 'user',
    flags: {},
    juliaReads: true,
    storedKeys: userKeys,
  },
  {
    name: 'AzAuthCodeFlowCredentials',
    short: 'auth-code',
    aliases: [],
    kind: 'user',
    flags: { redirectUri: '--redirect-uri', loginHint: '--login-hint', domainHint: '--domain-hint' },
    juliaReads: true,
    storedKeys: [
      'protocol', 'client_id', 'expiry', 'id_token', 'lock', 'redirect_uri', 'refresh_token', 'scope', 'scope_auth', 'tenant', 'token',
    ],
  },
  {
    name: 'AzClientCredentials',
    short: 'client-credentials',
    aliases: [],
    kind: 'app',
    proof: 'secret-or-certificate',
    flags: {
      clientCertificate: '--client-certificate',
      certificatePassword: '--client-certificate-password-stdin',
      certificateAlg: '--certificate-alg',
      sendCertificateChain: '--send-certificate-chain',
    },
    juliaReads: true,
    storedKeys: ['protocol', 'client_id', 'client_secret', 'expiry', 'resource', 'tenant', 'token'],
  },
  {
    name: 'AzVMCredentials',
    short: 'vm',
    aliases: ['managed-identity'],
    kind: 'vm',
    flags: {},
    juliaReads: true,
    storedKeys: ['protocol', 'expiry', 'resource', 'token'],
  },
  {
    name: 'AzFederatedCredentials',
    short: 'federated',
    aliases: ['workload-identity'],
    kind: 'app',
    proof: 'federated-token',
    flags: {
      federatedTokenSource: '--federated-token-source',
      federatedTokenFile: '--federated-token-file',
      federatedAudience: '--federated-audience',
      serviceConnectionId: '--service-connection-id',
    },
    // azsess's own: AzSessions.jl has no such protocol.
    juliaReads: false,
    storedKeys: ['protocol', 'client_id', 'expiry', 'resource', 'tenant', 'token'],
  },
] as const satisfies readonly ProtocolEntry[];

/** Protocol names as AzSessions.jl stores them (and `AzFederatedCredentials`, azsess's own). */
export type ProtocolName = (typeof protocols)[number]['name'];
