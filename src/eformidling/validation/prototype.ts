/**
 * `prototypeSbd`: the prefilled SBD that `GET /api/prototype/{capability}` answers.
 *
 * What the real integration point returns: Digdir's `meldingsflyt.md` says only "Ved behov kan en
 * få generert prototype på en melding ved GET mot endepunktet api/prototype/{capability}. Denne vil
 * da returnere et pre utfylt SBD bestående av SBDH og forretningsmelding"; the controller was not
 * found in the sources at hand. Grunnmur's decisions (README "Prototype"):
 * - the header is filled from the capability (process, document type, `type`, `typeVersion`)
 *   with `headerVersion` `"1.0"` and the `iso6523-actorid-upis` authority; sender and receiver
 *   values as given, `""` when not given (to be filled in by the caller);
 * - no messageId, conversationId or `creationDateAndTime`: a prototype is a template that may be
 *   posted many times, and `validateSbd` generates them on every post, as the integration point
 *   does when they are left out;
 * - no `expectedResponseDateTime`: the integration point applies its configured default when the
 *   message is created;
 * - the business message holds the fields Digdir's examples show, with values that pass its
 *   schema: empty strings for free text, the default of each enumeration, today's date (Oslo) as
 *   `virkningsdato`; `publisering.orgnr` is the sender's and `innsynskrav.orgnr` the receiver's
 *   organisation number when those are given as `0192:<orgnr>`.
 *
 * So a prototype passes `validateSbd` once sender and receiver are filled in (tested for every
 * capability of `KNOWN_PROCESSES`).
 */
import { validationError } from './errors.ts';
import { findProcess } from './processes.ts';
import { AUTHORITY } from './checks/identifiers.ts';

/** `typeVersion` per business message; `"1.0"` for the rest. */
const TYPE_VERSIONS: Readonly<Record<string, string>> = { dialogmelding: '2.0' };

/** The orgnr of `0192:<orgnr>`, or `""`. */
function orgnrOf(value: string | undefined): string {
  const m = value === undefined ? null : /^0192:([0-9]{9})(?::|$)/.exec(value);
  return m?.[1] ?? '';
}

/** `YYYY-MM-DD` of `now` in Norway. */
function osloDate(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** A business message with Digdir's example fields and values that pass its schema. */
function businessMessageSkeleton(type: string, args: { sender?: string; receiver?: string; now: Date }): Record<string, unknown> {
  switch (type) {
    case 'arkivmelding':
      return { sikkerhetsnivaa: '3', hoveddokument: 'arkivmelding.xml' };
    case 'arkivmelding_kvittering':
      return { receiptType: 'OK', relatedToMessageId: '' };
    case 'status':
      return { status: 'MOTTATT' };
    case 'feil':
      return { status: 'FEIL' };
    case 'digital':
      return {
        sikkerhetsnivaa: 4,
        hoveddokument: '',
        // DPI's `ikkesensitivtittel` is 1–255 characters: a placeholder the sender replaces.
        tittel: 'Tittel',
        spraak: 'NO',
        digitalPostInfo: { virkningsdato: osloDate(args.now), aapningskvittering: false },
      };
    case 'digital_dpv':
      return { tittel: '', sammendrag: '', innhold: '' };
    case 'print':
      return { hoveddokument: '', utskriftsfarge: 'SORT_HVIT', posttype: 'B_OEKONOMI', retur: { returhaandtering: 'DIREKTE_RETUR' } };
    case 'publisering':
      return { orgnr: orgnrOf(args.sender) };
    case 'innsynskrav':
      return { orgnr: orgnrOf(args.receiver) };
    case 'einnsyn_kvittering':
      return { dokumentId: '', status: '', referanseType: 'publisering' };
    case 'avtalt':
      return { identifier: '', content: {} };
    case 'dialogmelding':
      return { sikkerhetsnivaa: 4, notat: { subject: '', notatinnhold: '' } };
    default:
      return {};
  }
}

/**
 * A prefilled SBD for a capability (a process and one of its document types), as
 * `GET /api/prototype/{capability}` answers. See the file header for what is filled in.
 *
 * @param args `process` and `standard` (document type URN) of the capability; `sender` and
 *   `receiver` identifier values (`0192:<orgnr>`, or a fødselsnummer for a citizen), `""` when
 *   absent; `now` for dates (default `new Date()`)
 * @returns a new SBD object (JSON)
 * @throws AppError `EFORMIDLING_UNKNOWN_PROCESS` (400) the process is not known
 * @throws AppError `EFORMIDLING_DOCUMENT_TYPE_NOT_IN_PROCESS` (400) the standard is not one of its document types
 * @see felleslosninger/docs `_docs/eFormidling/Teknisk_informasjon/meldingsflyt.md`
 */
export function prototypeSbd(args: { process: string; standard: string; sender?: string; receiver?: string; now?: Date }): Record<string, unknown> {
  const process = findProcess(args.process);
  if (process === undefined) {
    throw validationError('EFORMIDLING_UNKNOWN_PROCESS', `Unknown process ${JSON.stringify(args.process.slice(0, 200))}`);
  }
  const documentType = process.documentTypes.find((d) => d.standard === args.standard);
  if (documentType === undefined) {
    throw validationError(
      'EFORMIDLING_DOCUMENT_TYPE_NOT_IN_PROCESS',
      `Document type ${JSON.stringify(args.standard.slice(0, 200))} is not in process ${process.process} (its document types: ${process.documentTypes.map((d) => d.standard).join(', ')})`,
    );
  }
  const now = args.now ?? new Date();
  return {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      sender: [{ identifier: { authority: AUTHORITY, value: args.sender ?? '' } }],
      receiver: [{ identifier: { authority: AUTHORITY, value: args.receiver ?? '' } }],
      documentIdentification: {
        standard: documentType.standard,
        typeVersion: TYPE_VERSIONS[documentType.type] ?? '1.0',
        type: documentType.type,
      },
      businessScope: {
        scope: [{ type: 'ConversationId', identifier: process.process }],
      },
    },
    [documentType.type]: businessMessageSkeleton(documentType.type, { ...args, now }),
  };
}
