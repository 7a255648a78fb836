/**
 * HTTP routes shaped like Brønnøysundregistrene's open Enhetsregisteret API, under
 * `/enhetsregisteret/api`. Errors answer problem+json with Grunnmur codes (the real API has its
 * own error format; see the README).
 *
 * @see https://data.brreg.no/enhetsregisteret/api/dokumentasjon/no/index.html
 */
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/platform.ts';
import { getEnhet, getRoller, getUnderenhet, MAX_SEARCH_WINDOW, searchEnheter, searchUnderenheter, type EnhetSearch } from '../domain/enhetsregisteret.ts';

const tags = ['enhetsregisteret'];

const orgnrParams = {
  type: 'object',
  required: ['organisasjonsnummer'],
  properties: { organisasjonsnummer: { type: 'string', description: 'Organisasjonsnummer, 9 digits (MOD11)' } },
} as const;

const searchQuery = {
  type: 'object',
  properties: {
    navn: { type: 'string', maxLength: 200, description: 'Case-insensitive substring of the name' },
    organisasjonsform: { type: 'string', maxLength: 200, description: 'Comma-separated organisasjonsform codes (AS,ENK…)' },
    overordnetEnhet: { type: 'string', description: 'Organisasjonsnummer of the parent' },
    page: { type: 'integer', minimum: 0, default: 0, description: 'Zero-based page' },
    size: { type: 'integer', minimum: 1, maximum: MAX_SEARCH_WINDOW, default: 20, description: 'Hits per page; (page + 1) × size ≤ 10 000' },
  },
  additionalProperties: true,
} as const;

const open = (description: string) => ({ type: 'object', additionalProperties: true, description }) as const;

interface SearchQuery {
  navn?: string;
  organisasjonsform?: string;
  overordnetEnhet?: string;
  page: number;
  size: number;
}

function toSearch(q: SearchQuery): EnhetSearch {
  const forms = q.organisasjonsform
    ?.split(',')
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s.length > 0);
  return {
    page: q.page,
    size: q.size,
    ...(q.navn ? { navn: q.navn } : {}),
    ...(forms && forms.length > 0 ? { organisasjonsform: forms } : {}),
    ...(q.overordnetEnhet ? { overordnetEnhet: q.overordnetEnhet } : {}),
  };
}

/** Registers the Enhetsregisteret routes. */
export async function enhetsregisteretRoutes(app: FastifyInstance, platform: Platform): Promise<void> {
  const api = `${platform.config.PUBLIC_URL}/enhetsregisteret/api`;
  const selfUrl = (url: string) => new URL(url, platform.config.PUBLIC_URL);

  app.get<{ Querystring: SearchQuery }>(
    '/enhetsregisteret/api/enheter',
    {
      schema: {
        tags,
        summary: 'Search hovedenheter',
        description: 'HAL page of enheter whose name contains `navn` (case-insensitive), optionally filtered by organisasjonsform and overordnetEnhet, ordered by name. `_embedded` is absent when nothing matches.',
        querystring: searchQuery,
        response: { 200: open('HAL page: { _embedded: { enheter }, _links, page }') },
      },
    },
    async (request) => searchEnheter(platform.db, api, selfUrl(request.url), toSearch(request.query)),
  );

  app.get<{ Params: { organisasjonsnummer: string } }>(
    '/enhetsregisteret/api/enheter/:organisasjonsnummer',
    {
      schema: {
        tags,
        summary: 'Get a hovedenhet',
        description: '404 REGISTERS_ORGANISATION_NOT_FOUND when unknown; 400 REGISTERS_INVALID_ORGANISASJONSNUMMER naming the failed rule when malformed.',
        params: orgnrParams,
        response: { 200: open('Enhet') },
      },
    },
    async (request) => getEnhet(platform.db, api, request.params.organisasjonsnummer),
  );

  app.get<{ Params: { organisasjonsnummer: string } }>(
    '/enhetsregisteret/api/enheter/:organisasjonsnummer/roller',
    {
      schema: {
        tags,
        summary: 'Get the roles of a hovedenhet',
        description: 'Role groups (DAGL, STYR, REVI, REGN…) with their roles held by persons (birth date and name) or organisations.',
        params: orgnrParams,
        response: { 200: open('{ rollegrupper: [...], _links }') },
      },
    },
    async (request) => getRoller(platform.db, api, request.params.organisasjonsnummer),
  );

  app.get<{ Querystring: SearchQuery }>(
    '/enhetsregisteret/api/underenheter',
    {
      schema: {
        tags,
        summary: 'Search underenheter',
        description: 'As /enheter, over underenheter (filter `overordnetEnhet` lists the underenheter of a hovedenhet).',
        querystring: searchQuery,
        response: { 200: open('HAL page: { _embedded: { underenheter }, _links, page }') },
      },
    },
    async (request) => searchUnderenheter(platform.db, api, selfUrl(request.url), toSearch(request.query)),
  );

  app.get<{ Params: { organisasjonsnummer: string } }>(
    '/enhetsregisteret/api/underenheter/:organisasjonsnummer',
    {
      schema: {
        tags,
        summary: 'Get an underenhet',
        description: '404 REGISTERS_UNDERENHET_NOT_FOUND when unknown; 400 REGISTERS_INVALID_ORGANISASJONSNUMMER when malformed.',
        params: orgnrParams,
        response: { 200: open('Underenhet') },
      },
    },
    async (request) => getUnderenhet(platform.db, api, request.params.organisasjonsnummer),
  );
}
