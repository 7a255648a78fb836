/**
 * MinProfil's texts in bokmål, nynorsk and English (the languages of the real MinProfil's
 * pages), and how its error codes read on a page.
 */
import type { Lang } from '../../../platform/ui/i18n.ts';
import type { MinprofilErrorCode } from '../errors.ts';

/** A text in each page language. */
export type Text = Record<Lang, string>;

/** Every text of the pages. Exported for tests. */
export const texts = {
  title: { nb: 'Min profil', nn: 'Min profil', en: 'My profile' },
  lead: {
    nb: 'Kontakt- og reservasjonsregisteret: kontaktinformasjonen det offentlige bruker for å nå deg.',
    nn: 'Kontakt- og reservasjonsregisteret: kontaktinformasjonen det offentlege bruker for å nå deg.',
    en: 'The contact and reservation register: the contact details public bodies use to reach you.',
  },
  loggedInAs: { nb: 'Innlogget med fødselsnummer', nn: 'Innlogga med fødselsnummer', en: 'Logged in with national identity number' },
  contact: { nb: 'Kontaktinformasjon', nn: 'Kontaktinformasjon', en: 'Contact details' },
  epost: { nb: 'E-post', nn: 'E-post', en: 'E-mail' },
  mobil: { nb: 'Mobil', nn: 'Mobil', en: 'Mobile' },
  value: { nb: 'Registrert', nn: 'Registrert', en: 'Registered' },
  oppdatert: { nb: 'Sist endret', nn: 'Sist endra', en: 'Last changed' },
  verifisert: { nb: 'Sist bekreftet', nn: 'Sist stadfesta', en: 'Last confirmed' },
  validert: { nb: 'Sist bekreftet med kode', nn: 'Sist stadfesta med kode', en: 'Last verified by code' },
  none: { nb: 'Ikke registrert', nn: 'Ikkje registrert', en: 'Not registered' },
  never: { nb: '–', nn: '–', en: '–' },
  change: { nb: 'Endre', nn: 'Endre', en: 'Change' },
  add: { nb: 'Legg til', nn: 'Legg til', en: 'Add' },
  staleWarning: {
    nb: 'Kontaktinformasjonen din er eldre enn 18 måneder. Offentlige virksomheter kan ikke bruke den til å varsle deg før du har bekreftet eller endret den.',
    nn: 'Kontaktinformasjonen din er eldre enn 18 månader. Offentlege verksemder kan ikkje bruke han til å varsle deg før du har stadfesta eller endra han.',
    en: 'Your contact details are older than 18 months. Public bodies cannot use them to notify you until you confirm or change them.',
  },
  staleChannel: { nb: 'Eldre enn 18 måneder', nn: 'Eldre enn 18 månader', en: 'Older than 18 months' },
  notRegistered: {
    nb: 'Du er ikke registrert i Kontakt- og reservasjonsregisteret. Legg inn e-postadresse eller mobilnummer for å registrere deg.',
    nn: 'Du er ikkje registrert i Kontakt- og reservasjonsregisteret. Legg inn e-postadresse eller mobilnummer for å registrere deg.',
    en: 'You are not registered in the contact and reservation register. Add an e-mail address or a mobile number to register.',
  },
  confirmTitle: { nb: 'Stemmer opplysningene?', nn: 'Stemmer opplysningane?', en: 'Are these details right?' },
  confirmButton: { nb: 'Ja, opplysningene stemmer', nn: 'Ja, opplysningane stemmer', en: 'Yes, these details are right' },
  reservationTitle: { nb: 'Reservasjon mot digital kommunikasjon', nn: 'Reservasjon mot digital kommunikasjon', en: 'Reservation against digital communication' },
  reservedYes: {
    nb: 'Du har reservert deg. Det offentlige sender deg viktige brev på papir.',
    nn: 'Du har reservert deg. Det offentlege sender deg viktige brev på papir.',
    en: 'You have reserved yourself. Public bodies send you important letters on paper.',
  },
  reservedNo: {
    nb: 'Du er ikke reservert. Det offentlige kan kommunisere digitalt med deg.',
    nn: 'Du er ikkje reservert. Det offentlege kan kommunisere digitalt med deg.',
    en: 'You are not reserved. Public bodies may communicate with you digitally.',
  },
  reservedSince: { nb: 'Reservert', nn: 'Reservert', en: 'Reserved' },
  reservationChanged: { nb: 'Sist endret', nn: 'Sist endra', en: 'Last changed' },
  reserve: { nb: 'Reserver meg mot digital kommunikasjon', nn: 'Reserver meg mot digital kommunikasjon', en: 'Reserve me against digital communication' },
  unreserve: { nb: 'Fjern reservasjonen', nn: 'Fjern reservasjonen', en: 'Withdraw the reservation' },
  spraakTitle: { nb: 'Foretrukket språk', nn: 'Føretrekt språk', en: 'Preferred language' },
  spraakLabel: { nb: 'Språk det offentlige skal bruke', nn: 'Språk det offentlege skal bruke', en: 'Language public bodies should use' },
  spraakNone: { nb: 'Ikke valgt', nn: 'Ikkje vald', en: 'Not chosen' },
  spraakSave: { nb: 'Lagre språk', nn: 'Lagre språk', en: 'Save language' },
  postkasseTitle: { nb: 'Digital postkasse', nn: 'Digital postkasse', en: 'Digital mailbox' },
  postkasseNone: {
    nb: 'Du har ikke valgt digital postkasse. Du velger den hos Digipost eller e-Boks.',
    nn: 'Du har ikkje vald digital postkasse. Du vel han hos Digipost eller e-Boks.',
    en: 'You have not chosen a digital mailbox. You choose one at Digipost or e-Boks.',
  },
  postkasseAt: { nb: 'Postkasse hos', nn: 'Postkasse hos', en: 'Mailbox at' },
  lookupsTitle: { nb: 'Hvem har slått deg opp?', nn: 'Kven har slått deg opp?', en: 'Who looked you up?' },
  lookupsLink: { nb: 'Se hvilke virksomheter som har hentet opplysningene dine', nn: 'Sjå kva verksemder som har henta opplysningane dine', en: 'See which organisations fetched your details' },
  lookupsLead: {
    nb: 'Virksomheter som har slått deg opp i Kontakt- og reservasjonsregisteret, nyeste først.',
    nn: 'Verksemder som har slått deg opp i Kontakt- og reservasjonsregisteret, nyaste først.',
    en: 'Organisations that looked you up in the contact and reservation register, newest first.',
  },
  lookupsNone: { nb: 'Ingen har slått deg opp ennå.', nn: 'Ingen har slått deg opp enno.', en: 'Nobody has looked you up yet.' },
  org: { nb: 'Virksomhet', nn: 'Verksemd', en: 'Organisation' },
  orgnr: { nb: 'Organisasjonsnummer', nn: 'Organisasjonsnummer', en: 'Organisation number' },
  when: { nb: 'Tidspunkt', nn: 'Tidspunkt', en: 'Time' },
  what: { nb: 'Opplysninger', nn: 'Opplysningar', en: 'Details' },
  viaSupplier: { nb: 'via', nn: 'via', en: 'via' },
  scopeKontakt: { nb: 'Kontaktinformasjon', nn: 'Kontaktinformasjon', en: 'Contact details' },
  scopeDigitalpost: { nb: 'Digital postkasse', nn: 'Digital postkasse', en: 'Digital mailbox' },
  scopeOwn: { nb: 'Dine egne opplysninger', nn: 'Dine eigne opplysningar', en: 'Your own details' },
  scopePostkasseleverandoer: { nb: 'Din digitale postkasse (postkasseleverandøren)', nn: 'Den digitale postkassa di (postkasseleverandøren)', en: 'Your digital mailbox (the mailbox provider)' },
  unknownOrg: { nb: 'Ukjent virksomhet', nn: 'Ukjend verksemd', en: 'Unknown organisation' },
  back: { nb: 'Tilbake til Min profil', nn: 'Tilbake til Min profil', en: 'Back to My profile' },
  gotoBack: { nb: 'Gå tilbake til tjenesten', nn: 'Gå tilbake til tenesta', en: 'Go back to the service' },
  logout: { nb: 'Logg ut', nn: 'Logg ut', en: 'Log out' },
  loggedOutTitle: { nb: 'Du er logget ut', nn: 'Du er logga ut', en: 'You are logged out' },
  loggedOutLead: { nb: 'Du er logget ut av Min profil.', nn: 'Du er logga ut av Min profil.', en: 'You are logged out of My profile.' },
  loginAgain: { nb: 'Logg inn igjen', nn: 'Logg inn att', en: 'Log in again' },
  epostTitle: { nb: 'Endre e-postadresse', nn: 'Endre e-postadresse', en: 'Change e-mail address' },
  mobilTitle: { nb: 'Endre mobilnummer', nn: 'Endre mobilnummer', en: 'Change mobile number' },
  epostNew: { nb: 'Ny e-postadresse', nn: 'Ny e-postadresse', en: 'New e-mail address' },
  mobilNew: { nb: 'Nytt mobilnummer', nn: 'Nytt mobilnummer', en: 'New mobile number' },
  epostHint: { nb: 'Vi sender en engangskode til den nye adressen.', nn: 'Vi sender ein eingongskode til den nye adressa.', en: 'We send a one-time code to the new address.' },
  mobilHint: { nb: 'Norsk mobilnummer, 8 siffer. Vi sender en engangskode på SMS til det nye nummeret.', nn: 'Norsk mobilnummer, 8 siffer. Vi sender ein eingongskode på SMS til det nye nummeret.', en: 'Norwegian mobile number, 8 digits. We send a one-time code by SMS to the new number.' },
  sendCode: { nb: 'Send engangskode', nn: 'Send eingongskode', en: 'Send one-time code' },
  codeSentEpost: { nb: 'Vi har sendt en engangskode på e-post til', nn: 'Vi har sendt ein eingongskode på e-post til', en: 'We have e-mailed a one-time code to' },
  codeSentMobil: { nb: 'Vi har sendt en engangskode på SMS til', nn: 'Vi har sendt ein eingongskode på SMS til', en: 'We have sent a one-time code by SMS to' },
  codeValid: { nb: 'Koden gjelder i 10 minutter.', nn: 'Koden gjeld i 10 minutt.', en: 'The code works for 10 minutes.' },
  code: { nb: 'Engangskode', nn: 'Eingongskode', en: 'One-time code' },
  codeHint: { nb: '6 siffer', nn: '6 siffer', en: '6 digits' },
  confirmCode: { nb: 'Bekreft', nn: 'Stadfest', en: 'Confirm' },
  newCode: { nb: 'Send ny kode', nn: 'Send ny kode', en: 'Send a new code' },
  cancel: { nb: 'Avbryt', nn: 'Avbryt', en: 'Cancel' },
  errorTitle: { nb: 'Noe gikk galt', nn: 'Noko gjekk gale', en: 'Something went wrong' },
  start: { nb: 'Til Min profil', nn: 'Til Min profil', en: 'To My profile' },
  summary: { nb: 'Rett opp dette før du går videre:', nn: 'Rett opp dette før du går vidare:', en: 'Correct the following before you continue:' },
} as const satisfies Record<string, Text>;

