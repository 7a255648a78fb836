/**
 * The lookup service (Oppslagstjenesten) at `/krr/rest/…`: HTTP only (parse, authorize, call the
 * domain, answer).
 *
 * @see specs/krr-dpi-esign.md §1; https://docs.digdir.no/docs/Kontaktregisteret/oppslagstjenesten_rest
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SignJWT } from 'jose';
import {
  bearerSecurity,
  getIdportenToken,
  getMaskinportenToken,
  idportenBearerSecurity,
  requireIdportenScopes,
  requireScopes,
  type MaskinportenToken,
} from '../../platform/auth/index.ts';
import { requireJsonBody } from '../../platform/http/json-only.ts';
import { problemResponse } from '../../platform/http/problem.ts';
import type { Platform } from '../../platform/platform.ts';
import { lookupPersons, type LookupCaller } from '../domain/lookup.ts';
import { getPrintSertifikat } from '../domain/providers.ts';
import { globalDisclosure, KRR_GLOBAL_SCOPES, KRR_USER_SCOPE_SPRAAK_WRITE, KRR_USER_SCOPES, userDisclosure } from '../domain/scopes.ts';
import { setSpraak, SPRAAK_VALUES } from '../minprofil/domain/profile.ts';
import type { PersonerRequest } from '../wire-types.ts';
import {
  personerRequestSchema,
  personerResponseSchema,
  personerV2RequestSchema,
  personSchema,
  printSertifikatResponseSchema,
} from './schemas.ts';

/** Base path of the component. */
export const KRR_PATH = '/krr';

/** The issuer KRR signs `application/jose` answers under (`<PUBLIC_URL>/krr`). */
export function krrIssuer(config: { PUBLIC_URL: string }): string {
  return `${config.PUBLIC_URL}${KRR_PATH}`;
}

/** Lifetime of a signed (`application/jose`) answer, in seconds. */
export const JOSE_ANSWER_LIFETIME_S = 120;

const problemResponses = {
  400: problemResponse('Bad input: KRR_LOOKUP_EMPTY, KRR_LOOKUP_TOO_MANY_IDS, KRR_INVALID_PERSONIDENTIFIKATOR (`problems` by position), PLATFORM_VALIDATION_FAILED, PLATFORM_MALFORMED_JSON'),
  401: problemResponse('No, invalid or expired token: AUTH_TOKEN_MISSING, AUTH_TOKEN_INVALID, AUTH_TOKEN_EXPIRED'),
  403: problemResponse('The token lacks the scope: AUTH_INSUFFICIENT_SCOPE (`requiredScopes`)'),
  413: problemResponse('The body is larger than the server takes: PLATFORM_BODY_TOO_LARGE'),
  415: problemResponse('The body is not application/json: PLATFORM_UNSUPPORTED_MEDIA_TYPE'),
} as const;

function callerOf(token: MaskinportenToken, endpoint: string, requestId: string, relevant: readonly string[]): LookupCaller {
  return {
    endpoint,
    consumerOrgno: token.consumerOrgno,
    ...(token.supplierOrgno === undefined ? {} : { supplierOrgno: token.supplierOrgno }),
    clientId: token.clientId,
    scopes: token.scopes.filter((s) => relevant.includes(s)),
    requestId,
  };
}

/** True when the request asks for `application/jose` rather than JSON. */
function wantsJose(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return /application\/jose/i.test(accept) && !/application\/json/i.test(accept);
}

