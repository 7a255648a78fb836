/**
 * `grunnmur client create` and `grunnmur token`: Maskinporten for local work, without the
 * self-service API or a hand-written JWT.
 *
 * Both read the configuration as `grunnmur start` does, and take `--port N` like it: the issuer
 * (`<PUBLIC_URL>/maskinporten/`) must be the running server's for its APIs to accept the token.
 *
 * - `client create --org ORGNR --scopes a,b [--cert] [--name NAME] [--out DIR]` registers a
 *   Maskinporten client for the organisation, with a generated RSA key (`kid`) or, with
 *   `--cert`, an enterprise certificate from the test CA (`x5c`). It acts as Digdir's servicedesk
 *   would: for a scope the organisation may not use yet, it grants the access in the name of the
 *   scope's owner (and says so). It writes `client.json` and the private key to
 *   `DIR` (default `data/clients/<client_id>`).
 * - `token --client ID --scope S [--resource URL] [--dir DIR]` signs a JWT grant with the
 *   client's key (or certificate) from `DIR` and runs it through the same grant code as
 *   `POST /maskinporten/token`. Prints the access token alone on stdout, the rest on stderr.
 *
 * @see specs/idporten-maskinporten.md §3; issue #4 item 6
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exportJWK, exportPKCS8, generateKeyPair, importPKCS8, SignJWT } from 'jose';
import pino from 'pino';
import { createPlatform, type RunningPlatform } from '../platform/boot.ts';
import { loadConfig } from '../platform/config.ts';
import { writeCertificateFiles } from '../platform/pki/test-pki.ts';
import {
  createClient,
  findScopes,
  GrantError,
  grantDeps,
  grantScopeAccess,
  maskinportenComponent,
  maskinportenIssuer,
  maskinportenTokenEndpoint,
  runJwtBearerGrant,
  setClientKeys,
} from '../maskinporten/index.ts';
import type { MaskinportenDb } from '../maskinporten/store/tables.ts';
import { checkOrganisasjonsnummer, findOrganisationName } from '../registers/index.ts';
import { cmdIdportenClientCreate, takeIntegrationType } from './idporten-commands.ts';

/** Bad command-line usage; the caller prints it with the usage text (exit 2). */
export class CliUsageError extends Error {}

/** A failure to report as one line (exit 1). */
export class CliError extends Error {}

/** What `client create` writes to `client.json`, and `token` reads back. */
interface ClientFile {
  client_id: string;
  client_orgno: string;
  client_name: string;
  scopes: string[];
  issuer: string;
  token_endpoint: string;
  /** `kid` when the client authenticates with a registered key. */
  kid?: string;
  /** PKCS#8 PEM private key file, relative to the folder. */
  private_key_file: string;
  /** Leaf + issuing CA certificates (PEM) when the client authenticates with `x5c`. */
  certificate_chain_file?: string;
}

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * A platform for a one-shot command: Maskinporten only, no worker loop, no request log. `port`
 * (from `--port`) sets PORT as `grunnmur start --port` does, so the default PUBLIC_URL, and with
 * it the issuer, is the running server's.
 */
async function openMaskinporten(port: string | undefined): Promise<RunningPlatform> {
  if (port !== undefined && (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535)) {
    throw new CliUsageError(`--port must be a whole number from 1 to 65535 (got "${port}")`);
  }
  const config = loadConfig(process.env, { JOBS_ENABLED: 'false', ...(port === undefined ? {} : { PORT: port }) });
  return createPlatform({ config, components: [maskinportenComponent], log: pino({ level: 'silent' }) });
}

function scopeList(value: string | undefined, flag: string): string[] {
  const scopes = (value ?? '').split(/[\s,]+/).filter(Boolean);
  if (scopes.length === 0) throw new CliUsageError(`${flag} needs at least one scope (comma- or space-separated)`);
  return [...new Set(scopes)];
}

/**
 * `grunnmur client create`.
 *
 * @throws CliUsageError for missing/bad flags; CliError when a scope is unknown or inactive;
 *   AppError from the registry (`MASKINPORTEN_*`, `PKI_*`)
 */
