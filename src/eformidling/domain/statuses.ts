/**
 * The integration point's message statuses, their order, which finish a conversation, and the
 * descriptions it writes with them.
 *
 * @see specs/eformidling-elma-einnsyn.md §1.4; felleslosninger/docs `meldingsflyt.md`,
 *   NextMove REST Docs "Message statuses" (descriptions `Mottatt`, `Levert`), `TimeToLiveHelper`
 */

/** Every status the API may answer (`ANNET` exists in the enum; Grunnmur never writes it). */
export const MESSAGE_STATUSES = [
  'OPPRETTET',
  'SENDT',
  'MOTTATT',
  'LEVERT',
  'LEST',
  'FEIL',
  'ANNET',
  'INNKOMMENDE_MOTTATT',
  'INNKOMMENDE_LEVERT',
  'LEVETID_UTLOPT',
] as const;

/** One status. */
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * Statuses that finish a conversation (`ConversationService`: LEVERT finishes; LEST, FEIL,
 * LEVETID_UTLOPT and INNKOMMENDE_LEVERT finish and stop polling).
 */
export const FINISHING_STATUSES: ReadonlySet<string> = new Set(['LEVERT', 'LEST', 'FEIL', 'LEVETID_UTLOPT', 'INNKOMMENDE_LEVERT']);

/**
 * The description stored with a status. Verified in Digdir's docs: MOTTATT `Mottatt`, LEVERT
 * `Levert`, LEVETID_UTLOPT's text, OPPRETTET none. The others are Grunnmur's, in the same style
 * (see README, "Decisions").
 */
export const STATUS_DESCRIPTIONS: Readonly<Record<MessageStatus, string | null>> = {
  OPPRETTET: null,
  SENDT: 'Sendt',
  MOTTATT: 'Mottatt',
  LEVERT: 'Levert',
  LEST: 'Lest',
  FEIL: 'Feil',
  ANNET: null,
  INNKOMMENDE_MOTTATT: 'INNKOMMENDE_MOTTATT',
  INNKOMMENDE_LEVERT: 'INNKOMMENDE_LEVERT',
  LEVETID_UTLOPT: 'Levetiden for meldingen er utgått. Må sendes på nytt',
};

/** True for a known status name (exact, upper case). */
export function isMessageStatus(value: string): value is MessageStatus {
  return (MESSAGE_STATUSES as readonly string[]).includes(value);
}
