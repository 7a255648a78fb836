/**
 * The eFormidling component's error catalogue (the integration point's own exceptions, as
 * `AppError` codes). Answered in the integration point's format, not problem+json (see
 * `routes/error-format.ts`). Messages follow the integration point's `messages.properties`.
 *
 * @see felleslosninger/efm-integrasjonspunkt `integrasjonspunkt/src/main/resources/messages.properties`
 */
import { AppError, catalogueError, type AppErrorOptions, type ErrorCodeInfo } from '../platform/errors.ts';

/** Every error code of the Next Move API (besides validation's and the ASiC-E module's). */
export const eformidlingErrors = {
  /** `MessageNotFoundException`: no message with that id for this organisation (another organisation's message is not found either). */
  EFORMIDLING_MESSAGE_NOT_FOUND: { status: 404, title: 'Message not found' },
  /** `MessageAlreadyExistsException`: the messageId is in use. */
  EFORMIDLING_MESSAGE_ALREADY_EXISTS: { status: 400, title: 'Message already exists' },
  /** `MessageNotLockedException`: delete (or pop) of an incoming message that no peek locked. */
  EFORMIDLING_MESSAGE_NOT_LOCKED: { status: 400, title: 'Message not locked' },
  /** The message was sent already: no more files, no second send, no delete. */
  EFORMIDLING_MESSAGE_ALREADY_SENT: { status: 400, title: 'Message already sent' },
  /** `MultipartFileToLargeException`: a multipart part over 5 MiB. */
  EFORMIDLING_MULTIPART_FILE_TOO_LARGE: { status: 400, title: 'Multipart file too large' },
  /** A streamed file (PUT) over the configured maximum. */
  EFORMIDLING_FILE_TOO_LARGE: { status: 413, title: 'File too large' },
  /** `DuplicateFilenameException`. */
  EFORMIDLING_DUPLICATE_FILENAME: { status: 400, title: 'Duplicate filename' },
  /** `MissingHttpHeaderException`: `Content-Disposition` (with a filename) or `Content-Type` missing on PUT. */
  EFORMIDLING_MISSING_HTTP_HEADER: { status: 400, title: 'Missing HTTP header' },
  /** A file name that cannot travel in an ASiC-E (empty, path, reserved name, over 255 characters). */
  EFORMIDLING_INVALID_FILENAME: { status: 400, title: 'Invalid filename' },
  /** `MissingFileException`: send without any file. */
  EFORMIDLING_MISSING_FILE: { status: 400, title: 'Missing file' },
  /** `MissingPrimaryDocumentException`: the business message's `hoveddokument` is not one of the files. */
  EFORMIDLING_MISSING_PRIMARY_DOCUMENT: { status: 400, title: 'Missing primary document' },
  /** `MissingArkivmeldingException`: an arkivmelding sent by DPO without the file `arkivmelding.xml`. */
  EFORMIDLING_MISSING_ARKIVMELDING: { status: 400, title: 'Missing arkivmelding.xml' },
  /** `TimeToLiveException`: `expectedResponseDateTime` has passed. */
  EFORMIDLING_TIME_TO_LIVE_EXCEEDED: { status: 400, title: 'Time to live exceeded' },
  /** The sender in the SBD is not the organisation of the token. */
  EFORMIDLING_SENDER_NOT_CALLER: { status: 403, title: 'Sender is not the calling organisation' },
  /** A message's receiver is not known (not in ELMA nor in Enhetsregisteret). */
  EFORMIDLING_RECEIVER_NOT_FOUND: { status: 400, title: 'Receiver not found' },
  /** `IdentifierNotFoundException` on `capabilities`: the service registry does not know the receiver. */
  EFORMIDLING_IDENTIFIER_NOT_FOUND: { status: 404, title: 'Identifier not found' },
  /** `ReceiverDoesNotAcceptProcessException`. */
  EFORMIDLING_RECEIVER_DOES_NOT_ACCEPT_PROCESS: { status: 400, title: 'Receiver does not accept the process' },
  /** `ReceiverDoesNotAcceptDocumentType`. */
  EFORMIDLING_RECEIVER_DOES_NOT_ACCEPT_DOCUMENT_TYPE: { status: 400, title: 'Receiver does not accept the document type' },
  /** `ServiceNotEnabledException`: DPV, DPE, DPF, DPFIO and DPH are not offered by this Grunnmur yet. */
  EFORMIDLING_SERVICE_NOT_ENABLED: { status: 400, title: 'Service not enabled' },
  /** A DPI letter that must be printed has no postal address (Folkeregisteret/Enhetsregisteret nor the message); the sender sees it as `FEIL`. */
  EFORMIDLING_DPI_NO_ADDRESS: { status: 400, title: 'No postal address for a printed letter' },
  /** A DPI letter corner 2 or KRR cannot take (e.g. no print provider; corner 2 refused it); the sender sees it as `FEIL`. */
  EFORMIDLING_DPI_NOT_DELIVERABLE: { status: 400, title: 'DPI letter not deliverable' },
  /** A multipart request without an `sbd` part, or with a part that is not a file. */
  EFORMIDLING_INVALID_MULTIPART: { status: 400, title: 'Invalid multipart request' },
  /** A query parameter with a value outside its type (page, size, sort, status, date-time). */
  EFORMIDLING_INVALID_PARAMETER: { status: 400, title: 'Invalid parameter' },
  /** `ConversationNotFoundException`. */
  EFORMIDLING_CONVERSATION_NOT_FOUND: { status: 404, title: 'Conversation not found' },
  /** `MessageStatusNotFoundException`. */
  EFORMIDLING_STATUS_NOT_FOUND: { status: 404, title: 'Message status not found' },
  /** `PrototypeNotFoundException`: no prototype for that capability. */
  EFORMIDLING_PROTOTYPE_NOT_FOUND: { status: 404, title: 'Prototype not found' },
  /** `SubscriptionNotFoundException`. */
  EFORMIDLING_SUBSCRIPTION_NOT_FOUND: { status: 404, title: 'Subscription not found' },
  /** A subscription field breaks its rule (name, pushEndpoint, resource, event, filter). */
  EFORMIDLING_INVALID_SUBSCRIPTION: { status: 400, title: 'Invalid subscription' },
  /** `SubscriptionWithSameNameAndPushEndpointAlreadyExists`. */
  EFORMIDLING_SUBSCRIPTION_EXISTS: { status: 400, title: 'Subscription already exists' },
  /** `WebhookPushEndpointPingFailedException`: the ping to the push endpoint failed. */
  EFORMIDLING_WEBHOOK_PING_FAILED: { status: 400, title: 'Ping failed' },
} as const satisfies Record<string, ErrorCodeInfo>;

/** An eFormidling error code. */
export type EformidlingErrorCode = keyof typeof eformidlingErrors;

/** Makes an eFormidling `AppError` with the catalogue's status. */
export function eformidlingError(code: EformidlingErrorCode, message: string, options: AppErrorOptions = {}): AppError {
  return catalogueError(eformidlingErrors, code, message, options);
}
