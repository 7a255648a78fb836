/**
 * JSON schemas of the self-service API, with Digdir's field names. Bodies are strict
 * (`additionalProperties: false`; the kernel does not coerce body types). Rules the schema cannot
 * say precisely (organisasjonsnummer check digit, scope name syntax, key rules, field
 * combinations) are checked by the domain, which answers with a `MASKINPORTEN_*` code.
 *
 * @see https://docs.digdir.no/docs/idporten/oidc/oidc_api_admin, oidc_api_admin_maskinporten
 */

const iso = { type: 'string', format: 'date-time', description: 'ISO 8601' } as const;
const orgno = (description: string) => ({ type: 'string', maxLength: 64, description: `${description} (organisasjonsnummer, 9 digits)` }) as const;
const text = (maxLength: number, description: string) => ({ type: 'string', maxLength, description }) as const;
const nullableText = (maxLength: number, description: string) => ({ type: ['string', 'null'], maxLength, description }) as const;
const seconds = (description: string) => ({ type: 'integer', minimum: 0, description: `${description}, seconds` }) as const;

/** A boolean query flag as Digdir writes it (`inactive=TRUE`), any letter case. */
export const flag = (description: string) =>
  ({ type: 'string', pattern: '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$', description: `${description} (TRUE/FALSE, any case)` }) as const;

/** `"TRUE"`/`"true"` → true; absent → undefined. */
export function parseFlag(value: string | undefined): boolean | undefined {
  return value === undefined ? undefined : value.toLowerCase() === 'true';
}

const scopeAttributeProperties = {
  description: text(4000, 'Short description (shown in consent dialogues for ID-porten scopes)'),
  long_description: nullableText(20_000, 'Longer description; basic Markdown'),
  delegation_source: nullableText(2000, 'https URL of the delegation register (Altinn: https://www.altinn.no/); when set, consumers may delegate their access to suppliers'),
  accessible_for_all: { type: 'boolean', description: 'Every organisation may use the scope without an access grant (default false)' },
  allowed_integration_types: {
    type: 'array',
    maxItems: 10,
    items: { type: 'string', maxLength: 64 },
    description: 'Integration types whose clients may use the scope (maskinporten, idporten, api_klient, krr, eformidling, ansattporten); empty = all',
  },
  at_max_age: { ...seconds('Longest access-token lifetime for this scope (0 = no cap; at most 86400)'), type: ['integer', 'null'] },
  authorization_max_lifetime: { ...seconds('Longest authorization lifetime (0 = no cap; at most 86400)'), type: ['integer', 'null'] },
  visibility: { type: 'string', enum: ['PUBLIC', 'PRIVATE', 'INTERNAL'], description: 'PUBLIC: listed on /scopes/all (default); PRIVATE: only the owner and consumers with access see it' },
  token_type: { type: 'string', enum: ['SELF_CONTAINED', 'OPAQUE'], description: 'Maskinporten always issues self-contained (JWT) tokens (default SELF_CONTAINED)' },
  requires_user_consent: { type: 'boolean' },
  requires_user_authentication: { type: 'boolean' },
  requires_pseudonymous_tokens: { type: 'boolean' },
  active: { type: 'boolean', description: 'POST: default true. PUT: absent keeps the state; true reactivates a deactivated scope' },
  name: text(255, 'prefix:subscope; read-only (must match prefix and subscope when sent)'),
  owner_orgno: orgno('Owner; read-only (must be your organisation when sent)'),
  created: { ...iso, description: 'Read-only; ignored' },
  last_updated: { ...iso, description: 'Read-only; ignored' },
} as const;

/** POST /scopes body. */
export const scopeCreateBody = {
  type: 'object',
  additionalProperties: false,
  required: ['prefix', 'subscope', 'description'],
  properties: {
    prefix: text(64, 'Prefix assigned to your organisation ([a-z0-9]+)'),
    subscope: text(255, 'Chosen by you; never renamed. Lower-case letters and digits separated by / . _ - :'),
    ...scopeAttributeProperties,
  },
} as const;

