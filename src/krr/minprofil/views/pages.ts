/**
 * MinProfil's page bodies (server-rendered, Designsystemet classes, no JavaScript). Each form
 * posts with the session's CSRF token. `data-*` attributes name the parts tests look for.
 */
import { html, type SafeHtml } from '../../../platform/ui/html.ts';
import { t, type Lang } from '../../../platform/ui/i18n.ts';
import type { Kanal } from '../domain/contact-values.ts';
import type { LookupView } from '../domain/lookups-view.ts';
import { SPRAAK_VALUES, type ChannelView, type PendingChange, type Profile } from '../domain/profile.ts';
import { MINPROFIL_PATH } from '../paths.ts';
import { changedTexts, formatTime, spraakNames, texts } from './texts.ts';

/** An error shown on a form: the field it belongs to (the summary links there), the message, and its code. */
export interface PageError {
  field: string;
  message: string;
  code: string;
}

/** The error summary (focused on load), or nothing. */
export function errorSummary(errors: PageError[], lang: Lang): SafeHtml | string {
  if (errors.length === 0) return '';
  return html`<div class="ds-error-summary" data-color="danger" tabindex="-1" role="alert" id="error-summary" autofocus>
  <h2 class="ds-heading" data-size="xs">${t(texts.summary, lang)}</h2>
  <ul class="ds-list">${errors.map((e) => html`<li data-error-code="${e.code}"><a class="ds-link" href="#${e.field}">${e.message}</a></li>`)}</ul>
</div>`;
}

const csrfInput = (csrf: string) => html`<input type="hidden" name="csrf" value="${csrf}">`;

function channelRow(kanal: Kanal, view: ChannelView | null, lang: Lang): SafeHtml {
  const label = t(kanal === 'epost' ? texts.epost : texts.mobil, lang);
  const field = kanal === 'epost' ? 'epostadresse' : 'mobiltelefonnummer';
  return html`<tr data-channel="${kanal}">
  <th scope="row">${label}</th>
  <td data-field="${field}">${view ? view.address : html`<span class="ds-paragraph" data-size="sm">${t(texts.none, lang)}</span>`}${
    view?.stale ? html` <span class="ds-tag" data-color="warning" data-stale="${kanal}">${t(texts.staleChannel, lang)}</span>` : ''
  }</td>
  <td data-field="${field}_oppdatert">${formatTime(view?.oppdatert ?? null, lang)}</td>
  <td data-field="${field}_sist_verifisert">${formatTime(view?.sistVerifisert ?? null, lang)}</td>
  <td><a class="ds-link" href="${MINPROFIL_PATH}/${kanal}" data-change="${kanal}">${t(view ? texts.change : texts.add, lang)}<span class="ds-sr-only"> ${label}</span></a></td>
</tr>`;
}

/** What the overview shows. */
export interface OverviewModel {
  profile: Profile;
  csrf: string;
  /** A confirmation after a change (`?endret=`), when its key is known. */
  changed?: keyof typeof changedTexts;
  errors: PageError[];
  gotoUrl: string | null;
}

