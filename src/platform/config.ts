/**
 * Configuration: one zod schema names every environment variable Grunnmur reads, with its
 * type, default and meaning. `loadConfig` is called once at start; nothing else reads
 * `process.env`. A bad value stops the start with the list of every problem.
 *
 * `grunnmur config` prints {@link describeConfig} as the reference.
 */
import { z } from 'zod';

const bool = (def: 'true' | 'false') =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(def)
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Every environment variable, with default and meaning (the `description`). */
export const configSchema = z.object({
  GRUNNMUR_MODE: z
    .enum(['test', 'production'])
    .default('test')
    .describe(
      'test: TestID, /outbox and other test-only pages are on; production: they are off and SMTP/SMS must be configured to send mail',
    ),
  HOST: z.string().min(1).default('127.0.0.1').describe('Address the HTTP server binds to (use 0.0.0.0 in a container)'),
  PORT: int(0, 65535).default(8080).describe('TCP port of the HTTP server (0 = any free port)'),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('Public base URL (issuer base, links in mail). Default: http://localhost:<PORT>'),
  DATABASE_URL: z
    .string()
    .min(1)
    .default('sqlite:./data/grunnmur.db')
    .refine((v) => /^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(v), {
      message: 'must start with sqlite: or postgres://',
    })
    .describe('sqlite:<file> (embedded, WAL; sqlite::memory: for a throw-away database) or postgres://user@host:port/db'),
  DATABASE_POOL_SIZE: int(1, 200).default(10).describe('PostgreSQL connection pool size per process'),
  TEST_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .describe('Tests only: when set, every database test also runs on this PostgreSQL database (each in its own schema)'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level'),
  TRUST_PROXY: z
    .string()
    .regex(
      /^(true|false|\d{1,2}|[0-9a-fA-F.:/]+(,\s*[0-9a-fA-F.:/]+)*)$/,
      'must be false, true, a hop count, or a comma-separated list of proxy addresses/CIDRs',
    )
    .default('false')
    .describe(
      'Which X-Forwarded-For/-Proto hops to believe (client IP for rate limits and logs): false (default; direct clients), true (any), a hop count, or proxy addresses/CIDRs such as 127.0.0.1,10.0.0.0/8',
    ),
  BODY_LIMIT_BYTES: int(1024, 1024 ** 3).default(1_048_576).describe('Largest accepted JSON/form request body, in bytes'),
  RATE_LIMIT_MAX: int(0, 10_000_000)
    .default(6000)
    .describe('Requests per client IP per RATE_LIMIT_WINDOW_S before 429 (0 disables the limit)'),
  RATE_LIMIT_WINDOW_S: int(1, 86_400).default(60).describe('Rate-limit window, in seconds'),
  SEED: z.string().min(1).default('grunnmur').describe('Seed of the synthetic population on first start'),
  SEED_PERSONS: int(0, 10_000_000).default(1000).describe('Persons seeded on first start on an empty database'),
  SEED_ORGS: int(0, 1_000_000).default(200).describe('Organisations seeded on first start on an empty database'),
  JOBS_ENABLED: bool('true').describe('Run the durable-job worker loop in this process'),
  JOBS_CONCURRENCY: int(1, 256).default(4).describe('Jobs this process runs at the same time'),
  JOBS_POLL_INTERVAL_MS: int(10, 60_000).default(500).describe('How often an idle worker looks for due jobs, in milliseconds'),
  JOBS_LEASE_S: int(1, 3600)
    .default(30)
    .describe('Lease of a claimed job, in seconds; a job whose worker died is claimed again after this'),
  EFORMIDLING_LOCK_TIMEOUT_S: int(1, 86_400)
    .default(300)
    .describe('eFormidling: how long GET /messages/in/peek locks a message, in seconds (the integration point: 5 minutes)'),
  EFORMIDLING_DEFAULT_TTL_H: int(1, 24 * 365)
    .default(24)
    .describe('eFormidling: time-to-live of a message whose SBD has no expectedResponseDateTime, in hours (the integration point: 24)'),
  EFORMIDLING_MAX_FILE_BYTES: int(1, 10 * 1024 ** 3)
    .default(1024 ** 3)
    .describe('eFormidling: largest file one PUT /messages/out/{messageId} may stream, in bytes (multipart parts: 5 MiB)'),
  EFORMIDLING_EXPIRY_SWEEP_S: int(1, 86_400)
    .default(10)
    .describe('eFormidling: how often messages whose time-to-live passed are ended (LEVETID_UTLOPT), in seconds'),
  EFORMIDLING_WEBHOOK_PRIVATE_ADDRESSES: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true'))
    .describe(
      'eFormidling: whether webhook push endpoints may be loopback, private, link-local or other non-public addresses (true/false). Unset: allowed with GRUNNMUR_MODE=test, refused in production, so a tenant cannot probe the internal network',
    ),
  KEY_ROTATION_INTERVAL_S: int(60, 10 * 365 * 86_400)
    .default(30 * 86_400)
    .describe('Signing keys are rotated this often, in seconds (default 30 days)'),
  KEY_ALGORITHM: z.enum(['RS256', 'ES256']).default('RS256').describe('Algorithm of new signing keys'),
  MASKINPORTEN_ISSUER: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      "The Maskinporten whose access tokens the APIs accept, as its issuer URL (e.g. https://test.maskinporten.no/ or another Grunnmur's <PUBLIC_URL>/maskinporten/); keys fetched from <issuer>jwk. Unset = this Grunnmur's own Maskinporten (<PUBLIC_URL>/maskinporten/, keys read from the database)",
    ),
  MASKINPORTEN_JWKS_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('JWKS URL of MASKINPORTEN_ISSUER when it is not <issuer>jwk (only with MASKINPORTEN_ISSUER)'),
  MASKINPORTEN_MAX_ASSERTION_LIFETIME_S: int(1, 3600)
    .default(120)
    .describe(
      'Longest exp - iat of a JWT grant at /maskinporten/token, in seconds (Digdir documents 120; integrators report the real service accepts 180)',
    ),
  MASKINPORTEN_REGISTRY_CACHE_TTL_MS: int(0, 120_000)
    .default(2000)
    .describe(
      "How long Maskinporten's token endpoint reuses what it read of the registry (client, key, scopes, access grants, delegations), in milliseconds; changes made in another process reach this one's grants within this time (0 = read on every grant)",
    ),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional()
    .describe('Send e-mail over SMTP (nodemailer URL, e.g. smtp://user:pass@host:587); unset = store in the dev outbox'),
  SMTP_FROM: z.string().min(3).default('Grunnmur <noreply@grunnmur.localhost>').describe('From address of e-mail'),
  SMS_GATEWAY_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('Send SMS by POSTing JSON {to, from, message} to this URL; unset = store in the dev outbox'),
  SMS_GATEWAY_TOKEN: z.string().min(1).optional().describe('Bearer token sent to SMS_GATEWAY_URL'),
  SMS_SENDER: z.string().min(1).max(11).default('Grunnmur').describe('SMS sender id (at most 11 characters)'),
  MINID_ARGON2_MEMORY_KIB: int(8, 4_194_304)
    .default(19_456)
    .describe(
      'Argon2id memory cost of new MinID password hashes, in KiB (default 19456 = 19 MiB, OWASP; lower only to speed up tests). Stored hashes keep their own parameters and are re-hashed at the next login',
    ),
  MINID_ARGON2_PASSES: int(1, 100)
    .default(2)
    .describe('Argon2id time cost (passes) of new MinID password hashes (default 2, OWASP with 19 MiB; use 1 with 46 MiB)'),
});

