/**
 * JSON shapes of ELMA's REST API (`/elma/api/v1/…`). The real ELMA has no public JSON API (its
 * registrations are made in a web UI, `smp.difi.no`); the field names are the OASIS BDXR SMP 1.0
 * element names in lower camel case, so a reader of the XML finds the same terms.
 *
 * @see http://docs.oasis-open.org/bdxr/bdx-smp/v1.0/bdx-smp-v1.0.html
 */

/** An identifier with its scheme (`ParticipantIdentifier`, `DocumentIdentifier`, `ProcessIdentifier`). */
export interface ElmaIdentifier {
  scheme: string;
  value: string;
}

/** One `Endpoint`: where and how a process is received. */
export interface ElmaEndpoint {
  /** `@transportProfile`, e.g. `bdxr-transport-altinn`. One endpoint per transport profile in a process. */
  transportProfile: string;
  /** `EndpointURI`: absolute http(s) URL. */
  endpointUrl: string;
  /** `Certificate`: the access point's certificate, base64 of DER (no PEM armour). */
  certificate: string;
  /** `ServiceActivationDate`: RFC 3339 date-time, answered in UTC (`…Z`); absent = active already. */
  serviceActivationDate?: string;
  /** `ServiceExpirationDate`: RFC 3339 date-time, answered in UTC; absent = no end. */
  serviceExpirationDate?: string;
  /** `RequireBusinessLevelSignature`; default false. */
  requireBusinessLevelSignature: boolean;
  /** `ServiceDescription`: free text (1–500 characters). */
  serviceDescription: string;
  /** `TechnicalContactUrl`: absolute http(s) URL (a `mailto:` is refused: see README). */
  technicalContactUrl: string;
}

/** One `Process` with its endpoints. */
export interface ElmaProcess {
  /** Scheme `cenbii-procid-ubl`; value e.g. `urn:no:difi:profile:arkivmelding:administrasjon:ver1.0`. */
  processIdentifier: ElmaIdentifier;
  endpoints: ElmaEndpoint[];
}

/** The service metadata of one document type. */
export interface ElmaDocument {
  /** Scheme `busdox-docid-qns`; value e.g. `urn:no:difi:arkivmelding:xsd::arkivmelding`. */
  documentIdentifier: ElmaIdentifier;
  processes: ElmaProcess[];
}

/** `GET /elma/api/v1/participants/{orgnr}`: a participant and everything it receives. */
export interface ElmaParticipant {
  /** `{scheme: 'iso6523-actorid-upis', value: '0192:<orgnr>'}`. */
  participantIdentifier: ElmaIdentifier;
  orgnr: string;
  /** The access-point provider (orgnr) that registered it. */
  registeredBy: string;
  /** RFC 3339, UTC. */
  updated: string;
  documents: ElmaDocument[];
}

/** One endpoint in a write: dates as RFC 3339 with offset, `requireBusinessLevelSignature` optional (false). */
export interface ElmaEndpointInput extends Omit<ElmaEndpoint, 'requireBusinessLevelSignature'> {
  requireBusinessLevelSignature?: boolean;
}

/** One document type in a write: the scheme defaults to `busdox-docid-qns`, the process scheme to `cenbii-procid-ubl`. */
export interface ElmaDocumentInput {
  documentIdentifier: { scheme?: string; value: string };
  processes: Array<{ processIdentifier: { scheme?: string; value: string }; endpoints: ElmaEndpointInput[] }>;
}

/** `PUT /elma/api/v1/participants/{orgnr}`: the whole service metadata of the participant (replaces what was there). */
export interface PutParticipantRequest {
  documents: ElmaDocumentInput[];
}
