/**
 * DPI receipts as eFormidling statuses, as Digdir's integration point maps them
 * (`JsonDpiReceiptMapper`): the status and the description it stores with it.
 *
 * @see felleslosninger/efm-integrasjonspunkt `no.difi.meldingsutveksling.dpi.json.JsonDpiReceiptMapper`
 */
import type { MessageStatus } from './statuses.ts';

/** Status and description per receipt type; an unknown type is `ANNET` "Ukjent kvittering". */
export const DPI_RECEIPT_STATUSES: Readonly<Record<string, { status: MessageStatus; description: string }>> = Object.freeze({
  leveringskvittering: { status: 'LEVERT', description: 'Kvittering på at digital post er tilgjengeliggjort eller at en fysisk post er postlagt' },
  aapningskvittering: { status: 'LEST', description: 'Kvittering fra Innbygger for at digital post er åpnet' },
  varslingfeiletkvittering: { status: 'FEIL', description: 'Kvittering for at en spesifisert varsling ikke har blitt sendt' },
  mottakskvittering: { status: 'MOTTATT', description: 'Kvittering fra utskrift og forsendelsestjenesten om at melding er mottatt og lagt til print' },
  returpostkvittering: { status: 'FEIL', description: 'Kvittering fra utskrift og forsendelsestjenesten om at posten ikke har blitt levert til Mottaker.' },
  feil: { status: 'FEIL', description: 'Generell melding om at det har skjedd en feil' },
});

/** The status of a receipt type (see {@link DPI_RECEIPT_STATUSES}). */
export function dpiReceiptStatus(type: string): { status: MessageStatus; description: string } {
  return DPI_RECEIPT_STATUSES[type] ?? { status: 'ANNET', description: 'Ukjent kvittering' };
}
