/**
 * `grunnmur client create --integration-type idporten`: an ID-porten client for local work in one
 * command, without the admin API. It registers the client for the organisation as Digdir's
 * servicedesk would (the same rules as `POST /idporten/clients`) and prints what a relying party
 * needs: client_id, client_secret (shown once), issuer, discovery URL, and an example
 * authorization URL with PKCE. With `--auth-method private_key_jwt` it generates an RSA key,
 * registers its public half and writes the private key to `--out DIR` (default
 * `data/clients/<client_id>`).
 *
 * `grunnmur client create` without `--integration-type` (or with `maskinporten`) stays the
 * Maskinporten command (`maskinporten-commands.ts`).
 *
 * @see specs/idporten-maskinporten.md §1 "Client registration"; issue #3 item 5
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import pino from 'pino';
import { createPlatform } from '../platform/boot.ts';
import { loadConfig } from '../platform/config.ts';
import { IDPORTEN_INTEGRATION_TYPES, idportenComponent, idportenIssuer, registerIdportenClient, TOKEN_ENDPOINT_AUTH_METHODS } from '../idporten/index.ts';
import { checkOrganisasjonsnummer, findOrganisationName } from '../registers/index.ts';
import { CliError, CliUsageError } from './maskinporten-commands.ts';

/**
 * The value of `--integration-type` (or `--integration-type=…`) in `args`, and the arguments
 * without it; undefined when it is not given.
 */
export function takeIntegrationType(args: string[]): { integrationType: string | undefined; rest: string[] } {
  const rest: string[] = [];
  let integrationType: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--integration-type') {
      integrationType = args[i + 1];
      if (integrationType === undefined || integrationType.startsWith('--')) throw new CliUsageError('--integration-type needs a value (maskinporten, idporten or api_klient)');
      i++;
    } else if (arg.startsWith('--integration-type=')) {
      integrationType = arg.slice('--integration-type='.length);
    } else {
      rest.push(arg);
    }
  }
  return { integrationType, rest };
}

/**
 * `grunnmur client create --integration-type idporten|api_klient --org ORGNR --redirect-uri URL
 * [--redirect-uri URL…] [--post-logout-redirect-uri URL…] [--auth-method M] [--name NAME]
 * [--scopes a,b] [--out DIR] [--port N]`.
 *
 * @param args the arguments after `client create`, without `--integration-type`
 * @throws CliUsageError for missing/bad flags; CliError when the registration is refused (the
 *   `IDPORTEN_*` code and every problem) or the key file cannot be written
 */
