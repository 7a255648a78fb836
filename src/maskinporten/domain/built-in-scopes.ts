/**
 * The scopes Grunnmur's own APIs require, created at every start (idempotently) and owned by
 * Digdir, which runs those components in Norway. Names are the real ones; sources per group
 * below and in the README ("Built-in scopes").
 *
 * `at_max_age`: 600 s for the self-service scopes (an admin token need not live long), 3600 s
 * for the lookup and message-exchange scopes. Only `grunnmur:delegations.write` is open to every
 * organisation; the others need an access grant, as in the real service (KRR's mailbox-provider
 * scope comes with grants for the two mailbox providers, {@link BUILT_IN_ACCESS}).
 */
import type { Database } from '../../platform/db/database.ts';
import { DIGDIR_ORGNR, EBOKS_ORGNR, POSTEN_BRING_ORGNR } from '../../registers/index.ts';
import { maskinportenDb } from '../store/db.ts';
import { upsertScopeAccess } from '../store/scopes-store.ts';
import { registryChanged } from './grant/registry-cache.ts';
import { ensureScope, type NowOption, type ScopeDefinition } from './scopes.ts';

const MP = ['maskinporten'];

/** The self-service API's own scopes. @see https://docs.digdir.no/docs/idporten/oidc/oidc_api_admin ("Tilgangstyring av APIet") */
const selfService: ScopeDefinition[] = [
  { name: 'idporten:dcr.read', description: 'Lese klientregistreringer for egen organisasjon i selvbetjenings-API-et' },
  { name: 'idporten:dcr.write', description: 'Opprette klientregistreringer for egen organisasjon i selvbetjenings-API-et' },
  { name: 'idporten:dcr.modify', description: 'Endre klientregistreringer for egen organisasjon i selvbetjenings-API-et' },
  { name: 'idporten:dcr.supplier', description: 'Leverandør: vise, opprette, endre og slette integrasjoner for kunder' },
  { name: 'idporten:scopes.write', description: 'API-tilbyder: opprette og endre scopes, og gi og fjerne tilgang for konsumenter' },
  { name: 'idporten:token.introspection', description: 'Introspeksjon av tokens (RFC 7662)' },
].map((s) => ({ ...s, owner_orgno: DIGDIR_ORGNR, allowed_integration_types: MP, at_max_age: 600 }));

/**
 * Kontaktregisteret (KRR) lookups. @see https://docs.digdir.no/oppslagstjenesten_rest.html ("Tilgjengelige scopes")
 */
const krr: ScopeDefinition[] = [
  { name: 'krr:global/kontaktinformasjon.read', description: 'Oppslag i Kontaktregisteret: e-postadresse, mobilnummer, varslingsstatus og språk' },
  { name: 'krr:global/digitalpost.read', description: 'Oppslag i Kontaktregisteret: digital postkasse og krypteringssertifikat' },
  {
    name: 'krr:global/postkasseleverandoer.write',
    description: 'Kontaktregisteret for postkasseleverandører: opprette, velge, oppdatere og slette digitale postkasser for innbyggere',
  },
].map((s) => ({ ...s, owner_orgno: DIGDIR_ORGNR, allowed_integration_types: ['maskinporten', 'krr'], at_max_age: 3600 }));

/**
 * Kontaktregisteret for the logged-in person (ID-porten tokens, "brukerstyrt datadeling"): open to
 * every ID-porten client, as in the real service once the terms are accepted.
 * @see https://docs.digdir.no/docs/Kontaktregisteret/Brukerspesifikt-oppslag_rest
 */
const krrUser: ScopeDefinition[] = [
  { name: 'krr:user/kontaktinformasjon.read', description: 'Kontaktregisteret: innlogget brukers e-postadresse, mobilnummer, varslingsstatus og språk' },
  { name: 'krr:user/digitalpost.read', description: 'Kontaktregisteret: innlogget brukers digitale postkasse og krypteringssertifikat' },
  { name: 'krr:user/spraak.write', description: 'Kontaktregisteret: endre innlogget brukers foretrukne språk' },
].map((s) => ({ ...s, owner_orgno: DIGDIR_ORGNR, allowed_integration_types: ['idporten'], accessible_for_all: true, requires_user_authentication: true }));

/**
 * Access granted when a built-in scope is created (never again, so an operator's later
 * revocation survives restarts): KRR's mailbox-provider API is for the two digital mailbox
 * providers (Digipost: Posten Bring AS, and e-Boks AS), as in the real register. The scope name
 * is Grunnmur's own (the real provider interface is SOAP; see src/krr/README.md).
 */
const BUILT_IN_ACCESS: Readonly<Record<string, readonly string[]>> = {
  'krr:global/postkasseleverandoer.write': [POSTEN_BRING_ORGNR, EBOKS_ORGNR],
  // Digdir runs the hosted integration point, the access point of every seeded ELMA participant.
  'elma:participants.write': [DIGDIR_ORGNR],
};

/**
 * Folkeregisteret person lookups (Grunnmur's registers). The real scope belongs to Skatteetaten
 * (974761076); Grunnmur's registers are run by Digdir, so Digdir owns it here.
 * @see https://skatteetaten.github.io/folkeregisteret-api-dokumentasjon/ (pages "Endepunkter" and "Maskinporten": one scope per rettighetspakke)
 */
