/**
 * The test PKI: a two-level test CA ("Grunnmur Test Root CA" → "Grunnmur Test Issuing CA")
 * that issues enterprise certificates (virksomhetssertifikat, SEID 2.0-like), person
 * certificates and TLS server certificates, keeps a revocation list, and verifies chains.
 *
 * The CA pair is made on first start and stored in `platform_pki_cas`, so every process sharing
 * the database issues under the same CA; every issued certificate is recorded in
 * `platform_pki_certificates` (serial, subject, validity, revocation). Private keys of issued
 * certificates are handed to the caller and never stored. See README.md beside this file for the
 * certificate profiles and where they differ from Buypass/Commfides.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5280 X.509 certificate and CRL profile
 * @see https://www.etsi.org/deliver/etsi_en/319400_319499/31941201/ ETSI EN 319 412-1 (organizationIdentifier "NTRNO-")
 */
import { validateFodselsnummer, validateOrganisasjonsnummer } from '../identifiers/index.ts';
import { randomBytes, type webcrypto } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { AppError, catalogueError, type ErrorCodeInfo } from '../errors.ts';
import type { Database } from '../db/database.ts';
import type { ComponentMigration } from '../db/migrations.ts';
import { x509 } from './x509.ts';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** Error codes of the test PKI. */
export const pkiErrors = {
  PKI_INVALID_ORGNR: { status: 400, title: 'Invalid organisasjonsnummer' },
  PKI_INVALID_PID: { status: 400, title: 'Invalid personidentifikator (fødselsnummer or D-number)' },
  PKI_INVALID_NAME: { status: 400, title: 'Invalid name for the certificate subject' },
  PKI_INVALID_DNS_NAME: { status: 400, title: 'Invalid DNS name or IP address' },
  PKI_INVALID_VALIDITY: { status: 400, title: 'Invalid validity: a whole number of days from 1 to 3650' },
  PKI_INVALID_PURPOSE: { status: 400, title: 'Invalid purpose: all, signing, authentication or encryption' },
  PKI_INVALID_SERIAL_NUMBER: { status: 400, title: 'Invalid certificate serial number: hexadecimal expected' },
  PKI_INVALID_REVOCATION_REASON: { status: 400, title: 'Invalid revocation reason (RFC 5280 CRLReason name expected)' },
  PKI_CERTIFICATE_NOT_FOUND: { status: 404, title: 'No certificate with this serial number was issued here' },
  PKI_CA_MISSING: { status: 503, title: 'The test CA could not be loaded' },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Codes of {@link pkiErrors}. */
export type PkiErrorCode = keyof typeof pkiErrors;

function pkiError(code: PkiErrorCode, message?: string, detail?: string): AppError {
  return catalogueError(pkiErrors, code, message, detail === undefined ? {} : { detail });
}

/** A certificate issued by the test CA, with its private key. */
export interface IssuedCertificate {
  /** The private key, PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), unencrypted. Every PEM here ends with a newline. */
  privateKeyPem: string;
  /** The leaf certificate, PEM. */
  certificatePem: string;
  /** Leaf, issuing CA and root CA certificates, PEM, in that order. */
  chainPem: string;
  /** Certificate serial number, lower-case hex without separators. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
}

/** What an enterprise certificate is for; see README.md for the key usages of each. */
export type EnterpriseCertificatePurpose = 'all' | 'signing' | 'authentication' | 'encryption';

/** Why {@link TestPki.verifyCertificateChain} rejected a chain (stable values). */
export type ChainRejection =
  | 'malformed'
  | 'untrusted'
  | 'not-end-entity'
  | 'not-a-ca'
  | 'not-yet-valid'
  | 'expired'
  | 'revoked';

/** Options of {@link TestPki}. */
export interface TestPkiOptions {
  log: Logger;
  /** Public base URL; when set, issued certificates name `<publicUrl>/pki/crl` as CRL distribution point. */
  publicUrl?: string;
}

interface CaRow {
  id: string;
  subject: string;
  serial_number: string;
  certificate_pem: string;
  private_key_pem: string;
  not_before_at: number;
  not_after_at: number;
  created_at: number;
}

interface CertificateRow {
  serial_number: string;
  kind: string;
  subject: string;
  certificate_pem: string;
  not_before_at: number;
  not_after_at: number;
  created_at: number;
  revoked_at: number | null;
  revocation_reason: string | null;
}

interface PkiTables {
  platform_pki_cas: CaRow;
  platform_pki_certificates: CertificateRow;
}

interface LoadedCa {
  root: x509.X509Certificate;
  issuing: x509.X509Certificate;
  issuingKey: CryptoKey;
}

const RSA_SIGN: webcrypto.RsaHashedImportParams = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
/** RSA-2048 for the CAs and every leaf: what Maskinporten's RS256 x5c grant needs, and quick to make in tests. */
const RSA_KEYGEN: webcrypto.RsaHashedKeyGenParams = { ...RSA_SIGN, publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
const DAY_MS = 86_400_000;
const ROOT_NAME = 'Grunnmur Test Root CA';
const ISSUING_NAME = 'Grunnmur Test Issuing CA';
const CA_ORG = 'Grunnmur';
/** Leaves are back-dated this much so a verifier whose clock is a little behind accepts them at once. */
const BACKDATE_MS = 5 * 60_000;
/** Nkom's country element of the "UN:NO" person identifier; 9999 is Grunnmur's (unassigned) issuer number. */
const PERSON_ID_PREFIX = 'UN:NO-9578-9999-';

type RevocationReason = Exclude<keyof typeof x509.X509CrlReason, number>;

/**
 * The test CA. One per process; all processes sharing a database share the CA.
 */
export class TestPki {
  readonly #db: Kysely<PkiTables>;
  readonly #log: Logger;
  readonly #publicUrl: string | undefined;
  #ca: Promise<LoadedCa> | undefined;

  /** @param db the platform database (migrated with {@link pkiMigrations}) */
  constructor(db: Database, options: TestPkiOptions) {
    this.#db = db.kysely as Kysely<PkiTables>;
    this.#log = options.log;
    this.#publicUrl = options.publicUrl?.replace(/\/+$/, '');
  }

  /**
   * Makes the root and issuing CA on first start and stores them; later calls load them.
   * Processes starting together end with one CA pair: the root row is inserted with
   * `ON CONFLICT DO NOTHING` in the same transaction as the issuing CA, and a loser reads the
   * winner's pair.
   *
   * @throws AppError `PKI_CA_MISSING` when the stored CA pair is incomplete
   */
  async ensure(): Promise<void> {
    await this.#load();
  }

  /** The root CA certificate, PEM. */
  async rootCertificatePem(): Promise<string> {
    return ensureNewline((await this.#load()).root.toString('pem'));
  }

  /** The issuing CA certificate, PEM. */
  async issuingCertificatePem(): Promise<string> {
    return ensureNewline((await this.#load()).issuing.toString('pem'));
  }

  /**
   * Issues an enterprise certificate (virksomhetssertifikat) for an organisation, with a new
   * RSA-2048 key. Subject: `C=NO, O=<name>, organizationIdentifier=NTRNO-<orgnr>, CN=<name>,
   * serialNumber=<orgnr>`.
   *
   * @param req.orgnr organisasjonsnummer, 9 digits (check digit not validated here)
   * @param req.organisationName 1–64 characters
   * @param req.validityDays whole days, 1–3650 (default 365); never past the issuing CA
   * @param req.purpose key usages (default `all`): see README.md
   * @throws AppError `PKI_INVALID_ORGNR`, `PKI_INVALID_NAME`, `PKI_INVALID_VALIDITY`, `PKI_INVALID_PURPOSE`
   * @see https://www.etsi.org/deliver/etsi_en/319400_319499/31941203/ ETSI EN 319 412-3 (legal-person certificates)
   */
  async issueEnterpriseCertificate(req: {
    orgnr: string;
    organisationName: string;
    validityDays?: number;
    purpose?: EnterpriseCertificatePurpose;
  }): Promise<IssuedCertificate> {
    const orgnr = validateOrganisasjonsnummer(req.orgnr);
    if (!orgnr.valid) {
      throw pkiError('PKI_INVALID_ORGNR', `Invalid organisasjonsnummer: ${orgnr.problems.map((p) => p.message).join('; ')}`);
    }
    const name = checkName(req.organisationName, 'organisationName');
    const validityDays = checkValidity(req.validityDays);
    const purpose = req.purpose ?? 'all';
    const usage = ENTERPRISE_USAGES[purpose];
    if (!usage) throw pkiError('PKI_INVALID_PURPOSE');
    const subject: x509.JsonNameParams = [
      { '2.5.4.6': [{ printableString: 'NO' }] },
      { '2.5.4.10': [{ utf8String: name }] },
      { '2.5.4.97': [{ utf8String: `NTRNO-${req.orgnr}` }] },
      { '2.5.4.3': [{ utf8String: name }] },
      { '2.5.4.5': [{ printableString: req.orgnr }] },
    ];
    return this.#issue('enterprise', subject, validityDays, usage.keyUsage, usage.extKeyUsage, []);
  }

  /**
   * Issues a person certificate with a new RSA-2048 key. Subject: `C=NO, SN=<familyName>,
   * GN=<givenName>, CN=<givenName familyName>, serialNumber=UN:NO-9578-9999-<pid>`.
   *
   * @param req.pid fødselsnummer or D-number, validated with both check digits (`src/platform/identifiers`)
   * @throws AppError `PKI_INVALID_PID`, `PKI_INVALID_NAME`, `PKI_INVALID_VALIDITY`
   * @see https://nkom.no/english/nameRegistrationAuthority the "UN:NO" person identifier
   */
  async issuePersonCertificate(req: {
    pid: string;
    givenName: string;
    familyName: string;
    validityDays?: number;
  }): Promise<IssuedCertificate> {
    const pid = validateFodselsnummer(req.pid);
    if (!pid.valid) throw pkiError('PKI_INVALID_PID', `Invalid personidentifikator: ${pid.problems.map((p) => p.message).join('; ')}`);
    const given = checkName(req.givenName, 'givenName');
    const family = checkName(req.familyName, 'familyName');
    const common = checkName(`${given} ${family}`, 'givenName + familyName');
    const validityDays = checkValidity(req.validityDays);
    const subject: x509.JsonNameParams = [
      { '2.5.4.6': [{ printableString: 'NO' }] },
      { '2.5.4.4': [{ utf8String: family }] },
      { '2.5.4.42': [{ utf8String: given }] },
      { '2.5.4.3': [{ utf8String: common }] },
      { '2.5.4.5': [{ printableString: `${PERSON_ID_PREFIX}${req.pid}` }] },
    ];
    const flags = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation | x509.KeyUsageFlags.keyEncipherment;
    return this.#issue('person', subject, validityDays, flags, [x509.ExtendedKeyUsage.clientAuth, x509.ExtendedKeyUsage.emailProtection], []);
  }

  /**
   * Issues a TLS server certificate with a new RSA-2048 key; CN is the first name, every name
   * is in subjectAltName (IPv4/IPv6 literals as IP addresses).
   *
   * @param req.dnsNames 1–20 host names (`*.` wildcard allowed) or IP literals
   * @throws AppError `PKI_INVALID_DNS_NAME`, `PKI_INVALID_VALIDITY`
   */
  async issueServerCertificate(req: { dnsNames: string[]; validityDays?: number }): Promise<IssuedCertificate> {
    const names = req.dnsNames;
    if (!Array.isArray(names) || names.length === 0 || names.length > 20) {
      throw pkiError('PKI_INVALID_DNS_NAME', 'Give 1 to 20 DNS names');
    }
    const alt: x509.JsonGeneralNames = names.map((n) => {
      if (typeof n === 'string' && isIpLiteral(n)) return { type: 'ip' as const, value: n };
      if (typeof n !== 'string' || !DNS_NAME.test(n) || n.length > 253) {
        throw pkiError('PKI_INVALID_DNS_NAME', undefined, `Got ${JSON.stringify(String(n)).slice(0, 80)}`);
      }
      return { type: 'dns' as const, value: n.toLowerCase() };
    });
    const validityDays = checkValidity(req.validityDays);
    const first = names[0] as string;
    const subject: x509.JsonNameParams = [{ '2.5.4.3': [{ utf8String: first.slice(0, 64) }] }];
    const flags = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment;
    return this.#issue('server', subject, validityDays, flags, [x509.ExtendedKeyUsage.serverAuth], [
      new x509.SubjectAlternativeNameExtension(alt, false),
    ]);
  }

  /**
   * Revokes a certificate issued here; it is listed in the next CRL. Revoking a revoked
   * certificate again changes nothing (the first revocation time and reason stay).
   *
   * @param serialNumber hex, any case, `:` separators allowed
   * @param reason an RFC 5280 CRLReason name (`keyCompromise`, `superseded`, …; default `unspecified`)
   * @throws AppError `PKI_INVALID_SERIAL_NUMBER`, `PKI_INVALID_REVOCATION_REASON`, `PKI_CERTIFICATE_NOT_FOUND`
   * @see https://www.rfc-editor.org/rfc/rfc5280#section-5.3.1
   */
  async revoke(serialNumber: string, reason?: string): Promise<void> {
    const serial = normalizeSerial(serialNumber);
    const why = reason ?? 'unspecified';
    if (!isRevocationReason(why)) {
      throw pkiError('PKI_INVALID_REVOCATION_REASON', undefined, `Got ${JSON.stringify(why).slice(0, 40)}`);
    }
    const result = await this.#db
      .updateTable('platform_pki_certificates')
      .set({ revoked_at: Date.now(), revocation_reason: why })
      .where('serial_number', '=', serial)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) {
      this.#log.info({ serialNumber: serial, reason: why }, 'certificate revoked');
      return;
    }
    const existing = await this.#db
      .selectFrom('platform_pki_certificates')
      .select('serial_number')
      .where('serial_number', '=', serial)
      .executeTakeFirst();
    if (!existing) throw pkiError('PKI_CERTIFICATE_NOT_FOUND');
  }

  /**
   * The issuing CA's current CRL, PEM: every revoked certificate, `thisUpdate` now,
   * `nextUpdate` one day later, CRL number = `thisUpdate` in seconds (grows monotonically).
   *
   * @see https://www.rfc-editor.org/rfc/rfc5280#section-5
   */
  async crlPem(): Promise<string> {
    // RFC 7468 §5 label; @peculiar/x509's own toString('pem') writes "CRL", which OpenSSL rejects.
    return ensureNewline(x509.PemConverter.encode((await this.#crl()).rawData, 'X509 CRL'));
  }

  /** The same CRL as {@link crlPem}, DER-encoded (what `application/pkix-crl` carries). */
  async crlDer(): Promise<Uint8Array> {
    return new Uint8Array((await this.#crl()).rawData);
  }

  /**
   * Verifies a certificate chain (leaf first; the CA certificates may be left out, ours are
   * added): it must chain to our root with valid signatures, every certificate valid at `now`,
   * CAs marked as CAs, the leaf an end-entity certificate, and the leaf not revoked.
   *
   * @param chainPem one or more PEM certificates, leaf first
   * @param now the time to check validity at (default: now)
   * @returns `{ valid: true, leaf }` or `{ valid: false, reason }` with reason one of
   *   {@link ChainRejection}, followed by `: ` and a human detail
   */
  async verifyCertificateChain(
    chainPem: string,
    now: Date = new Date(),
  ): Promise<{ valid: true; leaf: x509.X509Certificate } | { valid: false; reason: string }> {
    const reject = (reason: ChainRejection, detail: string) => ({ valid: false as const, reason: `${reason}: ${detail}` });
    let certs: x509.X509Certificate[];
    try {
      certs = x509.PemConverter.decode(chainPem).map((der) => new x509.X509Certificate(der));
    } catch (err) {
      return reject('malformed', `not a PEM certificate chain (${(err as Error).message})`);
    }
    const [leaf] = certs;
    if (!leaf) return reject('malformed', 'no certificate in the chain');
    const ca = await this.#load();
    let chain: x509.X509Certificate[];
    try {
      const builder = new x509.X509ChainBuilder({ certificates: [ca.issuing, ca.root] });
      chain = [...(await builder.build(leaf))];
    } catch (err) {
      return reject('untrusted', `no chain could be built (${(err as Error).message})`);
    }
    const top = chain[chain.length - 1];
    if (chain.length < 2 || !top || !sameCertificate(top, ca.root)) {
      return reject('untrusted', `${leaf.subject} does not chain to ${ROOT_NAME}`);
    }
    for (let i = 0; i < chain.length; i++) {
      const cert = chain[i] as x509.X509Certificate;
      const issuer = (chain[i + 1] ?? cert) as x509.X509Certificate;
      const ok = await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true }).catch(() => false);
      if (!ok) return reject('untrusted', `bad signature on ${cert.subject}`);
      if (now < cert.notBefore) return reject('not-yet-valid', `${cert.subject} is valid from ${cert.notBefore.toISOString()}`);
      if (now > cert.notAfter) return reject('expired', `${cert.subject} expired ${cert.notAfter.toISOString()}`);
      const constraints = cert.getExtension(x509.BasicConstraintsExtension);
      if (i === 0 && constraints?.ca) return reject('not-end-entity', `${cert.subject} is a CA certificate`);
      if (i > 0) {
        if (!constraints?.ca) return reject('not-a-ca', `${cert.subject} is not a CA`);
        if (constraints.pathLength !== undefined && i - 1 > constraints.pathLength) {
          return reject('not-a-ca', `${cert.subject} path length exceeded`);
        }
      }
    }
    const serial = normalizeSerial(leaf.serialNumber);
    const row = await this.#db
      .selectFrom('platform_pki_certificates')
      .select(['revoked_at', 'revocation_reason'])
      .where('serial_number', '=', serial)
      .executeTakeFirst();
    if (row?.revoked_at != null && row.revoked_at <= now.getTime()) {
      return reject('revoked', `certificate ${serial} was revoked ${new Date(row.revoked_at).toISOString()} (${row.revocation_reason ?? 'unspecified'})`);
    }
    return { valid: true, leaf };
  }

  #load(): Promise<LoadedCa> {
    if (!this.#ca) {
      this.#ca = this.#loadOrCreate().catch((err: unknown) => {
        this.#ca = undefined;
        throw err;
      });
    }
    return this.#ca;
  }

  async #loadOrCreate(): Promise<LoadedCa> {
    const existing = await this.#readCas();
    if (existing) return existing;
    const made = await makeCaPair();
    const inserted = await this.#db.transaction().execute(async (trx) => {
      const root = await trx.insertInto('platform_pki_cas').values(made.root).onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst();
      if (Number(root.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
      await trx.insertInto('platform_pki_cas').values(made.issuing).execute();
      return true;
    });
    if (inserted) this.#log.info({ root: ROOT_NAME, issuing: ISSUING_NAME }, 'test CA created');
    const loaded = await this.#readCas();
    if (!loaded) throw pkiError('PKI_CA_MISSING', 'The test CA rows are incomplete');
    return loaded;
  }

  async #readCas(): Promise<LoadedCa | undefined> {
    const rows = await this.#db.selectFrom('platform_pki_cas').selectAll().execute();
    const root = rows.find((r) => r.id === 'root');
    const issuing = rows.find((r) => r.id === 'issuing');
    if (!root || !issuing) return undefined;
    const issuingKey = await crypto.subtle.importKey(
      'pkcs8',
      x509.PemConverter.decodeFirst(issuing.private_key_pem),
      RSA_SIGN,
      false,
      ['sign'],
    );
    return {
      root: new x509.X509Certificate(root.certificate_pem),
      issuing: new x509.X509Certificate(issuing.certificate_pem),
      issuingKey,
    };
  }

  async #issue(
    kind: 'enterprise' | 'person' | 'server',
    subject: x509.JsonNameParams,
    validityDays: number,
    keyUsage: number,
    extKeyUsage: string[],
    extra: x509.Extension[],
  ): Promise<IssuedCertificate> {
    const ca = await this.#load();
    const keys = (await crypto.subtle.generateKey(RSA_KEYGEN, true, ['sign', 'verify'])) as CryptoKeyPair;
    const serialNumber = newSerial();
    const now = Date.now();
    const notBefore = new Date(now - BACKDATE_MS);
    const notAfter = new Date(Math.min(now + validityDays * DAY_MS, ca.issuing.notAfter.getTime()));
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(keyUsage, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.issuing.publicKey),
      ...extra,
    ];
    if (extKeyUsage.length > 0) extensions.push(new x509.ExtendedKeyUsageExtension(extKeyUsage, false));
    if (this.#publicUrl) extensions.push(new x509.CRLDistributionPointsExtension([`${this.#publicUrl}/pki/crl`]));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber,
      subject: new x509.Name(subject),
      issuer: ca.issuing.subjectName,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: ca.issuingKey,
      signingAlgorithm: RSA_SIGN,
      extensions,
    });
    const certificatePem = ensureNewline(cert.toString('pem'));
    await this.#db
      .insertInto('platform_pki_certificates')
      .values({
        serial_number: serialNumber,
        kind,
        subject: cert.subject,
        certificate_pem: certificatePem,
        not_before_at: cert.notBefore.getTime(),
        not_after_at: cert.notAfter.getTime(),
        created_at: now,
        revoked_at: null,
        revocation_reason: null,
      })
      .execute();
    this.#log.info({ kind, serialNumber, subject: cert.subject }, 'certificate issued');
    const privateKeyPem = ensureNewline(x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY'));
    return {
      privateKeyPem,
      certificatePem,
      chainPem: [certificatePem, ca.issuing.toString('pem'), ca.root.toString('pem')].map(ensureNewline).join(''),
      serialNumber,
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
    };
  }

  async #crl(): Promise<x509.X509Crl> {
    const ca = await this.#load();
    const revoked = await this.#db
      .selectFrom('platform_pki_certificates')
      .select(['serial_number', 'revoked_at', 'revocation_reason'])
      .where('revoked_at', 'is not', null)
      .orderBy('revoked_at')
      .orderBy('serial_number')
      .execute();
    const thisUpdate = new Date(Math.floor(Date.now() / 1000) * 1000);
    return x509.X509CrlGenerator.create({
      issuer: ca.issuing.subjectName,
      thisUpdate,
      nextUpdate: new Date(thisUpdate.getTime() + DAY_MS),
      signingKey: ca.issuingKey,
      signingAlgorithm: RSA_SIGN,
      extensions: [
        await x509.AuthorityKeyIdentifierExtension.create(ca.issuing.publicKey),
        new x509.Extension('2.5.29.20', false, derInteger(thisUpdate.getTime() / 1000)),
      ],
      entries: revoked.map((r) => ({
        serialNumber: r.serial_number,
        revocationDate: new Date(Number(r.revoked_at)),
        reason: x509.X509CrlReason[(r.revocation_reason ?? 'unspecified') as RevocationReason] ?? x509.X509CrlReason.unspecified,
      })),
    });
  }
}