/** PUT /scopes?scope=… body (a full replacement of the attributes). */
export const scopeUpdateBody = {
  type: 'object',
  additionalProperties: false,
  required: ['description'],
  properties: {
    prefix: text(64, 'Read-only (must match when sent)'),
    subscope: text(255, 'Read-only (must match when sent)'),
    ...scopeAttributeProperties,
  },
} as const;

/** A scope as answered (the fields of Digdir's `/api/v1/scopes/all`). */
export const scopeSchema = {
  type: 'object',
  required: [
    'name', 'prefix', 'subscope', 'description', 'active', 'created', 'last_updated', 'allowed_integration_types', 'owner_orgno',
    'token_type', 'visibility', 'requires_user_consent', 'requires_user_authentication', 'requires_pseudonymous_tokens', 'accessible_for_all',
  ],
  properties: {
    name: { type: 'string' },
    prefix: { type: 'string' },
    subscope: { type: 'string' },
    description: { type: 'string' },
    long_description: { type: 'string' },
    active: { type: 'boolean' },
    created: iso,
    last_updated: iso,
    allowed_integration_types: { type: 'array', items: { type: 'string' } },
    owner_orgno: { type: 'string' },
    token_type: { type: 'string' },
    visibility: { type: 'string' },
    requires_user_consent: { type: 'boolean' },
    requires_user_authentication: { type: 'boolean' },
    requires_pseudonymous_tokens: { type: 'boolean' },
    delegation_source: { type: 'string' },
    at_max_age: { type: 'integer' },
    authorization_max_lifetime: { type: 'integer' },
    accessible_for_all: { type: 'boolean' },
  },
} as const;

/** An access grant as answered. */
export const scopeAccessSchema = {
  type: 'object',
  required: ['scope', 'state', 'consumer_orgno', 'owner_orgno', 'created', 'last_updated'],
  properties: {
    scope: { type: 'string' },
    state: { type: 'string', enum: ['APPROVED'] },
    consumer_orgno: { type: 'string' },
    owner_orgno: { type: 'string' },
    created: iso,
    last_updated: iso,
  },
} as const;

/** A scope prefix as answered. */
export const prefixSchema = {
  type: 'object',
  required: ['prefix', 'owner_orgno', 'created'],
  properties: { prefix: { type: 'string' }, owner_orgno: { type: 'string' }, created: iso },
} as const;

/** A delegation as answered. */
export const delegationSchema = {
  type: 'object',
  required: ['scope', 'consumer_orgno', 'supplier_orgno', 'delegation_source', 'created'],
  properties: {
    scope: { type: 'string' },
    consumer_orgno: { type: 'string', description: 'The customer that delegated its access' },
    supplier_orgno: { type: 'string', description: 'The supplier that may act for the customer' },
    delegation_source: { type: 'string' },
    created: iso,
  },
} as const;

const uriList = (description: string) => ({ type: 'array', maxItems: 100, items: { type: 'string', maxLength: 2000 }, description }) as const;