/** Confirmation messages after a change (`?endret=`), by key. */
export const changedTexts = {
  epost: { nb: 'E-postadressen er endret.', nn: 'E-postadressa er endra.', en: 'Your e-mail address is changed.' },
  mobil: { nb: 'Mobilnummeret er endret.', nn: 'Mobilnummeret er endra.', en: 'Your mobile number is changed.' },
  bekreftet: { nb: 'Takk! Kontaktinformasjonen er bekreftet.', nn: 'Takk! Kontaktinformasjonen er stadfesta.', en: 'Thank you! Your contact details are confirmed.' },
  reservert: { nb: 'Du er nå reservert mot digital kommunikasjon.', nn: 'Du er no reservert mot digital kommunikasjon.', en: 'You are now reserved against digital communication.' },
  ikke_reservert: { nb: 'Reservasjonen er fjernet.', nn: 'Reservasjonen er fjerna.', en: 'Your reservation is withdrawn.' },
  spraak: { nb: 'Språket er lagret.', nn: 'Språket er lagra.', en: 'Your language is saved.' },
} as const satisfies Record<string, Text>;

/** Names of the register's languages, each in itself. */
export const spraakNames: Record<string, string> = { nb: 'Norsk bokmål', nn: 'Norsk nynorsk', en: 'English', se: 'Davvisámegiella' };

