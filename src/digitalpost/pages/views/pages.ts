/**
 * The mailbox pages' bodies (server-rendered, Designsystemet classes, no JavaScript). Each form
 * posts with the session's CSRF token. `data-*` attributes name the parts tests look for.
 */
import type { Acr } from '../../../idporten/index.ts';
import { html, type SafeHtml } from '../../../platform/ui/html.ts';
import { t, type Lang } from '../../../platform/ui/i18n.ts';
import type { Inbox, LetterView } from '../domain/mailbox.ts';
import { DIGITALPOST_PAGES_PATH, documentPath, letterPath } from '../paths.ts';
import { fill, formatSize, formatTime, levelLabels, levelNames, texts } from './texts.ts';

/** Who is logged in, as the pages show it. */
export interface SessionInfo {
  pid: string;
  acr: string;
  csrf: string;
}

const csrfInput = (csrf: string) => html`<input type="hidden" name="csrf" value="${csrf}">`;
const isoTime = (ms: number) => new Date(ms).toISOString();
const time = (ms: number, lang: Lang) => html`<time datetime="${isoTime(ms)}">${formatTime(ms, lang)}</time>`;

/** `lang` of a title in the sender's language (`ikkesensitivtittel.spraak`), when it is a valid primary subtag. */
function titleLang(spraak: string): string | undefined {
  const s = spraak.toLowerCase();
  return /^[a-z]{2}$/.test(s) ? s : undefined;
}

function levelName(acr: string, lang: Lang): string {
  return acr in levelNames ? t(levelNames[acr as Acr], lang) : acr;
}

/** The login line and the logout button. */
function sessionBar(s: SessionInfo, lang: Lang): SafeHtml {
  return html`<div class="grunnmur-actions" data-session>
  <p class="ds-paragraph" data-size="sm">${t(texts.loggedInAs, lang)} <span data-pid>${s.pid.slice(0, 6)} *****</span>, ${t(texts.atLevel, lang)} <span data-acr="${s.acr}">${levelName(s.acr, lang)}</span></p>
  <form method="post" action="${DIGITALPOST_PAGES_PATH}/logg-ut" data-form="logg-ut">
    ${csrfInput(s.csrf)}
    <button class="ds-button" data-variant="tertiary" data-size="sm" type="submit">${t(texts.logout, lang)}</button>
  </form>
</div>`;
}

function pagination(inbox: Inbox, lang: Lang): SafeHtml | string {
  if (inbox.pages <= 1) return '';
  const href = (p: number) => `${DIGITALPOST_PAGES_PATH}?side=${p}`;
  return html`<nav class="grunnmur-actions" aria-label="${t(texts.pages, lang)}" data-pagination>
  ${inbox.page > 1 ? html`<a class="ds-link" href="${href(inbox.page - 1)}" rel="prev">${t(texts.previous, lang)}</a>` : ''}
  <span class="ds-paragraph" data-size="sm" aria-current="page">${fill(t(texts.pageOf, lang), { page: inbox.page, pages: inbox.pages })}</span>
  ${inbox.page < inbox.pages ? html`<a class="ds-link" href="${href(inbox.page + 1)}" rel="next">${t(texts.next, lang)}</a>` : ''}
</nav>`;
}

