/**
 * The mailbox pages' texts in bokmål, nynorsk and English, and how their error codes read.
 */
import type { Acr } from '../../../idporten/index.ts';
import type { Lang } from '../../../platform/ui/i18n.ts';
import type { DigitalpostPagesErrorCode } from '../errors.ts';

/** A text in each page language. */
export type Text = Record<Lang, string>;

/** Every fixed text of the pages. Exported for tests. */
export const texts = {
  title: { nb: 'Digital postkasse', nn: 'Digital postkasse', en: 'Digital mailbox' },
  inboxLead: {
    nb: 'Brev fra det offentlige til deg, nyeste først.',
    nn: 'Brev frå det offentlege til deg, nyaste først.',
    en: 'Letters from public bodies to you, newest first.',
  },
  inboxHeading: { nb: 'Innboks', nn: 'Innboks', en: 'Inbox' },
  letters: { nb: 'Brev', nn: 'Brev', en: 'Letters' },
  unreadCount: { nb: 'Uleste', nn: 'Ikkje opna', en: 'Unread' },
  none: { nb: 'Du har ingen brev.', nn: 'Du har ingen brev.', en: 'You have no letters.' },
  sender: { nb: 'Avsender', nn: 'Avsendar', en: 'Sender' },
  letterTitle: { nb: 'Tittel', nn: 'Tittel', en: 'Title' },
  received: { nb: 'Mottatt', nn: 'Motteke', en: 'Received' },
  status: { nb: 'Status', nn: 'Status', en: 'Status' },
  unread: { nb: 'Ulest', nn: 'Ikkje opna', en: 'Unread' },
  read: { nb: 'Lest', nn: 'Opna', en: 'Read' },
  pages: { nb: 'Sider', nn: 'Sider', en: 'Pages' },
  previous: { nb: 'Forrige side', nn: 'Førre side', en: 'Previous page' },
  next: { nb: 'Neste side', nn: 'Neste side', en: 'Next page' },
  pageOf: { nb: 'Side {page} av {pages}', nn: 'Side {page} av {pages}', en: 'Page {page} of {pages}' },
  loggedInAs: { nb: 'Innlogget med fødselsnummer', nn: 'Innlogga med fødselsnummer', en: 'Logged in with national identity number' },
  atLevel: { nb: 'sikkerhetsnivå', nn: 'tryggleiksnivå', en: 'level of assurance' },
  logout: { nb: 'Logg ut', nn: 'Logg ut', en: 'Log out' },
  from: { nb: 'Fra', nn: 'Frå', en: 'From' },
  orgnr: { nb: 'org.nr.', nn: 'org.nr.', en: 'org. no.' },
  needs: { nb: 'Krever', nn: 'Krev', en: 'Requires' },
  openedAt: { nb: 'Åpnet', nn: 'Opna', en: 'Opened' },
  documents: { nb: 'Dokumenter', nn: 'Dokument', en: 'Documents' },
  mainDocument: { nb: 'Hoveddokument', nn: 'Hovuddokument', en: 'Main document' },
  attachment: { nb: 'Vedlegg', nn: 'Vedlegg', en: 'Attachment' },
  open: { nb: 'Åpne', nn: 'Opne', en: 'Open' },
  download: { nb: 'Last ned', nn: 'Last ned', en: 'Download' },
  noDocuments: { nb: 'Brevet har ingen dokumenter.', nn: 'Brevet har ingen dokument.', en: 'The letter has no documents.' },
  stepUpTitle: {
    nb: 'Brevet krever høyere sikkerhetsnivå',
    nn: 'Brevet krev høgare tryggleiksnivå',
    en: 'The letter needs a higher level of assurance',
  },
  stepUpText: {
    nb: 'Avsenderen har bestemt at brevet bare kan leses etter innlogging på {level} sikkerhetsnivå, for eksempel med BankID. Du er logget inn på {current} sikkerhetsnivå.',
    nn: 'Avsendaren har bestemt at brevet berre kan lesast etter innlogging på {level} tryggleiksnivå, til dømes med BankID. Du er innlogga på {current} tryggleiksnivå.',
    en: 'The sender has decided that the letter can only be read after a login at a {level} level of assurance, for example with BankID. You are logged in at a {current} level.',
  },
  stepUpButton: { nb: 'Logg inn på høyt sikkerhetsnivå', nn: 'Logg inn på høgt tryggleiksnivå', en: 'Log in at a high level of assurance' },
  consentTitle: { nb: 'Avsenderen ber om åpningskvittering', nn: 'Avsendaren ber om opningskvittering', en: 'The sender asks for an opening receipt' },
  consentText: {
    nb: 'Når du åpner brevet, får {sender} beskjed om at du har åpnet det.',
    nn: 'Når du opnar brevet, får {sender} melding om at du har opna det.',
    en: 'When you open the letter, {sender} is told that you have opened it.',
  },
  consentButton: { nb: 'Åpne brevet', nn: 'Opne brevet', en: 'Open the letter' },
  back: { nb: 'Tilbake til innboksen', nn: 'Tilbake til innboksen', en: 'Back to the inbox' },
  toLetter: { nb: 'Tilbake til brevet', nn: 'Tilbake til brevet', en: 'Back to the letter' },
  loggedOutTitle: { nb: 'Du er logget ut', nn: 'Du er logga ut', en: 'You are logged out' },
  loggedOutLead: { nb: 'Du er logget ut av Digital postkasse.', nn: 'Du er logga ut av Digital postkasse.', en: 'You are logged out of the digital mailbox.' },
  loginAgain: { nb: 'Logg inn igjen', nn: 'Logg inn att', en: 'Log in again' },
  errorTitle: { nb: 'Noe gikk galt', nn: 'Noko gjekk gale', en: 'Something went wrong' },
  notFoundTitle: { nb: 'Fant ikke brevet', nn: 'Fann ikkje brevet', en: 'Letter not found' },
} as const satisfies Record<string, Text>;