/** How each error code reads on a page. */
export const errorTexts: Record<MinprofilErrorCode, Text> = {
  MINPROFIL_INVALID_EPOSTADRESSE: { nb: 'E-postadressen er ikke gyldig. Skriv den som navn@eksempel.no.', nn: 'E-postadressa er ikkje gyldig. Skriv ho som namn@døme.no.', en: 'The e-mail address is not valid. Write it as name@example.no.' },
  MINPROFIL_INVALID_MOBILTELEFONNUMMER: { nb: 'Mobilnummeret må være et norsk mobilnummer med 8 siffer som begynner på 4 eller 9.', nn: 'Mobilnummeret må vere eit norsk mobilnummer med 8 siffer som byrjar på 4 eller 9.', en: 'The mobile number must be a Norwegian mobile number of 8 digits starting with 4 or 9.' },
  MINPROFIL_UNCHANGED_ADDRESS: { nb: 'Dette er allerede registrert på deg.', nn: 'Dette er allereie registrert på deg.', en: 'This is already registered for you.' },
  MINPROFIL_NO_PENDING_CHANGE: { nb: 'Det venter ingen endring på kode. Be om en ny kode.', nn: 'Det ventar inga endring på kode. Be om ein ny kode.', en: 'No change is waiting for a code. Ask for a new code.' },
  MINPROFIL_CODE_WRONG: { nb: 'Engangskoden er feil. Prøv igjen.', nn: 'Eingongskoden er feil. Prøv igjen.', en: 'The one-time code is wrong. Try again.' },
  MINPROFIL_CODE_EXPIRED: { nb: 'Engangskoden er utløpt. Be om en ny kode.', nn: 'Eingongskoden har gått ut. Be om ein ny kode.', en: 'The one-time code has expired. Ask for a new code.' },
  MINPROFIL_TOO_MANY_ATTEMPTS: { nb: 'For mange forsøk. Endringen er avbrutt; prøv igjen senere.', nn: 'For mange forsøk. Endringa er avbroten; prøv igjen seinare.', en: 'Too many attempts. The change is cancelled; try again later.' },
  MINPROFIL_INVALID_SPRAAK: { nb: 'Velg et av språkene i listen.', nn: 'Vel eitt av språka i lista.', en: 'Choose one of the languages in the list.' },
  MINPROFIL_INVALID_RESERVASJON: { nb: 'Ugyldig valg for reservasjon.', nn: 'Ugyldig val for reservasjon.', en: 'Invalid choice for the reservation.' },
  MINPROFIL_NOTHING_TO_CONFIRM: { nb: 'Du har ingen kontaktinformasjon å bekrefte.', nn: 'Du har ingen kontaktinformasjon å stadfeste.', en: 'You have no contact details to confirm.' },
  MINPROFIL_GOTO_URL_NOT_REGISTERED: { nb: 'Adressen er ikke registrert.', nn: 'Adressa er ikkje registrert.', en: 'The address is not registered.' },
  MINPROFIL_CSRF_MISMATCH: { nb: 'Skjemaet hører ikke til denne innloggingen. Last siden på nytt og prøv igjen.', nn: 'Skjemaet høyrer ikkje til denne innlogginga. Last sida på nytt og prøv igjen.', en: 'The form does not belong to this login. Reload the page and try again.' },
  MINPROFIL_LOGIN_FAILED: { nb: 'Innloggingen kunne ikke fullføres. Logg inn på nytt.', nn: 'Innlogginga kunne ikkje fullførast. Logg inn på nytt.', en: 'The login could not be completed. Log in again.' },
  MINPROFIL_IDPORTEN_UNAVAILABLE: { nb: 'ID-porten er ikke tilgjengelig nå. Prøv igjen senere.', nn: 'ID-porten er ikkje tilgjengeleg no. Prøv igjen seinare.', en: 'ID-porten is not available right now. Try again later.' },
};

/** A time as the pages show it (Norwegian time), e.g. `30. nov. 2026, 14:05`. */
export function formatTime(ms: number | null, lang: Lang): string {
  if (ms === null) return '–';
  const locale = lang === 'en' ? 'en-GB' : lang === 'nn' ? 'nn-NO' : 'nb-NO';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Oslo' }).format(new Date(ms));
}