/** The inbox: the citizen's letters visible now, newest first. */
export function inboxBody(inbox: Inbox, session: SessionInfo, lang: Lang): SafeHtml {
  return html`<div class="grunnmur-stack" data-digitalpost-page="innboks">
  <h1 class="ds-heading" data-size="lg">${t(texts.title, lang)}</h1>
  <p class="ds-paragraph grunnmur-lead">${t(texts.inboxLead, lang)}</p>
  ${sessionBar(session, lang)}
  <section class="grunnmur-section" aria-labelledby="innboks-h">
    <h2 class="ds-heading" data-size="md" id="innboks-h">${t(texts.inboxHeading, lang)}</h2>
    <p class="ds-paragraph" data-size="sm">${t(texts.letters, lang)}: <span data-field="total">${inbox.total}</span>. ${t(texts.unreadCount, lang)}: <span data-field="unread">${inbox.unread}</span>.</p>
    ${inbox.letters.length === 0
      ? html`<p class="ds-paragraph" data-letters-none>${t(texts.none, lang)}</p>`
      : html`<div class="grunnmur-table-wrap"><table class="ds-table" data-border>
      <caption class="ds-sr-only">${t(texts.inboxHeading, lang)}</caption>
      <thead><tr><th scope="col">${t(texts.sender, lang)}</th><th scope="col">${t(texts.letterTitle, lang)}</th><th scope="col">${t(texts.received, lang)}</th><th scope="col">${t(texts.status, lang)}</th></tr></thead>
      <tbody>${inbox.letters.map((l) => {
        const unread = l.opened_at === null;
        const link = html`<a class="ds-link" href="${letterPath(l.id)}" data-letter-link${titleLang(l.spraak) ? html` lang="${titleLang(l.spraak)}"` : ''}>${l.ikkesensitivtittel}</a>`;
        return html`<tr data-letter="${l.id}" data-unread="${unread ? 'true' : 'false'}">
        <td data-field="avsender">${l.sender_name}</td>
        <th scope="row" data-field="tittel">${unread ? html`<strong>${link}</strong>` : link}</th>
        <td data-field="mottatt">${time(Number(l.visible_from), lang)}</td>
        <td data-field="status">${unread ? html`<span class="ds-tag" data-color="info">${t(texts.unread, lang)}</span>` : t(texts.read, lang)}</td>
      </tr>`;
      })}</tbody>
    </table></div>`}
    ${pagination(inbox, lang)}
  </section>
</div>`;
}

/** The step-up offer: why the letter is closed, and a login at the level it needs. */
function stepUp(letterId: string, required: Acr, current: string, lang: Lang): SafeHtml {
  return html`<div class="ds-alert" data-color="info" data-step-up>
  <h2 class="ds-heading" data-size="xs">${t(texts.stepUpTitle, lang)}</h2>
  <p class="ds-paragraph">${fill(t(texts.stepUpText, lang), { level: levelName(required, lang), current: levelName(current, lang) })}</p>
  <p class="ds-paragraph"><a class="ds-button" data-variant="primary" href="${DIGITALPOST_PAGES_PATH}/logg-inn?brev=${encodeURIComponent(letterId)}&amp;nivaa=4" data-link="step-up">${t(texts.stepUpButton, lang)}</a></p>
</div>`;
}

/** A letter: its title and sender; then the step-up offer, the opening-receipt consent, or the documents. */
export function letterBody(view: LetterView, session: SessionInfo, lang: Lang): SafeHtml {
  const l = view.letter;
  const tl = titleLang(l.spraak);
  return html`<div class="grunnmur-stack" data-digitalpost-page="brev" data-letter="${l.id}">
  <h1 class="ds-heading" data-size="lg" data-field="tittel"${tl ? html` lang="${tl}"` : ''}>${l.ikkesensitivtittel}</h1>
  <div class="grunnmur-table-wrap"><table class="ds-table" data-size="sm" data-facts>
    <tbody>
      <tr><th scope="row">${t(texts.from, lang)}</th><td data-field="avsender">${l.sender_name} (${t(texts.orgnr, lang)} ${l.sender_orgnr})</td></tr>
      <tr><th scope="row">${t(texts.received, lang)}</th><td data-field="mottatt">${time(Number(l.visible_from), lang)}</td></tr>
      <tr><th scope="row">${t(texts.needs, lang)}</th><td data-field="sikkerhetsnivaa" data-sikkerhetsnivaa="${l.sikkerhetsnivaa}">${t(levelLabels[view.requiredAcr], lang)}</td></tr>
      ${l.opened_at !== null ? html`<tr><th scope="row">${t(texts.openedAt, lang)}</th><td data-field="aapnet">${time(Number(l.opened_at), lang)}</td></tr>` : ''}
    </tbody>
  </table></div>
  ${!view.allowed
    ? stepUp(l.id, view.requiredAcr, session.acr, lang)
    : view.needsConsent
      ? html`<div class="ds-alert" data-color="warning" data-consent>
    <h2 class="ds-heading" data-size="xs">${t(texts.consentTitle, lang)}</h2>
    <p class="ds-paragraph">${fill(t(texts.consentText, lang), { sender: l.sender_name })}</p>
    <form method="post" action="${letterPath(l.id)}/aapne" data-form="aapne">
      ${csrfInput(session.csrf)}
      <button class="ds-button" data-variant="primary" type="submit">${t(texts.consentButton, lang)}</button>
    </form>
  </div>`
      : documentsList(view, lang)}
  <p class="ds-paragraph"><a class="ds-link" href="${DIGITALPOST_PAGES_PATH}" data-link="innboks">${t(texts.back, lang)}</a></p>
  ${sessionBar(session, lang)}
</div>`;
}