export async function cmdClient(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== 'create') throw new CliUsageError(`Unknown client command "${sub ?? ''}"; use: grunnmur client create --org ORGNR --scopes a,b`);
  // --integration-type idporten|api_klient: an ID-porten client (idporten-commands.ts).
  const { integrationType, rest: maskinportenArgs } = takeIntegrationType(rest);
  if (integrationType !== undefined && integrationType !== 'maskinporten') return cmdIdportenClientCreate(integrationType, maskinportenArgs);
  const { values } = parseArgs({
    args: maskinportenArgs,
    options: {
      org: { type: 'string' },
      scopes: { type: 'string' },
      name: { type: 'string' },
      cert: { type: 'boolean' },
      out: { type: 'string' },
      port: { type: 'string' },
    },
    strict: true,
  });
  if (!values.org) throw new CliUsageError('--org ORGNR is required');
  const orgno = checkOrganisasjonsnummer(values.org);
  const scopes = scopeList(values.scopes, '--scopes');
  // The folder must be writable before anything is registered (the default one is made per client below).
  const parentDir = resolve(values.out ?? join('data', 'clients'));
  await mkdir(parentDir, { recursive: true });
  const platform = await openMaskinporten(values.port);
  try {
    const db = platform.db;
    const k = db.kysely as unknown as MaskinportenDb;
    // Check every scope before anything is written, so a typo leaves no half-made client.
    const known = await findScopes(k, scopes);
    const problems = scopes.flatMap((name) => {
      const scope = known.get(name);
      if (!scope) return [`${name}: no such scope (see /selvbetjening/api/v1/scopes/all)`];
      if (!scope.active) return [`${name}: the scope is deactivated`];
      if (scope.allowed_integration_types.length > 0 && !scope.allowed_integration_types.includes('maskinporten')) {
        return [`${name}: not for Maskinporten clients (${scope.allowed_integration_types.join(', ')})`];
      }
      return [];
    });
    if (problems.length > 0) throw new CliError(`cannot create the client: ${problems.join('; ')}`);

    const organisationName = values.name ?? (await findOrganisationName(db, orgno).catch(() => undefined)) ?? `Testvirksomhet ${orgno}`;
    const granted: string[] = [];
    for (const name of scopes) {
      const scope = known.get(name)!;
      if (scope.accessible_for_all || scope.owner_orgno === orgno) continue;
      // Acting for the scope's owner, as Digdir's servicedesk does on request.
      await grantScopeAccess(db, { scope: name, consumerOrgno: orgno }, { orgno: scope.owner_orgno });
      granted.push(`${name} (owner ${scope.owner_orgno})`);
    }
    const client = await createClient(
      db,
      { integration_type: 'maskinporten', client_name: organisationName, description: 'Created by grunnmur client create', scopes },
      { orgno },
    );
    const outDir = values.out ? parentDir : join(parentDir, client.client_id);
    const file: ClientFile = {
      client_id: client.client_id,
      client_orgno: orgno,
      client_name: client.client_name,
      scopes: client.scopes,
      issuer: maskinportenIssuer(platform.config),
      token_endpoint: maskinportenTokenEndpoint(platform.config),
      private_key_file: 'private-key.pem',
    };
    // The credential: an enterprise certificate (x5c) or a generated key registered on the client (kid).
    let credential: string;
    let writeCredentialFiles: () => Promise<void>;
    if (values.cert) {
      const issued = await platform.pki.issueEnterpriseCertificate({ orgnr: orgno, organisationName });
      file.private_key_file = `${orgno}.key.pem`;
      file.certificate_chain_file = `${orgno}.chain.pem`;
      writeCredentialFiles = async () => {
        await writeCertificateFiles(issued, outDir, orgno);
      };
      credential = `enterprise certificate, serial ${issued.serialNumber}, valid to ${issued.notAfter.toISOString()} (send it as x5c)`;
    } else {
      const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
      const kid = `${orgno}-${randomBytes(6).toString('hex')}`;
      const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
      await setClientKeys(db, client.client_id, { keys: [jwk] }, { orgno });
      const privateKeyPem = await exportPKCS8(privateKey);
      writeCredentialFiles = async () => {
        await writeFile(join(outDir, file.private_key_file), privateKeyPem, { mode: 0o600 });
        await writeFile(join(outDir, 'public-jwks.json'), `${JSON.stringify({ keys: [jwk] }, null, 2)}\n`);
      };
      file.kid = kid;
      credential = `RSA key, kid ${kid} (send it as kid; valid one year)`;
    }
    try {
      await mkdir(outDir, { recursive: true });
      await writeCredentialFiles();
      await writeFile(join(outDir, 'client.json'), `${JSON.stringify(file, null, 2)}\n`);
    } catch (err) {
      throw new CliError(
        `client ${client.client_id} was registered, but its files could not be written to ${outDir}: ${(err as Error).message}. Deactivate it with DELETE /selvbetjening/api/v1/clients/${client.client_id}, or run the command again with another --out`,
      );
    }
    process.stdout.write(
      [
        `Created Maskinporten client ${client.client_id} for ${organisationName} (${orgno})`,
        `  scopes:          ${client.scopes.join(' ')}`,
        ...(granted.length ? [`  access granted:  ${granted.join(', ')}`] : []),
        `  credential:      ${credential}`,
        `  issuer (aud):    ${file.issuer}`,
        `  token endpoint:  ${file.token_endpoint}`,
        `  files:           ${outDir}/client.json, ${join(outDir, file.private_key_file)}${file.certificate_chain_file ? `, ${join(outDir, file.certificate_chain_file)}` : ''}`,
        `Get a token:       npx grunnmur token --client ${client.client_id} --scope ${client.scopes[0]}${values.out ? ` --dir ${outDir}` : ''}${values.port ? ` --port ${values.port}` : ''}`,
        '',
      ].join('\n'),
    );
  } finally {
    await platform.close();
  }
}

