/**
 * JSON schemas of the ID-porten client admin API, with Digdir's field names. Bodies are strict
 * (`additionalProperties: false`; the kernel does not coerce body types) but only check types and
 * sizes: Digdir's rules (URIs, combinations, lifetimes, keys) are checked by the domain, which
 * answers `IDPORTEN_INVALID_CLIENT` listing every broken rule.
 *
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_api_admin, oidc_func_clientreg
 */

const iso = { type: 'string', format: 'date-time', description: 'ISO 8601' } as const;
const text = (maxLength: number, description: string) => ({ type: 'string', maxLength, description }) as const;
const nullableText = (maxLength: number, description: string) => ({ type: ['string', 'null'], maxLength, description }) as const;
const seconds = (description: string) => ({ type: 'integer', description: `${description}, seconds` }) as const;
const uriList = (description: string) => ({ type: 'array', maxItems: 100, items: { type: 'string', maxLength: 2000 }, description }) as const;

const jwkProperties = {
  kty: { type: 'string', description: '"RSA"' },
  kid: { type: 'string', description: 'Chosen by you: letters, digits and ._- ; unique across all ID-porten clients' },
  alg: { type: 'string', description: 'RS256, RS384 or RS512 (optional)' },
  use: { type: 'string', description: '"sig" (optional)' },
  key_ops: { type: 'array', items: { type: 'string' } },
  n: { type: 'string' },
  e: { type: 'string' },
  x5c: { type: 'array', items: { type: 'string' }, description: 'Optional certificate chain holding the key' },
  x5t: { type: 'string' },
  'x5t#S256': { type: 'string' },
  exp: { type: 'integer', description: 'Epoch seconds when the key stops being accepted; at most one year after posting; default one year' },
} as const;

/** A posted JWK Set (RFC 7517 §5). Private members are listed so they get the domain's clear error, not a schema error. */
export const jwksBody = {
  type: 'object',
  additionalProperties: false,
  required: ['keys'],
  properties: {
    keys: {
      type: 'array',
      maxItems: 100,
      description: '1–5 public RSA keys (2048–8192 bits); replaces the whole set',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          ...jwkProperties,
          d: { type: 'string' },
          p: { type: 'string' },
          q: { type: 'string' },
          dp: { type: 'string' },
          dq: { type: 'string' },
          qi: { type: 'string' },
          oth: { type: 'array' },
          k: { type: 'string' },
        },
      },
    },
  },
} as const;

/** A key set as answered. */
export const jwksSchema = {
  type: 'object',
  required: ['keys'],
  properties: { keys: { type: 'array', items: { type: 'object', properties: jwkProperties } } },
} as const;