/**
 * Writes an issued certificate as three PEM files in `dir` (made if missing):
 * `<baseName>.key.pem` (mode 0600), `<baseName>.cert.pem` and `<baseName>.chain.pem`.
 * Existing files are overwritten.
 *
 * @returns the three paths, in that order
 * @throws AppError `PKI_INVALID_NAME` when `baseName` is not a plain file name
 */
export async function writeCertificateFiles(issued: IssuedCertificate, dir: string, baseName: string): Promise<string[]> {
  if (!/^[A-Za-z0-9._-]+$/.test(baseName) || baseName.startsWith('.')) {
    throw pkiError('PKI_INVALID_NAME', 'The file base name may hold letters, digits, ".", "_" and "-" only');
  }
  await mkdir(dir, { recursive: true });
  const keyPath = join(dir, `${baseName}.key.pem`);
  const certPath = join(dir, `${baseName}.cert.pem`);
  const chainPath = join(dir, `${baseName}.chain.pem`);
  await writeFile(keyPath, ensureNewline(issued.privateKeyPem), { mode: 0o600 });
  await chmod(keyPath, 0o600); // an existing file keeps its old mode on writeFile
  await writeFile(certPath, ensureNewline(issued.certificatePem));
  await writeFile(chainPath, ensureNewline(issued.chainPem));
  return [keyPath, certPath, chainPath];
}

