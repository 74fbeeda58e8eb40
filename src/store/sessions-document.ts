import { sameSession, type Session } from '../domain/session.js';
import { lookupProtocol, protocolOf } from '../domain/protocol-names.js';
import { decodeSession, encodeSession, requiredKeys } from './codec.js';

/**
 * sessions.json in memory. The file is AzSessions.jl's `{"sessions": [<JSON string>, ...]}`; what
 * AzSessions.jl cannot read (azsess's own protocols, its caches) lives under a top-level `azsess`
 * key, because the Julia reader stops at the first entry whose protocol it does not know, while it
 * keeps top-level keys it does not know when it writes the file back.
 */
export interface SessionsDocument {
  /** Every session azsess can use, newest first. */
  sessions: Session[];
  /** Entries of the Julia array with a protocol azsess does not know, written back verbatim. */
  kept: unknown[];
  /** azsess's own data other than sessions (for example cached registry tokens), by key. */
  extensions: Record<string, unknown>;
  /** Top-level keys neither side knows, written back as found. */
  otherKeys: Record<string, unknown>;
  /** 1-based positions of entries in "sessions" that are not a session azsess can read (kept in `kept`). */
  malformed: number[];
}

export type ParseResult = { ok: true; doc: SessionsDocument } | { ok: false; problem: string };

export function emptyDocument(): SessionsDocument {
  return { sessions: [], kept: [], extensions: {}, otherKeys: {}, malformed: [] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** An entry may be a JSON string holding an object (AzSessions.jl) or, leniently, the object. */
function entryObject(entry: unknown): Record<string, unknown> | undefined {
  if (isRecord(entry)) return entry;
  if (typeof entry !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(entry);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** An entry of a protocol azsess does not know: another tool's, kept without a word. */
function isUnknownProtocol(entry: Record<string, unknown>): boolean {
  const name = entry.protocol ?? entry.protocal;
  return typeof name === 'string' && lookupProtocol(name) === undefined;
}

/** A known protocol's entry whose keys do not have the JSON types AzSessions.jl writes. */
function hasWrongTypes(entry: Record<string, unknown>): boolean {
  const protocol = lookupProtocol(String(entry.protocol ?? entry.protocal));
  if (!protocol) return false;
  return requiredKeys(protocol).some((key) => key in entry && typeof entry[key] !== (key === 'lock' ? 'boolean' : 'string'));
}

/** Checks the shape and decodes; a file that is not what AzSessions.jl writes is `ok: false`. */
export function parseSessionsDocument(text: string): ParseResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, problem: text.trim() === '' ? 'it is empty' : 'it is not valid JSON' };
  }
  if (!isRecord(data)) return { ok: false, problem: 'it is not a JSON object' };
  if (!Array.isArray(data.sessions)) return { ok: false, problem: 'it has no "sessions" list' };
  const doc = emptyDocument();
  // Index loops on the cache-hit path: a loop that destructures an iterator compiles to several
  // times the bytecode, which a fresh process pays for (docs/performance.md).
  for (let index = 0; index < data.sessions.length; index++) {
    const entry: unknown = data.sessions[index];
    const object = entryObject(entry);
    const session = object && !hasWrongTypes(object) ? decodeSession(object) : undefined;
    if (session) doc.sessions.push(session);
    else doc.kept.push(entry);
    // Kept as found (AzSessions.jl may still read it), and reported once.
    if (!session && !(object && isUnknownProtocol(object))) doc.malformed.push(index + 1);
  }
  const own = data.azsess;
  if (own !== undefined) {
    if (!isRecord(own)) return { ok: false, problem: 'its "azsess" key is not an object' };
    const ownSessions = own.sessions ?? [];
    if (!Array.isArray(ownSessions) || !ownSessions.every(isRecord)) {
      return { ok: false, problem: 'its "azsess.sessions" is not a list of objects' };
    }
    for (const entry of ownSessions) {
      const session = decodeSession(entry);
      if (session) doc.sessions.push(session);
    }
    for (const [k, v] of Object.entries(own)) if (k !== 'sessions') doc.extensions[k] = v;
  }
  for (const [k, v] of Object.entries(data)) if (k !== 'sessions' && k !== 'azsess') doc.otherKeys[k] = v;
  return { ok: true, doc };
}

/** Duplicates collapse to the one that expires last; on a tie, the first (the newest in AzSessions.jl). */
export function collapseDuplicates(sessions: readonly Session[]): Session[] {
  const out: Session[] = [];
  for (const session of sessions) {
    const i = out.findIndex((s) => sameSession(s, session));
    if (i < 0) out.push(session);
    else if (session.expiry.getTime() > out[i]!.expiry.getTime()) out[i] = session;
  }
  return out;
}

/** The file's text: compact, like AzSessions.jl's `json(rsessions)`. */
export function formatSessionsDocument(doc: SessionsDocument): string {
  const sessions = collapseDuplicates(doc.sessions);
  const julia = sessions.filter((s) => protocolOf(s.protocol).juliaReads);
  const own = sessions.filter((s) => !protocolOf(s.protocol).juliaReads);
  const out: Record<string, unknown> = {
    sessions: [...julia.map((s) => JSON.stringify(encodeSession(s))), ...doc.kept],
  };
  const azsess: Record<string, unknown> = { ...doc.extensions };
  if (own.length > 0) azsess.sessions = own.map(encodeSession);
  if (Object.keys(azsess).length > 0) out.azsess = azsess;
  return JSON.stringify({ ...out, ...doc.otherKeys });
}