/** POST /idporten/clients and PUT /idporten/clients/{client_id} body. */
export const clientBody = {
  type: 'object',
  additionalProperties: false,
  required: ['client_name', 'redirect_uris'],
  properties: {
    client_name: text(200, 'Name of the client (1–200 characters)'),
    display_name: nullableText(200, 'Name shown to the user on the login pages (Digdir: the organisation’s name)'),
    description: nullableText(2000, 'Free text'),
    client_uri: nullableText(2000, 'The service’s home page'),
    client_orgno: text(64, 'Owner (organisasjonsnummer); default your organisation; another one needs idporten:dcr.supplier; cannot change'),
    supplier_orgno: nullableText(64, 'Set automatically to your organisation when you create a client for a customer; cannot change'),
    integration_type: text(64, '"idporten" (default) or "api_klient"; cannot change'),
    application_type: text(64, '"web" (default), "browser" or "native"'),
    redirect_uris: uriList('Exact-match redirect URIs (https; http://localhost in test mode; reverse-domain schemes for native apps)'),
    post_logout_redirect_uris: uriList('Where logout may send the browser back to'),
    frontchannel_logout_uri: nullableText(2000, 'Front-channel logout URL, on the host of a redirect URI'),
    frontchannel_logout_session_required: { type: 'boolean', description: 'Send iss and sid to frontchannel_logout_uri, and sid in ID tokens (default false)' },
    scopes: { type: 'array', maxItems: 200, items: { type: 'string', maxLength: 255 }, description: 'Scopes the client may ask for; openid is added (default ["openid","profile"])' },
    grant_types: { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 200 }, description: 'authorization_code (required) and refresh_token' },
    token_endpoint_auth_method: text(64, 'client_secret_basic (default), client_secret_post, private_key_jwt, or none (browser/native only)'),
    jwks: { ...jwksBody, description: 'For private_key_jwt: the public keys (also at /jwks); PUT without jwks keeps the registered ones' },
    authorization_lifetime: seconds('How long a login may be refreshed (default 7200)'),
    access_token_lifetime: seconds('Access-token lifetime (default 120, at most 7200)'),
    refresh_token_lifetime: seconds('Refresh-token inactivity lifetime (default 600, at most authorization_lifetime)'),
    sso_disabled: { type: 'boolean', description: 'Isolated session, no single sign-on (default false)' },
    code_challenge_method: text(16, '"S256" (default; PKCE required) or "none" (opt out of PKCE)'),
    client_id: text(255, 'Assigned by ID-porten; PUT: must match the path when sent'),
    client_secret: text(255, 'Assigned by ID-porten; refused here (rotate with /secret)'),
    client_secret_expires_at: { type: 'integer', description: 'Read-only; ignored' },
    active: { type: 'boolean', description: 'Read-only; ignored' },
    created: { ...iso, description: 'Read-only; ignored' },
    last_updated: { ...iso, description: 'Read-only; ignored' },
  },
} as const;

/** A client as answered (Digdir's client model for ID-porten clients). */
export const clientSchema = {
  type: 'object',
  required: [
    'client_id', 'client_name', 'client_orgno', 'integration_type', 'application_type', 'redirect_uris', 'post_logout_redirect_uris',
    'frontchannel_logout_session_required', 'scopes', 'grant_types', 'token_endpoint_auth_method', 'authorization_lifetime',
    'access_token_lifetime', 'refresh_token_lifetime', 'sso_disabled', 'code_challenge_method', 'active', 'created', 'last_updated',
  ],
  properties: {
    client_id: { type: 'string' },
    client_name: { type: 'string' },
    display_name: { type: 'string' },
    description: { type: 'string' },
    client_uri: { type: 'string' },
    client_orgno: { type: 'string' },
    supplier_orgno: { type: 'string' },
    integration_type: { type: 'string' },
    application_type: { type: 'string' },
    redirect_uris: { type: 'array', items: { type: 'string' } },
    post_logout_redirect_uris: { type: 'array', items: { type: 'string' } },
    frontchannel_logout_uri: { type: 'string' },
    frontchannel_logout_session_required: { type: 'boolean' },
    scopes: { type: 'array', items: { type: 'string' } },
    grant_types: { type: 'array', items: { type: 'string' } },
    token_endpoint_auth_method: { type: 'string' },
    client_secret: { type: 'string', description: 'Only in the answer to POST /clients, POST /clients/{id}/secret, and a PUT that issued a new secret' },
    client_secret_expires_at: { type: 'integer', description: 'Epoch seconds when the secret stops being accepted (RFC 7591)' },
    authorization_lifetime: { type: 'integer' },
    access_token_lifetime: { type: 'integer' },
    refresh_token_lifetime: { type: 'integer' },
    sso_disabled: { type: 'boolean' },
    code_challenge_method: { type: 'string' },
    active: { type: 'boolean' },
    created: iso,
    last_updated: iso,
  },
} as const;

/** A boolean query flag as Digdir writes it (`inactive=TRUE`), any letter case. */
export const flag = (description: string) =>
  ({ type: 'string', pattern: '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$', description: `${description} (TRUE/FALSE, any case)` }) as const;
