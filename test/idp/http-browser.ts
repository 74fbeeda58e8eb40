/**
 * A very small browser for test code: fetch with manual redirects, a cookie jar and form
 * reading, enough to walk the test IdP's pages the way a person would.
 */

export interface Page {
  url: string;
  status: number;
  html: string;
  /** Set when a redirect led away from the browsed origin (not followed). */
  location?: string;
}

export interface FormInfo {
  action: string;
  fields: Record<string, string>;
}

interface Cookie {
  name: string;
  value: string;
  path: string;
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w-]+)\s*=\s*"([^"]*)"/g)) out[m[1]!.toLowerCase()] = decodeEntities(m[2]!);
  return out;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The form with this id: its absolute action and its hidden fields. */
export function findForm(html: string, id: string, baseUrl: string): FormInfo | undefined {
  const match = new RegExp(`<form\\b[^>]*\\bid="${id}"[^>]*>([\\s\\S]*?)</form>`).exec(html);
  if (!match) return undefined;
  const action = attributes(match[0].slice(0, match[0].indexOf('>') + 1)).action ?? baseUrl;
  const fields: Record<string, string> = {};
  for (const input of match[1]!.matchAll(/<input\b[^>]*>/g)) {
    const a = attributes(input[0]);
    if (a.type === 'hidden' && a.name) fields[a.name] = a.value ?? '';
  }
  return { action: new URL(action, baseUrl).href, fields };
}

/** Text content of the element with this id, tags stripped. */
export function textById(html: string, id: string): string | undefined {
  const match = new RegExp(`<(\\w+)\\b[^>]*\\bid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  return match ? decodeEntities(match[2]!.replace(/<[^>]+>/g, '')).trim() : undefined;
}

export class HttpBrowser {
  readonly #cookies = new Map<string, Cookie>();

  constructor(readonly origin: string) {}

  get(url: string): Promise<Page> {
    return this.#navigate(url, 'GET');
  }

  post(url: string, form: Record<string, string>): Promise<Page> {
    return this.#navigate(url, 'POST', new URLSearchParams(form).toString());
  }

  async #navigate(start: string, method: string, body?: string): Promise<Page> {
    let url = start;
    for (let hop = 0; hop < 20; hop += 1) {
      const response = await fetch(url, {
        method,
        redirect: 'manual',
        body,
        // A page that never answers must fail the test, not stall it.
        signal: AbortSignal.timeout(20_000),
        headers: {
          accept: 'text/html',
          cookie: this.#cookieHeader(url),
          ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        },
      });
      this.#store(url, response.headers.getSetCookie());
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        const next = new URL(location, url).href;
        if (new URL(next).origin !== this.origin) return { url, status: response.status, html: '', location: next };
        url = next;
        method = 'GET';
        body = undefined;
        continue;
      }
      return { url, status: response.status, html: await response.text() };
    }
    throw new Error(`too many redirects from ${start}`);
  }

  #cookieHeader(url: string): string {
    const path = new URL(url).pathname;
    return [...this.#cookies.values()]
      .filter((c) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  #store(url: string, setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...rest] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const attrs = Object.fromEntries(rest.map((a) => {
        const i = a.indexOf('=');
        return i === -1 ? [a.trim().toLowerCase(), ''] : [a.slice(0, i).trim().toLowerCase(), a.slice(i + 1).trim()];
      }));
      const path = attrs.path || new URL(url).pathname.replace(/\/[^/]*$/, '') || '/';
      const expired = (attrs.expires && Date.parse(attrs.expires) <= Date.now()) || attrs['max-age'] === '0';
      if (expired) this.#cookies.delete(`${path}\t${name}`);
      else this.#cookies.set(`${path}\t${name}`, { name, value, path });
    }
  }
}
