/**
 * TypeScript shapes of the StandardBusinessDocument header, as Digdir's `sbdh.schema.json`
 * (`src/eformidling/schemas/common/`) defines it. A value has these shapes only after it passed
 * that schema (`checks/envelope.ts`).
 *
 * @see spec `eformidling-elma-einnsyn.md` §1.2; felleslosninger/docs `_includes/eformidling/sbd.json`
 */

/** `{ authority, value }`: `iso6523-actorid-upis` and `0192:<orgnr>` (or a fødselsnummer). */
export interface SbdIdentifier {
  authority: string;
  value: string;
}

/** A sender or receiver. */
export interface SbdPartner {
  identifier: SbdIdentifier;
}

/** `scopeInformation[]` item of a scope. */
export interface SbdScopeInformation {
  /** Delivery deadline (time-to-live), ISO 8601 with offset. */
  expectedResponseDateTime?: string;
}

/** `businessScope.scope[]` item: `ConversationId`, `SenderRef`, `ReceiverRef`, … */
export interface SbdScope {
  type: string;
  /** ConversationId: the conversationId (UUID). */
  instanceIdentifier?: string;
  /** ConversationId: the process URN; SenderRef/ReceiverRef: the reference. */
  identifier?: string;
  scopeInformation?: SbdScopeInformation[];
}

/** `documentIdentification`. */
export interface SbdDocumentIdentification {
  /** Document type URN. */
  standard: string;
  typeVersion: string;
  /** messageId (UUID). */
  instanceIdentifier: string;
  /** Business-message name, the key of the business message next to the header. */
  type: string;
  /** RFC 3339 date-time with offset. */
  creationDateAndTime: string;
}

/** `standardBusinessDocumentHeader`. */
export interface SbdHeader {
  headerVersion: string;
  /** Exactly one (the schema says minItems = maxItems = 1). */
  sender: [SbdPartner];
  /** Exactly one. */
  receiver: [SbdPartner];
  documentIdentification: SbdDocumentIdentification;
  businessScope: { scope: SbdScope[] };
}