/** The validated configuration (the parsed {@link configSchema}). */
export type Config = z.output<typeof configSchema> & { PUBLIC_URL: string };

/** Thrown by {@link loadConfig} with one line per bad variable. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Parses the environment into a {@link Config}. Empty strings count as unset.
 *
 * @param env usually `process.env`; only the variables in {@link configSchema} are read
 * @param overrides values that win over `env` (CLI flags such as `--port`)
 * @throws ConfigError listing every invalid variable as `NAME: problem (got "value")`
 */
export function loadConfig(
  env: Record<string, string | undefined>,
  overrides: Partial<Record<keyof typeof configSchema.shape, string>> = {},
): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = (overrides as Record<string, string | undefined>)[key] ?? env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?');
      const got = input[name];
      const shown = name.includes('TOKEN') || name === 'SMTP_URL' ? '***' : got;
      return `${name}: ${issue.message}${got === undefined ? '' : ` (got "${shown}")`}`;
    });
    throw new ConfigError(problems);
  }
  const cfg = parsed.data;
  if (cfg.MASKINPORTEN_JWKS_URL !== undefined && cfg.MASKINPORTEN_ISSUER === undefined) {
    throw new ConfigError(["MASKINPORTEN_JWKS_URL: only allowed together with MASKINPORTEN_ISSUER (the own Maskinporten's keys are read from the database)"]);
  }
  const publicUrl = (cfg.PUBLIC_URL ?? `http://localhost:${cfg.PORT}`).replace(/\/+$/, '');
  return { ...cfg, PUBLIC_URL: publicUrl };
}