/** Registers the lookup routes. */
export async function lookupRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  const tags = ['krr'];
  const lookupHook = requireScopes(platform, KRR_GLOBAL_SCOPES, { anyOf: true });
  const security = bearerSecurity(KRR_GLOBAL_SCOPES);

  for (const version of ['v1', 'v2'] as const) {
    const endpoint = `POST /rest/${version}/personer`;
    app.post<{ Body: PersonerRequest }>(
      `${KRR_PATH}/rest/${version}/personer`,
      {
        onRequest: [lookupHook, requireJsonBody],
        schema: {
          tags,
          summary: `Look up 1–1000 persons (${version})`,
          description:
            'Reservation status always; e-mail, mobile, varslingsstatus and spraak with krr:global/kontaktinformasjon.read; ' +
            'digital_post and sertifikat with krr:global/digitalpost.read (a token needs one of them). ' +
            (version === 'v1'
              ? 'Persons not in the register are answered as IKKE_REGISTRERT.'
              : 'Persons not in the register are answered as IKKE_REGISTRERT only with inkluderIkkeRegistrerte: true.') +
            ' Every lookup is logged with the consumer, client, scopes and persons.',
          ...security,
          body: version === 'v1' ? personerRequestSchema : personerV2RequestSchema,
          response: { 200: personerResponseSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const token = getMaskinportenToken(request);
        const result = await lookupPersons(
          platform.db,
          {
            personidentifikatorer: request.body.personidentifikatorer,
            includeNotRegistered: version === 'v1' || request.body.inkluderIkkeRegistrerte === true,
            disclosure: globalDisclosure(token.scopes),
          },
          callerOf(token, endpoint, request.id, KRR_GLOBAL_SCOPES),
        );
        platform.stats.incrementBuffered('krr', 'lookup', result.antall);
        reply.header('cache-control', 'no-store');
        return { personer: result.personer };
      },
    );
  }

  const userHook = requireIdportenScopes(platform, KRR_USER_SCOPES, { anyOf: true });
  const issuer = krrIssuer(platform.config);
  app.get(
    `${KRR_PATH}/rest/v1/person`,
    {
      onRequest: userHook,
      // No automatic HEAD: it would look the person up (and log it) to send no data.
      exposeHeadRoute: false,
      schema: {
        tags,
        summary: "The logged-in person's own entry (ID-porten token)",
        description:
          'ID-porten access token with krr:user/kontaktinformasjon.read and/or krr:user/digitalpost.read; the person is the token’s pid. ' +
          '`Accept: application/json` (default) answers the person as JSON; `Accept: application/jose` answers it as a JWS signed by KRR ' +
          `(\`iss\` ${KRR_PATH}, keys at ${KRR_PATH}/jwks). The lookup is logged like the others.`,
        ...idportenBearerSecurity(KRR_USER_SCOPES),
        response: {
          200: { description: 'The person (JSON), or a compact JWS whose payload is the person (application/jose)', content: { 'application/json': { schema: personSchema }, 'application/jose': { schema: { type: 'string' } } } },
          401: problemResponses[401],
          403: problemResponses[403],
        },
      },
    },
    async (request, reply) => answerOwnPerson(request, reply, 'GET /rest/v1/person'),
  );

  /**
   * The person's own entry, looked up (and logged) now, as JSON or, with `Accept:
   * application/jose`, as a JWS signed by KRR for the token's client.
   */
  async function answerOwnPerson(request: FastifyRequest, reply: FastifyReply, endpoint: string): Promise<FastifyReply> {
    const token = getIdportenToken(request);
    const result = await lookupPersons(
      platform.db,
      { personidentifikatorer: [token.pid], includeNotRegistered: true, disclosure: userDisclosure(token.scopes) },
      callerOf(token, endpoint, request.id, [...KRR_USER_SCOPES, KRR_USER_SCOPE_SPRAAK_WRITE]),
    );
    const person = result.personer[0]!;
    reply.header('cache-control', 'no-store');
    if (!wantsJose(request)) return reply.type('application/json; charset=utf-8').send(JSON.stringify(person));
    const key = await platform.keys.getSigningKey(issuer);
    const now = Math.floor(Date.now() / 1000);
    const jws = await new SignJWT({ ...person })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(token.clientId)
      .setIssuedAt(now)
      .setExpirationTime(now + JOSE_ANSWER_LIFETIME_S)
      .sign(key.privateKey);
    return reply.type('application/jose').send(jws);
  }

  app.patch<{ Body: { spraak: string } }>(
    `${KRR_PATH}/rest/v1/person`,
    {
      onRequest: [requireIdportenScopes(platform, [KRR_USER_SCOPE_SPRAAK_WRITE]), requireJsonBody],
      schema: {
        tags,
        summary: "Changes the logged-in person's preferred language (ID-porten token with krr:user/spraak.write)",
        description:
          'Body `{"spraak": "nb" | "nn" | "en" | "se"}`. Sets `spraak` and `spraak_oppdatert` of the token’s pid in the national register ' +
          '(a person not in the register is registered, as in MinProfil; tell the user the change is not for your service only). ' +
          'Answers the person as `GET` does, with the fields the token’s read scopes allow; that read is logged like the others.',
        ...idportenBearerSecurity([KRR_USER_SCOPE_SPRAAK_WRITE]),
        body: {
          type: 'object',
          required: ['spraak'],
          additionalProperties: false,
          properties: { spraak: { type: 'string', enum: [...SPRAAK_VALUES] } },
        },
        response: {
          200: { description: 'The person after the change (JSON or JWS, as for GET)', content: { 'application/json': { schema: personSchema }, 'application/jose': { schema: { type: 'string' } } } },
          400: problemResponses[400],
          401: problemResponses[401],
          403: problemResponses[403],
          413: problemResponses[413],
          415: problemResponses[415],
        },
      },
    },
    async (request, reply) => {
      await setSpraak({ db: platform.db }, getIdportenToken(request).pid, request.body.spraak);
      return answerOwnPerson(request, reply, 'PATCH /rest/v1/person');
    },
  );

  const printSchema = {
    tags,
    summary: "The print provider's address and encryption certificate",
    description:
      'Open, like the real service: the eFormidling integration point fetches it with a plain GET (`difi.move.dpi.krr-print-url`). POST is accepted too.',
    response: { 200: printSertifikatResponseSchema, 503: { description: 'No print provider registered yet (KRR_PRINT_PROVIDER_MISSING)' } },
  };
  const printHandler = async () => getPrintSertifikat(platform.db);
  app.get(`${KRR_PATH}/rest/v2/printSertifikat`, { schema: printSchema }, printHandler);
  app.post(`${KRR_PATH}/rest/v2/printSertifikat`, { schema: { ...printSchema, summary: `${printSchema.summary} (POST)` } }, printHandler);
}