/** The overview: contact details, reservation, language, mailbox, lookups link, logout. */
export function overviewBody(m: OverviewModel, lang: Lang): SafeHtml {
  const p = m.profile;
  const registered = p.status === 'AKTIV';
  const hasContact = p.epost !== null || p.mobil !== null;
  const reserved = registered && p.reservasjon === 'JA';
  return html`<div class="grunnmur-stack" data-minprofil-page="oversikt">
  <h1 class="ds-heading" data-size="lg">${t(texts.title, lang)}</h1>
  <p class="ds-paragraph grunnmur-lead">${t(texts.lead, lang)}</p>
  <p class="ds-paragraph" data-size="sm">${t(texts.loggedInAs, lang)} <span data-pid>${p.personidentifikator.slice(0, 6)} *****</span></p>
  ${m.changed ? html`<div class="ds-alert" data-color="success" role="status" data-changed="${m.changed}"><p class="ds-paragraph">${t(changedTexts[m.changed], lang)}</p></div>` : ''}
  ${errorSummary(m.errors, lang)}
  ${!registered ? html`<div class="ds-alert" data-color="info" data-not-registered><p class="ds-paragraph">${t(texts.notRegistered, lang)}</p></div>` : ''}
  ${p.stale ? html`<div class="ds-alert" data-color="warning" data-stale-warning><p class="ds-paragraph">${t(texts.staleWarning, lang)}</p></div>` : ''}

  <section class="grunnmur-section" aria-labelledby="kontakt-h">
    <h2 class="ds-heading" data-size="md" id="kontakt-h">${t(texts.contact, lang)}</h2>
    <div class="grunnmur-table-wrap">
    <table class="ds-table" data-border>
      <thead><tr><th scope="col"><span class="ds-sr-only">${t(texts.contact, lang)}</span></th><th scope="col">${t(texts.value, lang)}</th><th scope="col">${t(texts.oppdatert, lang)}</th><th scope="col">${t(texts.verifisert, lang)}</th><th scope="col"><span class="ds-sr-only">${t(texts.change, lang)}</span></th></tr></thead>
      <tbody>
        ${channelRow('epost', p.epost, lang)}
        ${channelRow('mobil', p.mobil, lang)}
      </tbody>
    </table>
    </div>
    ${hasContact
      ? html`<form method="post" action="${MINPROFIL_PATH}/bekreft" id="bekreft" data-form="bekreft">
      ${csrfInput(m.csrf)}
      <p class="ds-paragraph">${t(texts.confirmTitle, lang)}</p>
      <div class="grunnmur-actions"><button class="ds-button" data-variant="${p.stale ? 'primary' : 'secondary'}" type="submit">${t(texts.confirmButton, lang)}</button></div>
    </form>`
      : ''}
  </section>

  <section class="grunnmur-section" aria-labelledby="reservasjon-h" data-reservasjon="${registered ? (p.reservasjon ?? 'NEI') : 'IKKE_REGISTRERT'}">
    <h2 class="ds-heading" data-size="md" id="reservasjon-h">${t(texts.reservationTitle, lang)}</h2>
    <p class="ds-paragraph" data-field="reservasjon">${t(reserved ? texts.reservedYes : texts.reservedNo, lang)}</p>
    ${reserved ? html`<p class="ds-paragraph" data-size="sm">${t(texts.reservedSince, lang)}: <span data-field="reservasjonstidspunkt">${formatTime(p.reservasjonstidspunkt, lang)}</span></p>` : ''}
    ${p.reservasjonOppdatert !== null && registered ? html`<p class="ds-paragraph" data-size="sm">${t(texts.reservationChanged, lang)}: <span data-field="reservasjon_oppdatert">${formatTime(p.reservasjonOppdatert, lang)}</span></p>` : ''}
    <form method="post" action="${MINPROFIL_PATH}/reservasjon" id="reservasjon" data-form="reservasjon">
      ${csrfInput(m.csrf)}
      <input type="hidden" name="reservasjon" value="${reserved ? 'NEI' : 'JA'}">
      <div class="grunnmur-actions"><button class="ds-button" data-variant="secondary" type="submit">${t(reserved ? texts.unreserve : texts.reserve, lang)}</button></div>
    </form>
  </section>

  <section class="grunnmur-section" aria-labelledby="spraak-h">
    <h2 class="ds-heading" data-size="md" id="spraak-h">${t(texts.spraakTitle, lang)}</h2>
    <form method="post" action="${MINPROFIL_PATH}/spraak" data-form="spraak">
      ${csrfInput(m.csrf)}
      <div class="ds-field">
        <label class="ds-label" for="spraak">${t(texts.spraakLabel, lang)}</label>
        <select class="ds-input" id="spraak" name="spraak" data-field="spraak">
          ${p.spraak === null || !registered ? html`<option value="" selected disabled>${t(texts.spraakNone, lang)}</option>` : ''}
          ${SPRAAK_VALUES.map((s) => html`<option value="${s}" lang="${s}"${registered && p.spraak === s ? html` selected` : ''}>${spraakNames[s]}</option>`)}
        </select>
      </div>
      ${p.spraakOppdatert !== null && registered ? html`<p class="ds-paragraph" data-size="sm">${t(texts.oppdatert, lang)}: <span data-field="spraak_oppdatert">${formatTime(p.spraakOppdatert, lang)}</span></p>` : ''}
      <div class="grunnmur-actions"><button class="ds-button" data-variant="secondary" type="submit">${t(texts.spraakSave, lang)}</button></div>
    </form>
  </section>

  <section class="grunnmur-section" aria-labelledby="postkasse-h">
    <h2 class="ds-heading" data-size="md" id="postkasse-h">${t(texts.postkasseTitle, lang)}</h2>
    ${p.postkasse
      ? html`<p class="ds-paragraph" data-field="postkasse">${t(texts.postkasseAt, lang)} ${p.postkasse.leverandoerNavn ?? p.postkasse.leverandoerOrgnr}: <span data-field="postkasseadresse">${p.postkasse.adresse}</span></p>`
      : html`<p class="ds-paragraph" data-field="postkasse">${t(texts.postkasseNone, lang)}</p>`}
  </section>

  <section class="grunnmur-section" aria-labelledby="oppslag-h">
    <h2 class="ds-heading" data-size="md" id="oppslag-h">${t(texts.lookupsTitle, lang)}</h2>
    <p class="ds-paragraph"><a class="ds-link" href="${MINPROFIL_PATH}/oppslag" data-link="oppslag">${t(texts.lookupsLink, lang)}</a></p>
  </section>

  <div class="grunnmur-actions">
    ${m.gotoUrl ? html`<a class="ds-button" data-variant="primary" href="${m.gotoUrl}" data-goto-url>${t(texts.gotoBack, lang)}</a>` : ''}
    <form method="post" action="${MINPROFIL_PATH}/logg-ut" data-form="logg-ut">
      ${csrfInput(m.csrf)}
      <button class="ds-button" data-variant="tertiary" type="submit">${t(texts.logout, lang)}</button>
    </form>
  </div>
</div>`;
}