const folkeregister: ScopeDefinition[] = [
  { name: 'folkeregister:deling/offentligmedhjemmel', description: 'Folkeregisteret: oppslag for offentlige virksomheter med hjemmel' },
  { name: 'folkeregister:deling/offentligutenhjemmel', description: 'Folkeregisteret: oppslag for offentlige virksomheter uten hjemmel (ikke taushetsbelagte opplysninger)' },
  { name: 'folkeregister:deling/finans', description: 'Folkeregisteret: oppslag for finansforetak (rettighetspakken finans)' },
].map((s) => ({ ...s, owner_orgno: DIGDIR_ORGNR, allowed_integration_types: MP, at_max_age: 3600 }));

/**
 * eFormidling: the integration point asks for these (legacy names without a prefix).
 * @see felleslosninger/efm-integrasjonspunkt `MaskinportenTokenInterceptor.getCurrentScopes()`
 * @see https://docs.digdir.no/docs/eFormidling (service registry: "DPO … Maskinporten scope move/dpo.read")
 */
const eformidling: ScopeDefinition[] = ([
  { name: 'move/dpo.read', description: 'eFormidling: adresseoppslag for meldinger mellom virksomheter (DPO)' },
  { name: 'move/dpe.read', description: 'eFormidling: adresseoppslag for eInnsyn (DPE)' },
  { name: 'move/dpv.read', description: 'eFormidling: adresseoppslag for meldinger til virksomheter i Altinn (DPV)' },
  { name: 'move/dpf.read', description: 'eFormidling: adresseoppslag for KS SvarUt/SvarInn (DPF)' },
  { name: 'move/dpi.read', description: 'eFormidling: adresseoppslag for digital post til innbyggere (DPI)' },
]
  .map((s) => ({ ...s, legacy: true, owner_orgno: DIGDIR_ORGNR, allowed_integration_types: ['maskinporten', 'eformidling'], at_max_age: 3600 })) as ScopeDefinition[])
  .concat([
    {
      // Grunnmur's own: the hosted integration point's Next Move API (src/eformidling/README.md).
      name: 'eformidling:integrasjonspunkt',
      description: 'eFormidling: bruke det vertede integrasjonspunktet (Next Move-API-et) for egen virksomhet',
      legacy: false,
      owner_orgno: DIGDIR_ORGNR,
      allowed_integration_types: ['maskinporten', 'eformidling'],
      accessible_for_all: true,
      at_max_age: 3600,
    },
    {
      // The DPI corner-2 API (src/digitalpost/corner2): open to every organisation, as
      // eformidling:integrasjonspunkt is (the real one needs a DPI agreement with Digdir).
      name: 'digitalpostinnbygger:send',
      description: 'Sende digital post til innbyggere (DPI)',
      legacy: false,
      owner_orgno: DIGDIR_ORGNR,
      allowed_integration_types: ['maskinporten', 'eformidling'],
      accessible_for_all: true,
      at_max_age: 3600,
    },
  ] as ScopeDefinition[]);

/**
 * ELMA's write API for access-point providers. Grunnmur's own name: the real ELMA is maintained
 * in a web UI (smp.difi.no), with no public API scope (see src/elma/README.md).
 */
const elma: ScopeDefinition[] = [
  {
    name: 'elma:participants.write',
    description: 'ELMA: registrere, endre og slette deltakere og deres tjenestemetadata (aksesspunktleverandører)',
    owner_orgno: DIGDIR_ORGNR,
    allowed_integration_types: MP,
    at_max_age: 600,
  },
];

/**
 * Grunnmur's own: lets a customer delegate its access to a supplier through
 * `/selvbetjening/api/v1/delegations` until Altinn's delegation dialogue exists here. Open to
 * every organisation, as Altinn's dialogue is.
 */
const grunnmur: ScopeDefinition[] = [
  {
    name: 'grunnmur:delegations.write',
    description: 'Grunnmur: delegere egen tilgang til et scope til en leverandør (erstatter Altinns delegering)',
    owner_orgno: DIGDIR_ORGNR,
    allowed_integration_types: MP,
    accessible_for_all: true,
    at_max_age: 600,
  },
];

/** Every built-in scope, in the order they are created. */
export const BUILT_IN_SCOPES: readonly ScopeDefinition[] = [...selfService, ...krr, ...krrUser, ...folkeregister, ...eformidling, ...elma, ...grunnmur];

/**
 * Creates every built-in scope that does not exist yet (existing ones are left as they are), and
 * gives the consumers in {@link BUILT_IN_ACCESS} access to a scope created now. (Not one
 * transaction with the scope: a crash between the two leaves the scope without those grants,
 * which `grunnmur` / the self-service API can add.)
 *
 * @returns the names created now
 */
export async function ensureBuiltInScopes(db: Database, options: NowOption = {}): Promise<string[]> {
  const created: string[] = [];
  for (const definition of BUILT_IN_SCOPES) {
    if (await ensureScope(db, definition, options)) created.push(definition.name);
  }
  const now = options.now ?? Date.now();
  for (const name of created) {
    for (const consumerOrgno of BUILT_IN_ACCESS[name] ?? []) await upsertScopeAccess(maskinportenDb(db), name, consumerOrgno, now);
    if (BUILT_IN_ACCESS[name]) registryChanged();
  }
  return created;
}
