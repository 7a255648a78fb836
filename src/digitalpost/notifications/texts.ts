/**
 * Texts of the notifications a mailbox provider sends about a new letter: the default text when
 * the sender gave none, the e-mail subject, and the line with the link to the mailbox.
 *
 * Notifications travel unencrypted (plain e-mail and SMS), so they hold nothing of the letter
 * but the sender's name and the non-sensitive title (`ikkesensitivtittel`), which the sender
 * marked as fit to show before strong authentication.
 *
 * @see https://docs.digdir.no/resources/begrep/sikkerDigitalPost/begrep/Varslingstekst ("Teksten skal ikke inneholde personopplysninger eller sensitive opplysninger da varslene sendes ukryptert")
 * @see specs/krr-dpi-esign.md §2 `varsler`, `ikkesensitivtittel`
 */

/** Languages the texts exist in: bokmål, nynorsk, English. */
export type NotificationLang = 'nb' | 'nn' | 'en';

/** Longest SMS text (characters): the schema's `smsvarsel.varslingstekst` maximum, one SMS. */
export const MAX_SMS_TEXT = 160;

/** Fewest characters a shortened sender name or title keeps (else the SMS names neither). */
const MIN_SHORTENED = 8;

/** Path of the citizen's mailbox pages under `PUBLIC_URL`. */
export const MAILBOX_PATH = '/digitalpost';

/**
 * The language of a letter's notifications from its `spraak` (ISO 639-1): `nn` and `en` as
 * such, everything else (`nb`, `no`, `se`…) bokmål.
 */
export function notificationLang(spraak: string | null | undefined): NotificationLang {
  const code = (spraak ?? '').toLowerCase();
  return code === 'nn' || code === 'en' ? code : 'nb';
}

/** What the texts say about a letter. */
export interface LetterFacts {
  /** The sender's name (`digitalpost_letters.sender_name`). */
  senderName: string;
  /** `ikkesensitivtittel.tittel`. */
  ikkesensitivtittel: string;
  lang: NotificationLang;
  /** `PUBLIC_URL` without a trailing slash. */
  publicUrl: string;
}

/** One line: whitespace (line breaks included) collapsed to single spaces. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** At most `max` characters (code points), ending in `…` when shortened. */
function shorten(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  if (max <= 0) return '';
  return `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

function length(text: string): number {
  return [...text].length;
}

function mailboxUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${MAILBOX_PATH}`;
}

const sentences = {
  nb: {
    full: (sender: string, title: string, url: string) => `Du har fått digital post fra ${sender}: ${title}. Logg inn på ${url} for å lese.`,
    short: (url: string) => `Du har fått digital post. Logg inn på ${url} for å lese.`,
    bare: 'Du har fått digital post. Logg inn i din digitale postkasse for å lese.',
    subject: (sender: string) => `Du har fått digital post fra ${sender}`,
    login: (url: string) => `Logg inn på ${url} for å lese.`,
  },
  nn: {
    full: (sender: string, title: string, url: string) => `Du har fått digital post frå ${sender}: ${title}. Logg inn på ${url} for å lese.`,
    short: (url: string) => `Du har fått digital post. Logg inn på ${url} for å lese.`,
    bare: 'Du har fått digital post. Logg inn i den digitale postkassa di for å lese.',
    subject: (sender: string) => `Du har fått digital post frå ${sender}`,
    login: (url: string) => `Logg inn på ${url} for å lese.`,
  },
  en: {
    full: (sender: string, title: string, url: string) => `You have received digital mail from ${sender}: ${title}. Log in at ${url} to read it.`,
    short: (url: string) => `You have received digital mail. Log in at ${url} to read it.`,
    bare: 'You have received digital mail. Log in to your digital mailbox to read it.',
    subject: (sender: string) => `You have received digital mail from ${sender}`,
    login: (url: string) => `Log in at ${url} to read it.`,
  },
} as const;

/**
 * The default e-mail text: "Du har fått digital post fra <sender>: <ikkesensitivtittel>. Logg
 * inn på <PUBLIC_URL>/digitalpost for å lese." (nynorsk and English alike).
 */
export function defaultEmailText(letter: LetterFacts): string {
  return sentences[letter.lang].full(oneLine(letter.senderName), oneLine(letter.ikkesensitivtittel), mailboxUrl(letter.publicUrl));
}

/**
 * The default SMS text: the e-mail's sentence, fitted into {@link MAX_SMS_TEXT} characters. When
 * sender and title together are too long, the title is shortened first, but the sender's name
 * keeps at most half of the room (both end in `…` when shortened); when the room left by the
 * link is too small for either (a very long `PUBLIC_URL`), the sentence without sender and
 * title, and last one without the link.
 */
export function defaultSmsText(letter: LetterFacts): string {
  const s = sentences[letter.lang];
  const url = mailboxUrl(letter.publicUrl);
  const sender = oneLine(letter.senderName);
  const title = oneLine(letter.ikkesensitivtittel);
  const room = MAX_SMS_TEXT - length(s.full('', '', url));
  if (length(sender) + length(title) <= room) return s.full(sender, title, url);
  if (room >= 2 * MIN_SHORTENED) {
    const senderRoom = Math.min(length(sender), Math.max(room - length(title), Math.ceil(room / 2)));
    return s.full(shorten(sender, senderRoom), shorten(title, room - senderRoom), url);
  }
  const short = s.short(url);
  return length(short) <= MAX_SMS_TEXT ? short : s.bare;
}

/** The subject of a notification e-mail: "Du har fått digital post fra <sender>" (one line). */
export function emailSubject(letter: Pick<LetterFacts, 'senderName' | 'lang'>): string {
  return shorten(sentences[letter.lang].subject(oneLine(letter.senderName)), 200);
}

/**
 * The body of an e-mail with the sender's own `varslingstekst`: the text, an empty line, and
 * where to log in (the real providers, too, wrap the sender's text in their own e-mail).
 */
export function emailWithSenderText(varslingstekst: string, letter: Pick<LetterFacts, 'lang' | 'publicUrl'>): string {
  return `${varslingstekst.trim()}\n\n${sentences[letter.lang].login(mailboxUrl(letter.publicUrl))}`;
}