/** Step 1 of a change: the new address. */
export function addressFormBody(kanal: Kanal, csrf: string, value: string, errors: PageError[], lang: Lang): SafeHtml {
  const id = `ny-${kanal}`;
  const error = errors.find((e) => e.field === id);
  const describedBy = [`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="grunnmur-stack" data-minprofil-page="${kanal}">
  <h1 class="ds-heading" data-size="lg">${t(kanal === 'epost' ? texts.epostTitle : texts.mobilTitle, lang)}</h1>
  ${errorSummary(errors, lang)}
  <form method="post" action="${MINPROFIL_PATH}/${kanal}" novalidate>
    ${csrfInput(csrf)}
    <div class="ds-field">
      <label class="ds-label" for="${id}">${t(kanal === 'epost' ? texts.epostNew : texts.mobilNew, lang)}</label>
      <p class="ds-paragraph" data-size="sm" id="${id}-hint">${t(kanal === 'epost' ? texts.epostHint : texts.mobilHint, lang)}</p>
      <input class="ds-input" type="${kanal === 'epost' ? 'email' : 'tel'}" id="${id}" name="verdi" autocomplete="${kanal === 'epost' ? 'email' : 'tel'}"${
        kanal === 'mobil' ? html` inputmode="tel"` : ''
      } value="${value}"${error ? html` aria-invalid="true"` : ''} aria-describedby="${describedBy}">
      ${error ? html`<p class="ds-validation-message" data-color="danger" id="${id}-error">${error.message}</p>` : ''}
    </div>
    <div class="grunnmur-actions">
      <button class="ds-button" type="submit">${t(texts.sendCode, lang)}</button>
      <a class="ds-button" data-variant="tertiary" href="${MINPROFIL_PATH}">${t(texts.cancel, lang)}</a>
    </div>
  </form>
</div>`;
}

/** Step 2 of a change: the one-time code sent to the new address. */
export function codeFormBody(pending: PendingChange, csrf: string, errors: PageError[], lang: Lang): SafeHtml {
  const kanal = pending.kanal;
  const id = `kode-${kanal}`;
  const error = errors.find((e) => e.field === id);
  return html`<div class="grunnmur-stack" data-minprofil-page="${kanal}-kode">
  <h1 class="ds-heading" data-size="lg">${t(kanal === 'epost' ? texts.epostTitle : texts.mobilTitle, lang)}</h1>
  ${errorSummary(errors, lang)}
  <p class="ds-paragraph">${t(kanal === 'epost' ? texts.codeSentEpost : texts.codeSentMobil, lang)} <strong data-pending="${kanal}">${pending.verdi}</strong>. ${t(texts.codeValid, lang)}</p>
  <form method="post" action="${MINPROFIL_PATH}/${kanal}/kode" novalidate>
    ${csrfInput(csrf)}
    <div class="ds-field">
      <label class="ds-label" for="${id}">${t(texts.code, lang)}</label>
      <p class="ds-paragraph" data-size="sm" id="${id}-hint">${t(texts.codeHint, lang)}</p>
      <input class="ds-input" type="text" id="${id}" name="kode" autocomplete="one-time-code" inputmode="numeric"${error ? html` aria-invalid="true"` : ''} aria-describedby="${id}-hint${error ? html` ${id}-error` : ''}">
      ${error ? html`<p class="ds-validation-message" data-color="danger" id="${id}-error">${error.message}</p>` : ''}
    </div>
    <div class="grunnmur-actions">
      <button class="ds-button" type="submit">${t(texts.confirmCode, lang)}</button>
      <a class="ds-button" data-variant="tertiary" href="${MINPROFIL_PATH}">${t(texts.cancel, lang)}</a>
    </div>
  </form>
  <form method="post" action="${MINPROFIL_PATH}/${kanal}" data-form="ny-kode">
    ${csrfInput(csrf)}
    <input type="hidden" name="verdi" value="${pending.verdi}">
    <button class="ds-button" data-variant="secondary" type="submit">${t(texts.newCode, lang)}</button>
  </form>
</div>`;
}

function scopeLabel(scope: string, lang: Lang): string {
  if (scope === 'krr:global/kontaktinformasjon.read') return t(texts.scopeKontakt, lang);
  if (scope === 'krr:global/digitalpost.read') return t(texts.scopeDigitalpost, lang);
  if (scope === 'krr:global/postkasseleverandoer.write') return t(texts.scopePostkasseleverandoer, lang);
  if (scope.startsWith('krr:user/')) return t(texts.scopeOwn, lang);
  return scope;
}

/** The lookups page. */
export function lookupsBody(lookups: LookupView[], lang: Lang): SafeHtml {
  return html`<div class="grunnmur-stack" data-minprofil-page="oppslag">
  <h1 class="ds-heading" data-size="lg">${t(texts.lookupsTitle, lang)}</h1>
  <p class="ds-paragraph grunnmur-lead">${t(texts.lookupsLead, lang)}</p>
  ${lookups.length === 0
    ? html`<p class="ds-paragraph" data-lookups-none>${t(texts.lookupsNone, lang)}</p>`
    : html`<div class="grunnmur-table-wrap"><table class="ds-table" data-border>
    <thead><tr><th scope="col">${t(texts.org, lang)}</th><th scope="col">${t(texts.orgnr, lang)}</th><th scope="col">${t(texts.when, lang)}</th><th scope="col">${t(texts.what, lang)}</th></tr></thead>
    <tbody>${lookups.map(
      (l) => html`<tr data-lookup data-orgnr="${l.orgnr}" data-looked-up-at="${new Date(l.lookedUpAt).toISOString()}">
      <td data-field="navn">${l.navn ?? t(texts.unknownOrg, lang)}${l.supplierOrgnr ? html` <span class="ds-paragraph" data-size="sm">(${t(texts.viaSupplier, lang)} ${l.supplierNavn ?? l.supplierOrgnr})</span>` : ''}</td>
      <td data-field="orgnr">${l.orgnr}</td>
      <td data-field="tidspunkt"><time datetime="${new Date(l.lookedUpAt).toISOString()}">${formatTime(l.lookedUpAt, lang)}</time></td>
      <td>${[...new Set(l.scopes.map((s) => scopeLabel(s, lang)))].join(', ')}</td>
    </tr>`,
    )}</tbody>
  </table></div>`}
  <p class="ds-paragraph"><a class="ds-link" href="${MINPROFIL_PATH}">${t(texts.back, lang)}</a></p>
</div>`;
}

/** After logout. */
export function loggedOutBody(lang: Lang): SafeHtml {
  return html`<div class="grunnmur-stack" data-minprofil-page="logget-ut">
  <h1 class="ds-heading" data-size="lg">${t(texts.loggedOutTitle, lang)}</h1>
  <div class="ds-alert" data-color="success" role="status"><p class="ds-paragraph">${t(texts.loggedOutLead, lang)}</p></div>
  <p class="ds-paragraph"><a class="ds-link" href="${MINPROFIL_PATH}">${t(texts.loginAgain, lang)}</a></p>
</div>`;
}

/** An error that ends the page's flow (login failed, ID-porten down, a stale form). */
export function errorBody(message: string, code: string, lang: Lang): SafeHtml {
  return html`<div class="grunnmur-stack" data-minprofil-page="feil">
  <h1 class="ds-heading" data-size="lg">${t(texts.errorTitle, lang)}</h1>
  <div class="ds-alert" data-color="danger" role="alert" data-error-code="${code}"><p class="ds-paragraph">${message}</p></div>
  <p class="ds-paragraph"><a class="ds-link" href="${MINPROFIL_PATH}">${t(texts.start, lang)}</a></p>
</div>`;
}