/** POST /clients and PUT /clients/{client_id} body. */
export const clientBody = {
  type: 'object',
  additionalProperties: false,
  required: ['client_name'],
  properties: {
    client_name: { type: 'string', minLength: 1, maxLength: 255 },
    description: nullableText(2000, 'Free text'),
    client_orgno: orgno('Owner of the client, the consumer of its tokens; default your organisation; another one needs idporten:dcr.supplier; cannot change'),
    supplier_orgno: { ...orgno('Your organisation, when you create a client for a customer; set automatically'), type: ['string', 'null'] },
    integration_type: text(64, 'Required on POST: "maskinporten"; cannot change'),
    application_type: text(64, '"web"'),
    scopes: { type: 'array', maxItems: 200, items: { type: 'string', maxLength: 255 }, description: 'Scopes the client may ask for' },
    token_endpoint_auth_method: text(64, '"private_key_jwt"'),
    grant_types: { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 200 }, description: '["urn:ietf:params:oauth:grant-type:jwt-bearer"]' },
    access_token_lifetime: seconds('Token lifetime (0 = default 120; at most 86400; each scope’s at_max_age caps it)'),
    client_id: text(64, 'PUT: read-only (must match the path when sent)'),
    active: { type: 'boolean', description: 'Read-only; ignored' },
    created: { ...iso, description: 'Read-only; ignored' },
    last_updated: { ...iso, description: 'Read-only; ignored' },
    redirect_uris: uriList('ID-porten clients only: must be empty'),
    post_logout_redirect_uris: uriList('ID-porten clients only: must be empty'),
    frontchannel_logout_uri: nullableText(2000, 'ID-porten clients only: must be empty'),
    frontchannel_logout_session_required: { type: 'boolean', description: 'ID-porten clients only: must be false' },
    authorization_lifetime: seconds('ID-porten clients only: must be 0'),
    refresh_token_lifetime: seconds('ID-porten clients only: must be 0'),
    refresh_token_usage: { type: 'string', enum: ['ONETIME', 'REUSE'], description: 'ID-porten clients only; ignored' },
    client_uri: nullableText(2000, 'Ignored'),
  },
} as const;

/** A client as answered (Digdir's client model for `integration_type: maskinporten`). */
export const clientSchema = {
  type: 'object',
  required: [
    'client_id', 'client_orgno', 'integration_type', 'application_type', 'client_name', 'scopes', 'token_endpoint_auth_method',
    'grant_types', 'access_token_lifetime', 'active', 'created', 'last_updated',
  ],
  properties: {
    client_id: { type: 'string' },
    client_orgno: { type: 'string' },
    supplier_orgno: { type: 'string' },
    integration_type: { type: 'string' },
    application_type: { type: 'string' },
    client_name: { type: 'string' },
    description: { type: 'string' },
    scopes: { type: 'array', items: { type: 'string' } },
    token_endpoint_auth_method: { type: 'string' },
    grant_types: { type: 'array', items: { type: 'string' } },
    access_token_lifetime: { type: 'integer' },
    authorization_lifetime: { type: 'integer' },
    refresh_token_lifetime: { type: 'integer' },
    refresh_token_usage: { type: 'string' },
    frontchannel_logout_session_required: { type: 'boolean' },
    redirect_uris: { type: 'array', items: { type: 'string' } },
    post_logout_redirect_uris: { type: 'array', items: { type: 'string' } },
    active: { type: 'boolean' },
    created: iso,
    last_updated: iso,
  },
} as const;

const jwkProperties = {
  kty: { type: 'string', description: '"RSA"' },
  kid: { type: 'string', description: 'Chosen by you: letters, digits and ._- ; unique across all clients' },
  alg: { type: 'string', description: 'RS256, RS384 or RS512 (optional)' },
  use: { type: 'string', description: '"sig" (optional)' },
  key_ops: { type: 'array', items: { type: 'string' } },
  n: { type: 'string' },
  e: { type: 'string' },
  x5c: { type: 'array', items: { type: 'string' }, description: 'Optional certificate chain holding the key (locks the client to that certificate)' },
  x5t: { type: 'string' },
  'x5t#S256': { type: 'string' },
  exp: { type: 'integer', description: 'Epoch seconds when the key stops being accepted; at most one year after posting; default one year' },
} as const;

/** POST|PUT /clients/{client_id}/jwks body: a JWK Set (RFC 7517 §5). */
export const jwksBody = {
  type: 'object',
  additionalProperties: false,
  required: ['keys'],
  properties: {
    keys: {
      type: 'array',
      description: 'At most 5 public RSA keys; replaces the whole set',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['kid'],
        properties: {
          ...jwkProperties,
          // Listed so a private key gets MASKINPORTEN_PRIVATE_KEY_MATERIAL, not a schema error.
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

/** A client's key set as answered. */
export const jwksSchema = {
  type: 'object',
  required: ['keys'],
  properties: {
    created: iso,
    last_updated: iso,
    keys: { type: 'array', items: { type: 'object', properties: jwkProperties } },
  },
} as const;
