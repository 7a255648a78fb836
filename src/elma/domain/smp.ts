/**
 * The SMP reads (Peppol SMP 1.x / OASIS BDXR SMP 1.0 REST binding):
 * `GET /{participant}` → `ServiceGroup`, `GET /{participant}/services/{documentType}` →
 * `SignedServiceMetadata`.
 *
 * Signed documents are kept per process, keyed by participant, document type and the
 * participant's version (which every write bumps), so a change is seen on the next read in
 * every process; at most {@link SIGNED_CACHE_SIZE} are kept, oldest dropped first.
 *
 * @see specs/eformidling-elma-einnsyn.md §2 "SMP REST reads"
 */
import type { Database } from '../../platform/db/database.ts';
import type { TestPki } from '../../platform/pki/test-pki.ts';
import { elmaError } from '../errors.ts';
import { elmaDb, findDocument, findParticipant, listDocumentIdentifiers } from '../store/elma-store.ts';
import { documentOfRow } from './participants.ts';
import { participantKey, type SchemedIdentifier } from './identifiers.ts';
import { ensureSigningCertificate } from './signing-certificate.ts';
import { serviceGroupXml, signServiceMetadata, unsignedServiceMetadataXml, type SmpSigningKey } from './smp-xml.ts';

/** Signed documents kept per process. */
export const SIGNED_CACHE_SIZE = 10_000;

/**
 * Percent-encodes an identifier `<scheme>::<value>` for one path segment (RFC 3986: everything
 * but unreserved characters; `:` too, as phoss-SMP and the Peppol lookup clients write it).
 */
export function encodeIdentifierSegment(id: SchemedIdentifier): string {
  return encodeURIComponent(`${id.scheme}::${id.value}`).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The SMP reads of one process (holds the signing key and the cache of signed documents). */
export class Smp {
  readonly #db: Database;
  readonly #pki: TestPki;
  readonly #baseUrl: string;
  #key: Promise<SmpSigningKey> | undefined;
  readonly #signed = new Map<string, string>();

  /** @param baseUrl absolute URL the SMP is served at, e.g. `http://localhost:8080/elma` */
  constructor(db: Database, pki: TestPki, baseUrl: string) {
    this.#db = db;
    this.#pki = pki;
    this.#baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** ELMA's signing key and certificate (issued on first use). */
  signingKey(): Promise<SmpSigningKey> {
    this.#key ??= ensureSigningCertificate(this.#db, this.#pki).catch((error: unknown) => {
      this.#key = undefined;
      throw error;
    });
    return this.#key;
  }

  /**
   * The `ServiceGroup` XML of a participant.
   *
   * @param participant parsed, lower-cased identifier
   * @throws AppError `ELMA_PARTICIPANT_NOT_FOUND` (404)
   */
  async serviceGroup(participant: SchemedIdentifier): Promise<string> {
    const k = elmaDb(this.#db);
    const key = participantKey(participant);
    const row = await findParticipant(k, key);
    if (!row) throw notFound(participant);
    const id = { scheme: row.scheme, value: row.value };
    const segment = encodeIdentifierSegment(id);
    const hrefs = (await listDocumentIdentifiers(k, key)).map(
      (d) => `${this.#baseUrl}/${segment}/services/${encodeIdentifierSegment({ scheme: d.document_scheme, value: d.document_value })}`,
    );
    return serviceGroupXml(id, hrefs);
  }

  /**
   * The `SignedServiceMetadata` XML of a participant's document type, signed by ELMA.
   *
   * @param participant parsed, lower-cased identifier
   * @param document parsed identifier (scheme lower-cased, value as written: case-sensitive)
   * @throws AppError `ELMA_PARTICIPANT_NOT_FOUND`, `ELMA_DOCUMENT_TYPE_NOT_FOUND` (404)
   */
  async signedServiceMetadata(participant: SchemedIdentifier, document: SchemedIdentifier): Promise<string> {
    const k = elmaDb(this.#db);
    const key = participantKey(participant);
    const row = await findParticipant(k, key);
    if (!row) throw notFound(participant);
    const cacheKey = `${key}\u0000${row.created_at}\u0000${row.version}\u0000${document.scheme}\u0000${document.value}`;
    const cached = this.#signed.get(cacheKey);
    if (cached !== undefined) return cached;
    const documentRow = await findDocument(k, key, document.scheme, document.value);
    if (!documentRow) {
      throw elmaError('ELMA_DOCUMENT_TYPE_NOT_FOUND', `Participant ${row.value} does not receive document type ${document.scheme}::${document.value}`);
    }
    const xml = signServiceMetadata(unsignedServiceMetadataXml({ scheme: row.scheme, value: row.value }, documentOfRow(documentRow)), await this.signingKey());
    if (this.#signed.size >= SIGNED_CACHE_SIZE) this.#signed.delete(this.#signed.keys().next().value as string);
    this.#signed.set(cacheKey, xml);
    return xml;
  }
}

function notFound(participant: SchemedIdentifier) {
  return elmaError('ELMA_PARTICIPANT_NOT_FOUND', `No participant ${participant.scheme}::${participant.value} is registered in ELMA`);
}