/** Migrations of `platform_pki_cas` and `platform_pki_certificates`. */
export const pkiMigrations: ComponentMigration[] = [
  {
    name: '0100_test_pki',
    async up(db) {
      await db.schema
        .createTable('platform_pki_cas')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('serial_number', 'text', (c) => c.notNull())
        .addColumn('certificate_pem', 'text', (c) => c.notNull())
        .addColumn('private_key_pem', 'text', (c) => c.notNull())
        .addColumn('not_before_at', 'bigint', (c) => c.notNull())
        .addColumn('not_after_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('platform_pki_certificates')
        .addColumn('serial_number', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('certificate_pem', 'text', (c) => c.notNull())
        .addColumn('not_before_at', 'bigint', (c) => c.notNull())
        .addColumn('not_after_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .addColumn('revocation_reason', 'text')
        .execute();
      await db.schema
        .createIndex('platform_pki_certificates_revoked')
        .on('platform_pki_certificates')
        .column('revoked_at')
        .execute();
    },
  },
];

const ENTERPRISE_USAGES: Record<string, { keyUsage: number; extKeyUsage: string[] } | undefined> = {
  all: {
    keyUsage:
      x509.KeyUsageFlags.digitalSignature |
      x509.KeyUsageFlags.nonRepudiation |
      x509.KeyUsageFlags.keyEncipherment |
      x509.KeyUsageFlags.dataEncipherment,
    extKeyUsage: [x509.ExtendedKeyUsage.clientAuth, x509.ExtendedKeyUsage.emailProtection],
  },
  signing: { keyUsage: x509.KeyUsageFlags.nonRepudiation, extKeyUsage: [] },
  authentication: {
    keyUsage: x509.KeyUsageFlags.digitalSignature,
    extKeyUsage: [x509.ExtendedKeyUsage.clientAuth, x509.ExtendedKeyUsage.emailProtection],
  },
  encryption: { keyUsage: x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.dataEncipherment, extKeyUsage: [] },
};

const DNS_NAME = /^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function isIpLiteral(value: string): boolean {
  try {
    // node:net would do; URL parsing keeps this dependency-free and strict about the forms.
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(value)) return value.split('.').every((p) => Number(p) <= 255);
    return value.includes(':') && new URL(`http://[${value}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

function checkName(value: unknown, field: string): string {
  if (typeof value !== 'string') throw pkiError('PKI_INVALID_NAME', `${field} must be a string`);
  const trimmed = value.trim().replace(/\s+/g, ' ');
  // X.520 upper bounds: ub-organization-name and ub-common-name are 64.
  if (trimmed.length === 0 || trimmed.length > 64 || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw pkiError('PKI_INVALID_NAME', `${field} must be 1 to 64 printable characters`);
  }
  return trimmed;
}

function checkValidity(days: number | undefined): number {
  const value = days ?? 365;
  if (!Number.isInteger(value) || value < 1 || value > 3650) throw pkiError('PKI_INVALID_VALIDITY', undefined, `Got ${String(days)}`);
  return value;
}

function isRevocationReason(value: string): value is RevocationReason {
  return value !== 'removeFromCRL' && Object.hasOwn(x509.X509CrlReason, value) && Number.isNaN(Number(value));
}

/** Lower-case hex without separators or leading zeros (how serials are stored). */
function normalizeSerial(value: string): string {
  if (typeof value !== 'string') throw pkiError('PKI_INVALID_SERIAL_NUMBER');
  const hex = value.replace(/[:\s]/g, '').toLowerCase().replace(/^0+(?=.)/, '');
  if (!/^[0-9a-f]{1,40}$/.test(hex)) throw pkiError('PKI_INVALID_SERIAL_NUMBER');
  return hex;
}

/** 16 random bytes, first byte 0x10–0x7f: positive, 128 bits, never a leading zero digit. */
function newSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = 0x10 + ((bytes[0] as number) % 0x70);
  return bytes.toString('hex');
}

function sameCertificate(a: x509.X509Certificate, b: x509.X509Certificate): boolean {
  return Buffer.from(a.rawData).equals(Buffer.from(b.rawData));
}

/** DER INTEGER of a non-negative safe integer (for the CRL number). */
function derInteger(value: number): Uint8Array {
  let hex = Math.floor(value).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0] as number) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return new Uint8Array(Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]));
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

async function makeCaPair(): Promise<{ root: CaRow; issuing: CaRow }> {
  const now = Date.now();
  const notBefore = new Date(now - DAY_MS);
  const rootKeys = (await crypto.subtle.generateKey(RSA_KEYGEN, true, ['sign', 'verify'])) as CryptoKeyPair;
  const rootName: x509.JsonNameParams = [
    { '2.5.4.6': [{ printableString: 'NO' }] },
    { '2.5.4.10': [{ utf8String: CA_ORG }] },
    { '2.5.4.3': [{ utf8String: ROOT_NAME }] },
  ];
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: newSerial(),
    name: new x509.Name(rootName),
    notBefore,
    notAfter: new Date(now + 20 * 365 * DAY_MS),
    keys: rootKeys,
    signingAlgorithm: RSA_SIGN,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const issuingKeys = (await crypto.subtle.generateKey(RSA_KEYGEN, true, ['sign', 'verify'])) as CryptoKeyPair;
  const issuing = await x509.X509CertificateGenerator.create({
    serialNumber: newSerial(),
    subject: new x509.Name([
      { '2.5.4.6': [{ printableString: 'NO' }] },
      { '2.5.4.10': [{ utf8String: CA_ORG }] },
      { '2.5.4.3': [{ utf8String: ISSUING_NAME }] },
    ]),
    issuer: root.subjectName,
    notBefore,
    notAfter: new Date(now + 10 * 365 * DAY_MS),
    publicKey: issuingKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: RSA_SIGN,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(issuingKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const row = async (id: string, cert: x509.X509Certificate, key: CryptoKey): Promise<CaRow> => ({
    id,
    subject: cert.subject,
    serial_number: normalizeSerial(cert.serialNumber),
    certificate_pem: cert.toString('pem'),
    private_key_pem: x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY'),
    not_before_at: cert.notBefore.getTime(),
    not_after_at: cert.notAfter.getTime(),
    created_at: now,
  });
  return { root: await row('root', root, rootKeys.privateKey), issuing: await row('issuing', issuing, issuingKeys.privateKey) };
}