/** Names of ID-porten's levels as the pages say them ("at a … level"). */
export const levelNames: Record<Acr, Text> = {
  'idporten-loa-substantial': { nb: 'betydelig', nn: 'betydeleg', en: 'substantial' },
  'idporten-loa-high': { nb: 'høyt', nn: 'høgt', en: 'high' },
};

/** A level as a label: "Høyt sikkerhetsnivå (nivå 4)". */
export const levelLabels: Record<Acr, Text> = {
  'idporten-loa-substantial': { nb: 'Betydelig sikkerhetsnivå (nivå 3)', nn: 'Betydeleg tryggleiksnivå (nivå 3)', en: 'Substantial level of assurance (level 3)' },
  'idporten-loa-high': { nb: 'Høyt sikkerhetsnivå (nivå 4)', nn: 'Høgt tryggleiksnivå (nivå 4)', en: 'High level of assurance (level 4)' },
};

/** How each error code reads on a page. */
export const errorTexts: Record<DigitalpostPagesErrorCode, Text> = {
  DIGITALPOST_LETTER_NOT_FOUND: {
    nb: 'Vi fant ikke dette brevet i postkassen din.',
    nn: 'Vi fann ikkje dette brevet i postkassa di.',
    en: 'We did not find this letter in your mailbox.',
  },
  DIGITALPOST_DOCUMENT_NOT_FOUND: { nb: 'Brevet har ikke dette dokumentet.', nn: 'Brevet har ikkje dette dokumentet.', en: 'The letter does not have this document.' },
  DIGITALPOST_LEVEL_TOO_LOW: {
    nb: 'Du må logge inn på høyere sikkerhetsnivå for å åpne dette dokumentet.',
    nn: 'Du må logge inn på høgare tryggleiksnivå for å opne dette dokumentet.',
    en: 'You must log in at a higher level of assurance to open this document.',
  },
  DIGITALPOST_CSRF_MISMATCH: {
    nb: 'Skjemaet hører ikke til denne innloggingen. Last siden på nytt og prøv igjen.',
    nn: 'Skjemaet høyrer ikkje til denne innlogginga. Last sida på nytt og prøv igjen.',
    en: 'The form does not belong to this login. Reload the page and try again.',
  },
  DIGITALPOST_LOGIN_FAILED: { nb: 'Innloggingen kunne ikke fullføres. Logg inn på nytt.', nn: 'Innlogginga kunne ikkje fullførast. Logg inn på nytt.', en: 'The login could not be completed. Log in again.' },
  DIGITALPOST_IDPORTEN_UNAVAILABLE: { nb: 'ID-porten er ikke tilgjengelig nå. Prøv igjen senere.', nn: 'ID-porten er ikkje tilgjengeleg no. Prøv igjen seinare.', en: 'ID-porten is not available right now. Try again later.' },
};

/** A text with `{name}` placeholders filled in. */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in values ? String(values[name]) : m));
}

/** A time as the pages show it (Norwegian time), e.g. `30. nov. 2026, 14:05`. */
export function formatTime(ms: number, lang: Lang): string {
  const locale = lang === 'en' ? 'en-GB' : lang === 'nn' ? 'nn-NO' : 'nb-NO';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Oslo' }).format(new Date(ms));
}

/** A size in bytes as the pages show it, e.g. `1,2 MB`. */
export function formatSize(bytes: number, lang: Lang): string {
  const locale = lang === 'en' ? 'en-GB' : 'nb-NO';
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
}