function documentsList(view: LetterView, lang: Lang): SafeHtml {
  const id = view.letter.id;
  return html`<section class="grunnmur-section" aria-labelledby="dokumenter-h" data-documents>
    <h2 class="ds-heading" data-size="md" id="dokumenter-h">${t(texts.documents, lang)}</h2>
    ${view.documents.length === 0
      ? html`<p class="ds-paragraph">${t(texts.noDocuments, lang)}</p>`
      : html`<ul class="ds-list">${view.documents.map((d) => {
          const name = d.tittel ?? d.filename;
          const kind = d.mime_type === 'application/pdf' ? 'PDF' : d.mime_type;
          return html`<li data-document="${d.position}" data-hoveddokument="${Number(d.hoveddokument) === 1 ? 'true' : 'false'}">
        <span class="ds-tag" data-color="neutral">${t(Number(d.hoveddokument) === 1 ? texts.mainDocument : texts.attachment, lang)}</span>
        <a class="ds-link" href="${documentPath(id, d.position)}" data-link="dokument">${name}<span class="ds-sr-only">, ${t(texts.open, lang)}</span></a>
        <span class="ds-paragraph" data-size="sm">(${kind}, ${formatSize(Number(d.size), lang)})</span>
        <a class="ds-link" href="${documentPath(id, d.position, true)}" data-link="last-ned">${t(texts.download, lang)}<span class="ds-sr-only"> ${name}</span></a>
      </li>`;
        })}</ul>`}
  </section>`;
}

/** A document asked for with too low a level: the reason and the step-up. */
export function levelTooLowBody(letterId: string, required: Acr, session: SessionInfo, message: string, code: string, lang: Lang): SafeHtml {
  return html`<div class="grunnmur-stack" data-digitalpost-page="feil">
  <h1 class="ds-heading" data-size="lg">${t(texts.stepUpTitle, lang)}</h1>
  <div class="ds-alert" data-color="warning" role="alert" data-error-code="${code}"><p class="ds-paragraph">${message}</p></div>
  ${stepUp(letterId, required, session.acr, lang)}
  <p class="ds-paragraph"><a class="ds-link" href="${letterPath(letterId)}">${t(texts.toLetter, lang)}</a></p>
</div>`;
}

/** After logout. */
export function loggedOutBody(lang: Lang): SafeHtml {
  return html`<div class="grunnmur-stack" data-digitalpost-page="logget-ut">
  <h1 class="ds-heading" data-size="lg">${t(texts.loggedOutTitle, lang)}</h1>
  <div class="ds-alert" data-color="success" role="status"><p class="ds-paragraph">${t(texts.loggedOutLead, lang)}</p></div>
  <p class="ds-paragraph"><a class="ds-link" href="${DIGITALPOST_PAGES_PATH}">${t(texts.loginAgain, lang)}</a></p>
</div>`;
}

/** An error page (unknown letter, login failed, ID-porten down, a stale form). */
export function errorBody(title: string, message: string, code: string, lang: Lang): SafeHtml {
  return html`<div class="grunnmur-stack" data-digitalpost-page="feil">
  <h1 class="ds-heading" data-size="lg">${title}</h1>
  <div class="ds-alert" data-color="danger" role="alert" data-error-code="${code}"><p class="ds-paragraph">${message}</p></div>
  <p class="ds-paragraph"><a class="ds-link" href="${DIGITALPOST_PAGES_PATH}">${t(texts.back, lang)}</a></p>
</div>`;
}
