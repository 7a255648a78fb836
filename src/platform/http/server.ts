/**
 * The Fastify server factory: request ids, problem+json errors, helmet headers, rate limiting,
 * health endpoints, Prometheus metrics, OpenAPI per component, and every component's plugin
 * in its own encapsulated context.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type preValidationHookHandler } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import rateLimit from '@fastify/rate-limit';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import { Histogram } from 'prom-client';
import { Ajv, type Options as AjvOptions } from 'ajv';
import ajvFormats from 'ajv-formats';
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { openApiSecuritySchemes } from '../auth/require-scopes.ts';
import { platformError } from '../errors.ts';
import { runHealthChecks } from '../health.ts';
import { accessLogWriter, requestLoggerFactory } from '../log.ts';
import type { Platform } from '../platform.ts';
import { problemErrorHandler, problemType } from './problem.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Options of {@link createHttpServer}. */
export interface HttpServerOptions {
  /** Extra kernel plugins registered at the root before the components (UI static files, outbox pages…). */
  kernelPlugins?: Array<(app: FastifyInstance, platform: Platform) => Promise<void>>;
}

/**
 * Builds the HTTP server for a platform and its components. Does not listen: call
 * `app.listen()` (or use `app.inject()` in tests).
 *
 * Kernel routes: `GET /health/live` (process is up), `GET /health/ready` (database answers and
 * every component's `checkHealth` passes; 503 problem+json otherwise), `GET /metrics`
 * (Prometheus text format), `GET /openapi.json` and `GET /<component>/openapi.json`.
 */
export async function createHttpServer(platform: Platform, options: HttpServerOptions = {}): Promise<FastifyInstance> {
  const { config } = platform;
  const app: FastifyInstance = Fastify({
    loggerInstance: platform.log as unknown as FastifyBaseLogger,
    // request.log makes its pino child only when the request logs something of its own.
    childLoggerFactory: requestLoggerFactory,
    bodyLimit: config.BODY_LIMIT_BYTES,
    // One access-log line per request (onResponse below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: trustProxySetting(config.TRUST_PROXY),
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true },
    clientErrorHandler: clientErrorProblem,
  });
  app.setValidatorCompiler(validatorCompiler());
  // JSON and forms only: a text/plain body on a JSON endpoint is a 415, not a schema error.
  app.removeContentTypeParser('text/plain');
  // No NUL (U+0000) in any text we take in: PostgreSQL cannot store it in text columns (and
  // SQLite can), so it would be a 500 on one engine and stored data on the other. JSON can only
  // carry it escaped as \u0000; Fastify's own parser (prototype-poisoning checks included) does the rest.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if ((body as string).includes('\\u0000')) {
      done(platformError('PLATFORM_VALIDATION_FAILED', NUL_MESSAGE), undefined);
      return;
    }
    parseJson(request, body as string, done);
  });

  app.setErrorHandler(problemErrorHandler);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = METHODS.filter((method) => method !== request.method && app.findRoute({ method, url: path }) !== null);
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return problemErrorHandler(
        platformError('PLATFORM_METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`),
        request,
        reply,
      );
    }
    return problemErrorHandler(platformError('PLATFORM_NOT_FOUND', `No resource at ${request.method} ${path}`), request, reply);
  });

  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [platform.metrics],
  });
  // Hooks in callback style: they run on every request, and a promise per hook costs.
  const headers = securityHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: null,
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers);
    reply.header('x-request-id', request.id);
    done(request.url.includes('%00') ? platformError('PLATFORM_VALIDATION_FAILED', NUL_MESSAGE) : undefined);
  });
  // Form bodies (the OAuth endpoints): the same rule as for JSON above, on the routes that can
  // take a body only (a hook phase costs every request that runs it, and a GET has no body).
  const refuseNulInForm: preValidationHookHandler = (request, _reply, done) => {
    const form = request.headers['content-type']?.startsWith('application/x-www-form-urlencoded') === true;
    done(form && request.body !== null && typeof request.body === 'object' && hasNul(request.body) ? platformError('PLATFORM_VALIDATION_FAILED', NUL_MESSAGE) : undefined);
  };
  app.addHook('onRoute', (route) => {
    if ([route.method].flat().every((method) => BODYLESS_METHODS.has(method))) return;
    route.preValidation = [refuseNulInForm, ...[route.preValidation ?? []].flat()];
  });
  const { log } = platform;
  const writeAccessLog = accessLogWriter(log);
  app.addHook('onResponse', (request, reply, done) => {
    const { method, url } = request;
    const status = reply.statusCode;
    const ms = reply.elapsedTime;
    duration.observe({ method, route: request.routeOptions.url ?? 'unmatched', status }, ms / 1000);
    // One access-log line: the line request.log would write (its child puts reqId first),
    // without making the child, unless the route has a log level of its own.
    if (request.log.level === log.level) writeAccessLog({ reqId: request.id, method, url, status, ms: Math.round(ms * 10) / 10 });
    else request.log.info({ method, url, status, ms: Math.round(ms * 10) / 10 }, 'request');
    done();
  });

  if (config.RATE_LIMIT_MAX > 0) {
    await app.register(rateLimit, {
      global: true,
      max: config.RATE_LIMIT_MAX,
      timeWindow: config.RATE_LIMIT_WINDOW_S * 1000,
    });
  }
  await app.register(formbody, { bodyLimit: config.BODY_LIMIT_BYTES });
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Grunnmur', version: '0.1.0', description: "Norway's common digital components, self-hosted" },
      servers: [{ url: config.PUBLIC_URL }],
      components: { securitySchemes: openApiSecuritySchemes(config) },
    },
  });

  // Health checks are never rate limited (load balancers poll them): `rateLimit: false` leaves
  // them out of the limiter, where an `allowList` function would cost every other request an await.
  app.get(
    '/health/live',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['platform'],
        summary: 'Liveness: the process answers',
        response: { 200: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['UP'] } } } },
      },
    },
    async () => ({ status: 'UP' }),
  );
  app.get(
    '/health/ready',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['platform'],
        summary: 'Readiness: the database and every served component are up, each checked within 2 s (503 problem+json otherwise, with `checks`)',
        response: {
          200: {
            type: 'object',
            required: ['status', 'checks'],
            properties: {
              status: { type: 'string', enum: ['UP'] },
              checks: { type: 'object', additionalProperties: { type: 'string', enum: ['UP', 'DOWN'] } },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const report = await runHealthChecks(platform, platform.components, {
        onFailure: (name, err) => request.log.warn({ err, check: name }, 'readiness: check failed'),
      });
      const checks = { database: report.database, ...report.checks };
      const ok = Object.values(checks).every((state) => state === 'UP');
      if (!ok) {
        return problemErrorHandler(
          platformError('PLATFORM_NOT_READY', 'A dependency is down', { extra: { checks }, expose: true }),
          request,
          reply,
        );
      }
      return { status: 'UP', checks };
    },
  );
  app.get('/metrics', { schema: { tags: ['platform'], summary: 'Prometheus metrics (text exposition format)' } }, async (_request, reply) => {
    reply.type(platform.metrics.contentType);
    return platform.metrics.metrics();
  });

  for (const plugin of options.kernelPlugins ?? []) await plugin(app, platform);

  for (const component of platform.components) {
    await app.register(component.plugin, { platform });
  }

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  for (const component of platform.components) {
    for (const path of component.paths) {
      app.get(`${path}/openapi.json`, { schema: { hide: true } }, async () => openApiFor(app, component.paths, component.title.en));
    }
  }
  return app;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
/** Methods whose requests Fastify never reads a body for. */
const BODYLESS_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'TRACE']);

