/**
 * oidc-provider storage adapter: one in-memory store per test IdP (oidc-provider's own memory
 * adapter shares a module-wide store between providers).
 *
 * Entra returns a new refresh token on every refresh but does not revoke the one used. The
 * provider rotates refresh tokens; with `consumeRefreshTokens: false` this store ignores the
 * "consume" of a used refresh token, so the old value stays valid, as in Entra.
 */

type Payload = Record<string, unknown> & { grantId?: string; userCode?: string; uid?: string; consumed?: number };

export interface StorageAdapter {
  upsert(id: string, payload: Payload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<Payload | undefined>;
  findByUserCode(userCode: string): Promise<Payload | undefined>;
  findByUid(uid: string): Promise<Payload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

/** Creates the adapter factory oidc-provider calls once per model name. */
export function createStorage(options: { consumeRefreshTokens: boolean }): (model: string) => StorageAdapter {
  // Expired entries are kept: oidc-provider checks `exp` itself and needs expired refresh
  // tokens and device codes to say "expired" rather than "not found".
  const store = new Map<string, Payload>();
  const byGrant = new Map<string, Set<string>>();
  const byUserCode = new Map<string, string>();
  const byUid = new Map<string, string>();

  return (model: string): StorageAdapter => {
    const key = (id: string): string => `${model}:${id}`;
    return {
      async upsert(id, payload) {
        store.set(key(id), payload);
        if (GRANTABLE.has(model) && payload.grantId) {
          const members = byGrant.get(payload.grantId) ?? new Set<string>();
          members.add(key(id));
          byGrant.set(payload.grantId, members);
        }
        if (payload.userCode) byUserCode.set(payload.userCode, id);
        if (model === 'Session' && payload.uid) byUid.set(payload.uid, id);
      },
      async find(id) {
        return store.get(key(id));
      },
      async findByUserCode(userCode) {
        const id = byUserCode.get(userCode);
        return id === undefined ? undefined : store.get(key(id));
      },
      async findByUid(uid) {
        const id = byUid.get(uid);
        return id === undefined ? undefined : store.get(key(id));
      },
      async consume(id) {
        if (model === 'RefreshToken' && !options.consumeRefreshTokens) return;
        const payload = store.get(key(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        store.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const member of byGrant.get(grantId) ?? []) store.delete(member);
        byGrant.delete(grantId);
      },
    };
  };
}
