/**
 * The mailbox-provider API at `/krr/rest/v1/postkasseleverandoer/…`: Digipost and e-Boks
 * register their citizens' digital mailboxes. A JSON/REST equivalent of the register's SOAP
 * operations, keeping their names, fields and outcome codes. HTTP only: parse, authorize, call
 * the domain, answer.
 *
 * Every route: Maskinporten token with `krr:global/postkasseleverandoer.write` (401/403
 * problem+json before the body is read), then the token's consumer must be a registered mailbox
 * provider (403 `KRR_POSTKASSE_NOT_PROVIDER`, before the body is validated), then the body.
 * Answers are the register's `{status, beskrivelse}`: `OK` → 200, `FEILET` → 400 (`UGYLDIG_*`),
 * 404 (`BRUKER_IKKE_FUNNET`, `INGEN_POSTBOKS_FUNNET`) or 409 (`RESERVERT`, `ALLEREDE_AKTIV`,
 * `POSTKASSE_EKSISTERER_ALLEREDE`).
 *
 * @see src/krr/README.md "Mailbox-provider API"; specs/krr-dpi-esign.md §1 "Mailbox provider entry"
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bearerSecurity, getMaskinportenToken, requireScopes } from '../../platform/auth/index.ts';
import type { Platform } from '../../platform/platform.ts';
import { PostkasseFeil, type PostkasseFeilkode } from '../domain/postkasse/outcome.ts';
import {
  getMailboxProvider,
  hentPostkasse,
  oppdaterPostkasse,
  opprettOgVelgPostkasse,
  slettPostkasse,
  type HentPostkasseRequest,
  type OppdaterPostkasseRequest,
  type OpprettOgVelgPostkasseRequest,
  type Postkasse,
  type SlettPostkasseRequest,
} from '../domain/postkasse/postkasse.ts';
import { KRR_SCOPE_POSTKASSELEVERANDOER } from '../domain/postkasse/scope.ts';
import { KRR_PATH } from './lookup-routes.ts';
import { feiletResponse, okResponse, oppdaterPostkasseBody, opprettOgVelgPostkasseBody, personBody } from './postkasse-schemas.ts';

/** Base path of the mailbox-provider API. */
export const POSTKASSELEVERANDOER_PATH = `${KRR_PATH}/rest/v1/postkasseleverandoer`;

/** HTTP status of each `FEILET` reason code. */
export const FEILKODE_HTTP_STATUS: Readonly<Record<PostkasseFeilkode, 400 | 404 | 409>> = {
  UGYLDIG_PERSONNUMMER: 400,
  UGYLDIG_ORGNR: 400,
  UGYLDIG_EPOSTADRESSE: 400,
  UGYLDIG_SERTIFIKAT: 400,
  BRUKER_IKKE_FUNNET: 404,
  INGEN_POSTBOKS_FUNNET: 404,
  RESERVERT: 409,
  ALLEREDE_AKTIV: 409,
  POSTKASSE_EKSISTERER_ALLEREDE: 409,
};

const authResponses = {
  401: { description: 'No, invalid or expired token (problem+json: AUTH_TOKEN_MISSING, AUTH_TOKEN_INVALID, AUTH_TOKEN_EXPIRED)' },
  403: { description: 'The token lacks krr:global/postkasseleverandoer.write (AUTH_INSUFFICIENT_SCOPE), or its consumer is not a registered mailbox provider (KRR_POSTKASSE_NOT_PROVIDER)' },
} as const;