export async function cmdIdportenClientCreate(integrationType: string, args: string[]): Promise<void> {
  if (!(IDPORTEN_INTEGRATION_TYPES as readonly string[]).includes(integrationType)) {
    throw new CliUsageError(`--integration-type must be maskinporten (default), ${IDPORTEN_INTEGRATION_TYPES.join(' or ')} (got "${integrationType}")`);
  }
  const { values } = parseArgs({
    args,
    options: {
      org: { type: 'string' },
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-redirect-uri': { type: 'string', multiple: true },
      'auth-method': { type: 'string' },
      scopes: { type: 'string' },
      out: { type: 'string' },
      port: { type: 'string' },
    },
    strict: true,
  });
  if (!values.org) throw new CliUsageError('--org ORGNR is required');
  const orgno = checkOrganisasjonsnummer(values.org);
  const redirectUris = values['redirect-uri'] ?? [];
  if (redirectUris.length === 0) throw new CliUsageError('--redirect-uri URL is required (repeat it for more)');
  const method = values['auth-method'] ?? 'client_secret_basic';
  if (!(TOKEN_ENDPOINT_AUTH_METHODS as readonly string[]).includes(method)) {
    throw new CliUsageError(`--auth-method must be one of ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')} (got "${method}")`);
  }
  const port = values.port;
  if (port !== undefined && (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535)) {
    throw new CliUsageError(`--port must be a whole number from 1 to 65535 (got "${port}")`);
  }
  const scopes = values.scopes === undefined ? undefined : values.scopes.split(/[\s,]+/).filter(Boolean);

  const config = loadConfig(process.env, { JOBS_ENABLED: 'false', ...(port === undefined ? {} : { PORT: port }) });
  const platform = await createPlatform({ config, components: [idportenComponent], log: pino({ level: 'silent' }) });
  try {
    const organisationName = (await findOrganisationName(platform.db, orgno).catch(() => undefined)) ?? `Testvirksomhet ${orgno}`;
    let key: { kid: string; privateKeyPem: string; jwk: Record<string, unknown> } | undefined;
    if (method === 'private_key_jwt') {
      const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
      const publicJwk = await exportJWK(publicKey);
      const kid = `${orgno}-${(await calculateJwkThumbprint(publicJwk)).slice(0, 12)}${randomBytes(2).toString('hex')}`;
      key = { kid, privateKeyPem: await exportPKCS8(privateKey), jwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' } };
    }
    const client = await registerIdportenClient(
      platform.db,
      {
        client_name: values.name ?? organisationName,
        display_name: organisationName,
        description: 'Created by grunnmur client create',
        integration_type: integrationType,
        application_type: method === 'none' ? 'browser' : 'web',
        redirect_uris: redirectUris,
        post_logout_redirect_uris: values['post-logout-redirect-uri'] ?? [],
        token_endpoint_auth_method: method,
        ...(scopes === undefined ? {} : { scopes }),
        ...(key === undefined ? {} : { jwks: { keys: [key.jwk] } }),
      },
      { orgno },
      { mode: config.GRUNNMUR_MODE },
    ).catch((err: unknown) => {
      const e = err as { code?: string; message?: string; extra?: { problems?: Array<{ field: string; message: string }> } };
      if (typeof e.code === 'string' && e.code.startsWith('IDPORTEN_')) {
        const problems = e.extra?.problems?.map((p) => `${p.field}: ${p.message}`).join('; ');
        throw new CliError(`cannot create the client: ${problems ?? e.message} (${e.code})`);
      }
      throw err;
    });

    let keyFile: string | undefined;
    if (key !== undefined) {
      const outDir = resolve(values.out ?? join('data', 'clients', client.client_id));
      keyFile = join(outDir, 'private-key.pem');
      try {
        await mkdir(outDir, { recursive: true });
        await writeFile(keyFile, key.privateKeyPem, { mode: 0o600 });
        await writeFile(join(outDir, 'public-jwks.json'), `${JSON.stringify({ keys: [key.jwk] }, null, 2)}\n`);
      } catch (err) {
        throw new CliError(
          `client ${client.client_id} was registered, but its key could not be written to ${outDir}: ${(err as Error).message}. Deactivate it with DELETE /idporten/clients/${client.client_id}, or run the command again with another --out`,
        );
      }
    }

    const issuer = idportenIssuer(config);
    const verifier = randomBytes(32).toString('base64url');
    const authorize = new URL(`${issuer}/authorize`);
    authorize.search = new URLSearchParams({
      client_id: client.client_id,
      response_type: 'code',
      redirect_uri: redirectUris[0]!,
      scope: client.scopes.join(' '),
      state: randomBytes(12).toString('base64url'),
      nonce: randomBytes(12).toString('base64url'),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const lines = [
      `Created ID-porten client ${client.client_id} for ${organisationName} (${orgno})`,
      `  integration type: ${client.integration_type}`,
      `  client_id:        ${client.client_id}`,
      ...(client.client_secret !== undefined
        ? [
            `  client_secret:    ${client.client_secret}`,
            `                    (shown once; valid to ${new Date(client.client_secret_expires_at! * 1000).toISOString()}; rotate with POST /idporten/clients/${client.client_id}/secret)`,
          ]
        : []),
      `  auth method:      ${client.token_endpoint_auth_method}${key ? ` (kid ${key.kid}; private key in ${keyFile})` : ''}`,
      `  redirect_uris:    ${client.redirect_uris.join(' ')}`,
      ...(client.post_logout_redirect_uris.length > 0 ? [`  post_logout:      ${client.post_logout_redirect_uris.join(' ')}`] : []),
      `  scopes:           ${client.scopes.join(' ')}`,
      `  issuer:           ${issuer}`,
      `  discovery:        ${issuer}/.well-known/openid-configuration`,
      'Example authorization URL (PKCE S256; code_verifier below):',
      `  ${authorize.href}`,
      `  code_verifier:    ${verifier}`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
  } finally {
    await platform.close();
  }
}