const NUL_MESSAGE = 'Text may not contain the NUL character (U+0000, %00 or \\u0000)';

/** True when a parsed form body (string values or arrays of them) holds a NUL character. */
function hasNul(body: object): boolean {
  for (const value of Object.values(body)) {
    if (typeof value === 'string' ? value.includes('\0') : Array.isArray(value) && value.some((v) => typeof v === 'string' && v.includes('\0'))) return true;
  }
  return false;
}

/**
 * Fastify's `trustProxy` from `TRUST_PROXY`: `false`/`true`, a hop count, or a list of proxy
 * addresses/CIDRs. Default `false`: a client cannot pick its own IP (and rate-limit bucket) with
 * `X-Forwarded-For`.
 */
export function trustProxySetting(value: string): boolean | string | ((address: string, hop: number) => boolean) {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return value;
}

/**
 * Request validation: bodies are validated strictly (no type coercion: `"orgnr": 991825827` is
 * not a string), while path parameters and query strings, which are always text on the wire,
 * are coerced to the schema's types. Formats (`date-time`, `email`, `uri`…) from ajv-formats.
 */
function validatorCompiler(): (route: { schema: object; httpPart?: string }) => (data: unknown) => boolean {
  const base: AjvOptions = { allErrors: true, useDefaults: true, removeAdditional: false, strict: false };
  const strict = new Ajv({ ...base, coerceTypes: false });
  const coercing = new Ajv({ ...base, coerceTypes: 'array' });
  const addFormats = ((ajvFormats as unknown as { default?: typeof ajvFormats }).default ?? ajvFormats) as unknown as (a: Ajv) => void;
  addFormats(strict);
  addFormats(coercing);
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema);
}

/**
 * Answers errors that happen before a request exists (HTTP parser errors: headers too large,
 * malformed request line, bad Content-Length, timeouts) as problem+json, like every other error.
 */
function clientErrorProblem(this: FastifyInstance, err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, title] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'PLATFORM_HEADERS_TOO_LARGE', 'The request line or headers are larger than this server accepts (16 KiB)']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'PLATFORM_REQUEST_TIMEOUT', 'The request was not received in time']
        : [400, 'PLATFORM_BAD_REQUEST', 'The request is not valid HTTP/1.1'];
  const body = JSON.stringify({
    type: problemType(code),
    title,
    status,
    code,
  });
  this.log.debug({ err }, 'client error');
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

/**
 * Helmet's security headers (CSP, HSTS, X-Content-Type-Options, Referrer-Policy, …), worked out
 * once: none of them depends on the request, and `@fastify/helmet` re-runs `helmet()` on every
 * request (about 40 % of the kernel's per-request cost in `npm run bench http-core`).
 *
 * @param options helmet's options
 * @returns lower-case header name → value, exactly as helmet would set them
 * @see https://helmetjs.github.io/
 */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string) => {
      headers[name.toLowerCase()] = value;
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, () => {});
  return headers;
}

/** The OpenAPI document restricted to the paths under the given prefixes. */
function openApiFor(app: FastifyInstance, prefixes: string[], title: string): unknown {
  const doc = app.swagger() as { info: Record<string, unknown>; paths?: Record<string, unknown> };
  const paths = Object.fromEntries(
    Object.entries(doc.paths ?? {}).filter(([p]) => prefixes.some((prefix) => p === prefix || p.startsWith(`${prefix}/`))),
  );
  return { ...doc, info: { ...doc.info, title: `Grunnmur ${title}` }, paths };
}
