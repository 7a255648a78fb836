/**
 * `GET /`: the front page. Runs the live status checks at render time (each with a short
 * timeout) and renders the served components with their links.
 */
import type { FastifyInstance } from 'fastify';
import type { Component, ComponentLink } from '../../platform/component.ts';
import type { Platform } from '../../platform/platform.ts';
import { pickLang, t } from '../../platform/ui/i18n.ts';
import { sendPage } from '../../platform/ui/layout.ts';
import { checkComponents, DEFAULT_CHECK_TIMEOUT_MS } from '../domain/component-status.ts';
import { frontPageTitle, renderFrontPage, type ComponentCard } from '../views/front-page.ts';

/** Name of the portal component (left out of its own list). */
export const PORTAL_NAME = 'portal';

/** Options of {@link frontPageRoutes}. */
export interface FrontPageOptions {
  platform: Platform;
  /** Time each status check may take, in milliseconds (default {@link DEFAULT_CHECK_TIMEOUT_MS}). */
  checkTimeoutMs?: number;
}

/**
 * True for a link to a test-mode-only route (one that answers 404 `PLATFORM_TEST_MODE_ONLY`
 * in production mode), marked `testOnly: true` by its component.
 */
export function isTestOnlyLink(link: ComponentLink): boolean {
  return link.testOnly === true;
}

/**
 * The links a card shows: the component's own `links` (less the test-only ones outside test
 * mode), plus its OpenAPI document (`<first path>/openapi.json`, served by the kernel) when it
 * has a path and lists none itself.
 *
 * @param testMode `GRUNNMUR_MODE=test`; when false, links marked `testOnly` are left out
 */
export function componentLinks(component: Component, testMode = true): ComponentLink[] {
  const links = (component.links ?? []).filter((l) => testMode || !isTestOnlyLink(l));
  const [first] = component.paths;
  if (first && first !== '/' && !links.some((l) => l.kind === 'openapi')) {
    links.push({ kind: 'openapi', label: { nb: 'OpenAPI', en: 'OpenAPI' }, href: `${first}/openapi.json` });
  }
  return links;
}

/** Registers `GET /` on the given (encapsulated) instance. */
export async function frontPageRoutes(app: FastifyInstance, options: FrontPageOptions): Promise<void> {
  const { platform } = options;
  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const lang = pickLang(request);
    const testMode = platform.config.GRUNNMUR_MODE === 'test';
    const served = platform.components.filter((c) => c.name !== PORTAL_NAME);
    const status = await checkComponents(platform, served, options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS);
    const components: ComponentCard[] = served.map((c) => ({
      name: c.name,
      title: c.title,
      description: c.description,
      links: componentLinks(c, testMode),
      status: status.components[c.name] ?? 'DOWN',
    }));
    return sendPage(reply, {
      lang,
      path: '/',
      title: t(frontPageTitle, lang),
      body: renderFrontPage({
        lang,
        testMode,
        database: status.database,
        components,
        hasRegisters: platform.components.some((c) => c.name === 'registers'),
        hasIdporten: platform.components.some((c) => c.name === 'idporten'),
      }),
    });
  });
}
