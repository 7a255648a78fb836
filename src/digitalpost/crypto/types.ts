/**
 * Shapes shared by the Digital postkasse (DPI) crypto helpers.
 *
 * @see /work/shared/specs/krr-dpi-esign.md §2
 */
import type { SdpManifest } from './sdp-manifest.ts';

/**
 * A signing or decrypting party: an enterprise certificate and its RSA key (same shape as
 * eFormidling's `AsicSigner`).
 */
export interface Signer {
  /** The certificate, PEM; may be followed by its CA certificates (leaf first). */
  certificatePem: string;
  /** The certificate's RSA private key, PEM (PKCS#8 or PKCS#1), unencrypted. */
  privateKeyPem: string;
}

/** A certificate and its private key, used to decrypt (a provider may hold old and new ones). */
export interface DecryptionKey {
  /** The certificate, PEM (the first CERTIFICATE block is the one whose issuer+serial is matched). */
  certificatePem: string;
  /** The certificate's RSA private key, PEM (PKCS#8 or PKCS#1), unencrypted. */
  privateKeyPem: string;
}

/** The `dokumentpakkefingeravtrykk` of an SBD: the SHA-256 of the CMS DER bytes. */
export interface Fingerprint {
  /** Always `http://www.w3.org/2001/04/xmlenc#sha256`. */
  digestMethod: string;
  /** Base64 (standard alphabet, padded) of the 32-byte digest. */
  digestValue: string;
}

/** The result of {@link verifySbd}. */
export interface VerifiedSbd {
  /** The parsed JSON payload (`{"standardBusinessDocument": {...}}`). */
  payload: any;
  /** The signer certificate (x5c[0]), PEM. */
  certificatePem: string;
  /** Organisasjonsnummer in the signer certificate, or null when it has none. */
  orgnr: string | null;
}

/** Recipient of a digital letter in the SDP manifest; null for print (utskrift). */
export interface DokumentpakkeMottaker {
  /** Fødselsnummer / D-nummer, 11 digits. */
  personidentifikator?: string;
  /** The citizen's mailbox address at the provider (e.g. `ola.nordmann#1234`). */
  postkasseadresse?: string;
}

/** One document to put in a package. */
export interface DokumentpakkeDocumentInput {
  /** Entry name in the ASiC-E (plain file name, no folders). */
  filename: string;
  /** Media type, e.g. `application/pdf`. */
  mimeType: string;
  content: Uint8Array;
  /** Title shown to the citizen (manifest `tittel`); optional. */
  tittel?: string;
  /** True for exactly one document: the main document (`hoveddokument`). */
  hoveddokument: boolean;
}

/** Input of {@link buildDokumentpakke}. */
export interface BuildDokumentpakkeInput {
  /** The sender's enterprise certificate and key (signs the ASiC-E, XAdES). */
  signer: Signer;
  /** The sender's organisasjonsnummer, 9 digits (manifest `avsender/organisasjon`, `9908:<orgnr>`). */
  avsenderOrgnr: string;
  /** The digital recipient, or null for print (the manifest then has no `mottaker`). */
  mottaker: DokumentpakkeMottaker | null;
  /** The documents; exactly one has `hoveddokument: true`. */
  documents: DokumentpakkeDocumentInput[];
  /** Language code of the titles (`tittel/@lang`), ISO 639-1, default `no`. */
  spraak?: string;
  /** Manifest `avsender/avsenderidentifikator` (the sender's sub-identity at the provider), optional. */
  avsenderidentifikator?: string;
  /** Manifest `avsender/fakturaReferanse` (max 40 characters), optional. */
  fakturaReferanse?: string;
  /** The receiving provider's encryption certificate, DER. */
  recipientCertificateDer: Uint8Array;
  /** Signing time of the ASiC-E (default: now). */
  now?: Date;
}

/** Output of {@link buildDokumentpakke}. */
export interface BuiltDokumentpakke {
  /** CMS EnvelopedData DER (`asic.cms`). */
  cms: Uint8Array;
  /** The plaintext ASiC-E ZIP. */
  asice: Uint8Array;
  /** `dokumentpakkefingeravtrykk` of `cms`. */
  fingerprint: Fingerprint;
}

/** One document of an opened package. */
export interface DokumentpakkeDocument {
  filename: string;
  mimeType: string;
  content: Uint8Array;
  /** The manifest's `tittel`, or null when absent. */
  tittel: string | null;
  hoveddokument: boolean;
}

/** Output of {@link openDokumentpakke}. */
export interface OpenedDokumentpakke {
  /** Organisasjonsnummer in the ASiC-E signer's certificate, or null. */
  signerOrgnr: string | null;
  /** The documents in manifest order, main document first. */
  documents: DokumentpakkeDocument[];
  /** The whole SDP manifest (mottaker, avsender, documents as listed). */
  manifest: SdpManifest;
  /** The ASiC-E signer's certificate, PEM. */
  signerCertificatePem: string;
  /** The ASiC-E's signed XAdES SigningTime. */
  signingTime: Date;
}

/** Options of {@link verifySbd}. */
export interface VerifySbdOptions extends TrustOptions {
  /** When given, the signer certificate must belong to this organisation (9 digits). */
  expectedOrgnr?: string;
}

/** Options of {@link verifySbd} and {@link openDokumentpakke}. */
export interface TrustOptions {
  /** Trust anchors, PEM; the signer certificate must chain to one of them. */
  caCertificatesPem: string[];
  /** When the certificates must be valid (default: now). */
  now?: Date;
}
