/**
 * The method-choice page ("Velg elektronisk ID"), like the real ID-porten's: the service being
 * logged in to, one card per electronic ID that can give the level the service asked for (name,
 * description, level), and a cancel button that sends the user back to the service with
 * `error=access_denied`. Plain links and a form: no JavaScript needed.
 */
import { html } from '../../platform/ui/html.ts';
import { t, type Lang } from '../../platform/ui/i18n.ts';
import { renderPage } from '../../platform/ui/layout.ts';
import type { LocalizedText } from '../../platform/component.ts';
import type { Acr } from '../domain/types.ts';

const texts = {
  choose: { nb: 'Velg elektronisk ID', nn: 'Vel elektronisk ID', en: 'Choose your electronic ID' },
  loggingInTo: { nb: 'Du logger inn på', nn: 'Du loggar inn på', en: 'You are logging in to' },
  methods: { nb: 'Elektroniske ID-er', nn: 'Elektroniske ID-ar', en: 'Electronic IDs' },
  level: { nb: 'Sikkerhetsnivå', nn: 'Tryggleiksnivå', en: 'Level of assurance' },
  substantial: { nb: 'betydelig', nn: 'betydeleg', en: 'substantial' },
  high: { nb: 'høyt', nn: 'høgt', en: 'high' },
  cancel: { nb: 'Avbryt og gå tilbake til tjenesten', nn: 'Avbryt og gå tilbake til tenesta', en: 'Cancel and go back to the service' },
} as const;

/** The page title, for tests. */
export const METHOD_CHOICE_TITLE = texts.choose;

/** One method on the page. */
export interface MethodChoice {
  id: string;
  label: LocalizedText;
  description: LocalizedText;
  /** The levels it can give that the service accepts. */
  levels: readonly Acr[];
}

/**
 * Renders the page.
 *
 * @param base `/idporten/login/{uid}`; methods are at `{base}/{id}`, cancel posts to `{base}/avbryt`
 * @returns the whole HTML document
 */
export function renderMethodChoice(input: { lang: Lang; base: string; clientName: string; csrf: string; methods: MethodChoice[] }): string {
  const { lang, base } = input;
  const level = (acr: Acr) => t(acr === 'idporten-loa-high' ? texts.high : texts.substantial, lang);
  const body = html`<div class="grunnmur-stack" data-grunnmur-page="method-choice">
  <h1 class="ds-heading" data-size="lg">${t(texts.choose, lang)}</h1>
  <p class="ds-paragraph">${t(texts.loggingInTo, lang)} <strong>${input.clientName}</strong>.</p>
  <nav aria-label="${t(texts.methods, lang)}" class="grunnmur-stack">
    ${input.methods.map(
      (m) => html`<a class="ds-card" href="${base}/${m.id}" data-variant="tinted">
      <h2 class="ds-heading" data-size="sm">${t(m.label, lang)}</h2>
      <p class="ds-paragraph">${t(m.description, lang)}</p>
      <p class="ds-paragraph" data-size="sm">${t(texts.level, lang)}: ${m.levels.map(level).join(', ')}</p>
    </a>`,
    )}
  </nav>
  <form method="post" action="${base}/avbryt">
    <input type="hidden" name="csrf" value="${input.csrf}">
    <button class="ds-button" data-variant="tertiary" type="submit">${t(texts.cancel, lang)}</button>
  </form>
</div>`;
  return renderPage({ lang, title: t(texts.choose, lang), body, path: base });
}