/** Registers the mailbox-provider routes. */
export async function postkasseRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  const tags = ['krr-postkasseleverandoer'];
  const scopeHook = requireScopes(platform, [KRR_SCOPE_POSTKASSELEVERANDOER]);
  const providerHook = async (request: FastifyRequest): Promise<void> => {
    await getMailboxProvider(platform.db, getMaskinportenToken(request).consumerOrgno);
  };
  const common = { onRequest: scopeHook, preValidation: providerHook };
  const security = bearerSecurity([KRR_SCOPE_POSTKASSELEVERANDOER]);
  const provider = (request: FastifyRequest) => getMaskinportenToken(request).consumerOrgno;

  app.post<{ Body: OpprettOgVelgPostkasseRequest }>(
    `${POSTKASSELEVERANDOER_PATH}/opprettOgVelgPostkasse`,
    {
      ...common,
      schema: {
        tags,
        summary: 'OpprettOgVelgPostkasse: create and select a citizen’s mailbox at the calling provider',
        description:
          'The caller (the token’s consumer) is the provider. A mailbox at another provider is replaced: the citizen moves here. ' +
          'FEILET: UGYLDIG_PERSONNUMMER, UGYLDIG_ORGNR, UGYLDIG_EPOSTADRESSE (postkasseadresse), UGYLDIG_SERTIFIKAT (400); ' +
          'BRUKER_IKKE_FUNNET (404: not in the register or SLETTET); RESERVERT (409: the citizen has reserved), ' +
          'ALLEREDE_AKTIV (409: this very mailbox is already selected), POSTKASSE_EKSISTERER_ALLEREDE (409: a mailbox with another address exists here; use oppdaterPostkasse).',
        ...security,
        body: opprettOgVelgPostkasseBody,
        response: { 200: okResponse, 400: feiletResponse('FEILET: UGYLDIG_* (application/json); a body that fails the schema: problem+json PLATFORM_VALIDATION_FAILED'), 404: feiletResponse('FEILET: BRUKER_IKKE_FUNNET'), 409: feiletResponse('FEILET: RESERVERT, ALLEREDE_AKTIV, POSTKASSE_EKSISTERER_ALLEREDE'), ...authResponses },
      },
    },
    async (request, reply) => answer(reply, () => opprettOgVelgPostkasse(platform.db, platform.pki, provider(request), request.body)),
  );

  app.post<{ Body: OppdaterPostkasseRequest }>(
    `${POSTKASSELEVERANDOER_PATH}/oppdaterPostkasse`,
    {
      ...common,
      schema: {
        tags,
        summary: 'OppdaterPostkasse: change the address and/or certificate of the provider’s mailbox',
        description:
          'At least one of postkasseadresse and sertifikat (sertifikat: null goes back to the provider’s certificate). ' +
          'FEILET: UGYLDIG_* (400); BRUKER_IKKE_FUNNET, INGEN_POSTBOKS_FUNNET (404: no mailbox at this provider).',
        ...security,
        body: oppdaterPostkasseBody,
        response: { 200: okResponse, 400: feiletResponse('FEILET: UGYLDIG_* (application/json); a body that fails the schema: problem+json PLATFORM_VALIDATION_FAILED'), 404: feiletResponse('FEILET: BRUKER_IKKE_FUNNET, INGEN_POSTBOKS_FUNNET'), ...authResponses },
      },
    },
    async (request, reply) => answer(reply, () => oppdaterPostkasse(platform.db, platform.pki, provider(request), request.body)),
  );

  app.post<{ Body: SlettPostkasseRequest }>(
    `${POSTKASSELEVERANDOER_PATH}/slettPostkasse`,
    {
      ...common,
      schema: {
        tags,
        summary: 'SlettPostkasse: remove the provider’s mailbox (the citizen no longer has a digital mailbox)',
        description: 'FEILET: UGYLDIG_PERSONNUMMER, UGYLDIG_ORGNR (400); BRUKER_IKKE_FUNNET, INGEN_POSTBOKS_FUNNET (404).',
        ...security,
        body: personBody,
        response: { 200: okResponse, 400: feiletResponse('FEILET: UGYLDIG_* (application/json); a body that fails the schema: problem+json PLATFORM_VALIDATION_FAILED'), 404: feiletResponse('FEILET: BRUKER_IKKE_FUNNET, INGEN_POSTBOKS_FUNNET'), ...authResponses },
      },
    },
    async (request, reply) => answer(reply, () => slettPostkasse(platform.db, provider(request), request.body)),
  );

  app.post<{ Body: HentPostkasseRequest }>(
    `${POSTKASSELEVERANDOER_PATH}/hentPostkasse`,
    {
      ...common,
      schema: {
        tags,
        summary: 'HentPostkasse: the provider’s own entry for a citizen (Grunnmur’s; not in the real register)',
        description:
          'Answers only the calling provider’s mailbox; a mailbox at another provider is INGEN_POSTBOKS_FUNNET. Logged in the lookup audit log. ' +
          'FEILET: UGYLDIG_PERSONNUMMER, UGYLDIG_ORGNR (400); BRUKER_IKKE_FUNNET, INGEN_POSTBOKS_FUNNET (404).',
        ...security,
        body: personBody,
        response: { 200: okResponse, 400: feiletResponse('FEILET: UGYLDIG_* (application/json); a body that fails the schema: problem+json PLATFORM_VALIDATION_FAILED'), 404: feiletResponse('FEILET: BRUKER_IKKE_FUNNET, INGEN_POSTBOKS_FUNNET'), ...authResponses },
      },
    },
    async (request, reply) => {
      const token = getMaskinportenToken(request);
      return answer(reply, () =>
        hentPostkasse(
          platform.db,
          {
            providerOrgnr: token.consumerOrgno,
            ...(token.supplierOrgno === undefined ? {} : { supplierOrgno: token.supplierOrgno }),
            clientId: token.clientId,
            scope: KRR_SCOPE_POSTKASSELEVERANDOER,
            requestId: request.id,
            endpoint: 'POST /rest/v1/postkasseleverandoer/hentPostkasse',
          },
          request.body,
        ),
      );
    },
  );
}

/** Runs an operation and answers `OK` with the entry, or `FEILET` with its reason code and status. */
async function answer(reply: FastifyReply, operation: () => Promise<Postkasse>): Promise<unknown> {
  reply.header('cache-control', 'no-store');
  try {
    return { status: 'OK', postkasse: await operation() };
  } catch (err) {
    if (!(err instanceof PostkasseFeil)) throw err;
    return reply.code(FEILKODE_HTTP_STATUS[err.beskrivelse]).send({ status: 'FEILET', beskrivelse: err.beskrivelse, melding: err.message });
  }
}