/**
 * The issuer (`iss`) of the Maskinporten whose access tokens this process's APIs accept, always
 * with a trailing slash like the real `https://maskinporten.no/`: `MASKINPORTEN_ISSUER` when set,
 * else this Grunnmur's own Maskinporten ({@link ownMaskinportenIssuer}).
 *
 * @see specs/idporten-maskinporten.md §3 "Endpoints" (issuer with a trailing slash)
 */
export function maskinportenIssuer(config: Pick<Config, 'PUBLIC_URL' | 'MASKINPORTEN_ISSUER'>): string {
  const issuer = config.MASKINPORTEN_ISSUER ?? ownMaskinportenIssuer(config);
  return issuer.endsWith('/') ? issuer : `${issuer}/`;
}

/**
 * The issuer this Grunnmur's own Maskinporten signs its tokens under, `<PUBLIC_URL>/maskinporten/`
 * (with the trailing slash, like the real one), whatever `MASKINPORTEN_ISSUER` says. With
 * `MASKINPORTEN_ISSUER` unset it is also the issuer the APIs accept.
 *
 * @see specs/idporten-maskinporten.md §3 "Endpoints"
 */
export function ownMaskinportenIssuer(config: Pick<Config, 'PUBLIC_URL'>): string {
  return `${config.PUBLIC_URL}/maskinporten/`;
}

/** One row of the configuration reference. */
export interface ConfigReferenceRow {
  name: string;
  type: string;
  default: string | undefined;
  description: string;
}

/** The configuration reference, one row per variable, in schema order. */
export function describeConfig(): ConfigReferenceRow[] {
  return Object.entries(configSchema.shape).map(([name, schema]) => {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    const type = Array.isArray(json.enum)
      ? (json.enum as string[]).join(' / ')
      : json.type === 'number' || json.type === 'integer'
        ? 'integer'
        : 'string';
    const def = json.default === undefined ? undefined : String(json.default);
    return { name, type, default: def, description: schema.description ?? '' };
  });
}

/** The reference as Markdown table (used by `grunnmur config --markdown` and the README). */
export function configReferenceMarkdown(): string {
  const rows = describeConfig().map(
    (r) => `| \`${r.name}\` | ${r.type} | ${r.default === undefined ? '—' : `\`${r.default}\``} | ${r.description} |`,
  );
  return ['| Variable | Type | Default | Meaning |', '|---|---|---|---|', ...rows].join('\n');
}
