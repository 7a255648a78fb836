/**
 * A cookie-keeping browser over `app.inject` that follows redirects within `PUBLIC_URL`: what
 * route tests of the pages that log in through ID-porten (MinProfil, the digital mailbox) drive.
 */
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export class InjectBrowser {
  readonly cookies = new Map<string, string>();
  readonly setCookieLines: string[] = [];
  readonly app: FastifyInstance;
  readonly publicUrl: string;
  constructor(app: FastifyInstance, publicUrl: string) {
    this.app = app;
    this.publicUrl = publicUrl;
  }

  /** One request (a POST of `form` when given) with this browser's cookies; keeps the cookies set. */
  async request(url: string, form?: Record<string, string>): Promise<LightMyRequestResponse> {
    const u = new URL(url, this.publicUrl);
    assert.equal(u.origin, this.publicUrl, `left Grunnmur for ${url}`);
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await this.app.inject({ method: form ? 'POST' : 'GET', url: `${u.pathname}${u.search}`, headers, ...(form ? { payload: new URLSearchParams(form).toString() } : {}) });
    const lines = res.headers['set-cookie'];
    for (const line of lines === undefined ? [] : Array.isArray(lines) ? lines : [lines]) {
      this.setCookieLines.push(line);
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const gone = value === '' || attrs.some((a) => /^\s*max-age=0/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()));
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** Requests `url` and follows redirects; the final response and the URLs visited. */
  async follow(url: string, form?: Record<string, string>): Promise<{ res: LightMyRequestResponse; visited: string[] }> {
    const visited: string[] = [];
    let res = await this.request(url, form);
    visited.push(url);
    for (let i = 0; i < 15 && res.statusCode >= 300 && res.statusCode < 400; i++) {
      const next = new URL(String(res.headers.location), new URL(visited.at(-1)!, this.publicUrl)).href;
      visited.push(next);
      res = await this.request(next);
    }
    return { res, visited };
  }
}

/** The value of the first `<input name="…" value="…">` of a page, or ''. */
export const formField = (page: string, name: string): string => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? '';