/**
 * `grunnmur token`.
 *
 * @throws CliUsageError for missing flags; CliError when the client folder is unreadable;
 *   GrantError (an AppError carrying the MP code) when the grant is refused
 */
export async function cmdToken(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { client: { type: 'string' }, scope: { type: 'string' }, resource: { type: 'string' }, dir: { type: 'string' }, port: { type: 'string' } },
    strict: true,
  });
  if (!values.client) throw new CliUsageError('--client CLIENT_ID is required');
  const scopes = scopeList(values.scope, '--scope');
  const dir = resolve(values.dir ?? join('data', 'clients', values.client));
  let file: ClientFile;
  let privateKeyPem: string;
  let chainPem: string | undefined;
  try {
    file = JSON.parse(await readFile(join(dir, 'client.json'), 'utf8')) as ClientFile;
    privateKeyPem = await readFile(join(dir, file.private_key_file), 'utf8');
    if (file.certificate_chain_file) chainPem = await readFile(join(dir, file.certificate_chain_file), 'utf8');
  } catch (err) {
    throw new CliError(`cannot read the client's files in ${dir} (made by grunnmur client create; use --dir for another folder): ${(err as Error).message}`);
  }
  if (file.client_id !== values.client) throw new CliError(`${join(dir, 'client.json')} belongs to client ${file.client_id}, not ${values.client}`);

  const platform = await openMaskinporten(values.port);
  try {
    const issuer = maskinportenIssuer(platform.config);
    const key = await importPKCS8(privateKeyPem, 'RS256');
    const now = Math.floor(Date.now() / 1000);
    const header = chainPem
      ? { alg: 'RS256', x5c: pemCertificates(chainPem).slice(0, 2) }
      : { alg: 'RS256', kid: file.kid! };
    const claims: Record<string, unknown> = { scope: scopes.join(' '), jti: randomUUID() };
    if (values.resource) claims.resource = values.resource;
    const assertion = await new SignJWT(claims)
      .setProtectedHeader(header)
      .setIssuer(file.client_id)
      .setAudience(issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(key);
    const result = await runJwtBearerGrant(grantDeps(platform), {
      contentType: 'application/x-www-form-urlencoded',
      body: { grant_type: JWT_BEARER, assertion },
    }).catch((err: unknown) => {
      // The same words and MP code as the token endpoint's error_description.
      if (err instanceof GrantError) throw new CliError(`token refused: ${err.oauthError}: ${err.message} (${err.code})`);
      throw err;
    });
    process.stdout.write(`${result.response.access_token}\n`);
    process.stderr.write(`token_type ${result.response.token_type}, expires_in ${result.response.expires_in} s, scope "${result.response.scope}", issuer ${issuer}\n`);
  } finally {
    await platform.close();
  }
}

/** The base64 DER bodies of the certificates in a PEM bundle, in order (for `x5c`). */
function pemCertificates(pem: string): string[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => m[1]!.replace(/\s+/g, ''));
}
