/**
 * DPI receipts and corner-2 transport statuses as eFormidling statuses, as Digdir's current
 * integration point maps them (`no.difi.meldingsutveksling.dpi.json.MessageStatusMapper`, which
 * replaced `JsonDpiReceiptMapper`: a `mottakskvittering` is now `LEVERT`, and the corner-2
 * statuses give `SENDT` "Hjørne 2 har mottatt meldingen" and `MOTTATT` "Hjørne 3 har mottatt
 * meldingen").
 *
 * @see felleslosninger/efm-integrasjonspunkt `MessageStatusMapper` and its test
 */
import type { MessageStatus } from './statuses.ts';

/** Status and description per receipt type; an unknown type is `ANNET` "Ukjent kvittering". */
export const DPI_RECEIPT_STATUSES: Readonly<Record<string, { status: MessageStatus; description: string }>> = Object.freeze({
  leveringskvittering: { status: 'LEVERT', description: 'Kvittering på at digital post er tilgjengeliggjort eller at fysisk post er klargjort for utskrift' },
  aapningskvittering: { status: 'LEST', description: 'Kvittering fra Innbygger for at digital post er åpnet' },
  varslingfeiletkvittering: { status: 'FEIL', description: 'Kvittering for at en spesifisert varsling ikke har blitt sendt' },
  mottakskvittering: { status: 'LEVERT', description: 'Kvittering fra utskrift og forsendelsestjenesten om at melding er mottatt og lagt til print' },
  returpostkvittering: { status: 'FEIL', description: 'Kvittering fra utskrift og forsendelsestjenesten om at posten ikke har blitt levert til Mottaker.' },
  feil: { status: 'FEIL', description: 'Generell melding om at det har skjedd en feil' },
});

/** The status of a receipt type (see {@link DPI_RECEIPT_STATUSES}). */
export function dpiReceiptStatus(type: string): { status: MessageStatus; description: string } {
  return DPI_RECEIPT_STATUSES[type] ?? { status: 'ANNET', description: 'Ukjent kvittering' };
}

/** Corner 2 accepted the message (its transport status `OPPRETTET`). */
export const CORNER2_RECEIVED = Object.freeze({ status: 'SENDT' as MessageStatus, description: 'Hjørne 2 har mottatt meldingen' });
/** Corner 2 passed it to the receiving provider, corner 3 (its transport status `SENDT`). */
export const CORNER3_RECEIVED = Object.freeze({ status: 'MOTTATT' as MessageStatus, description: 'Hjørne 3 har mottatt meldingen' });
