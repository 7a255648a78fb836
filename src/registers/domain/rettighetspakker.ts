/**
 * Folkeregisteret's rettighetspakker (access packages) and the Maskinporten scope each one
 * requires. Skatteetaten gives every rettighetspakke its own scope ("Rettighetspakke tilsvarer
 * 'scope' på maskinporten-språk") and its own URL; a token for one package opens no other.
 *
 * Two URL styles exist for the same packages: the original `/folkeregisteret/{rettighetspakke}/api/v1/…`
 * (`offentlig-med-hjemmel`, `offentlig-uten-hjemmel`, `finans-og-begrenset`), and the current one
 * for packages other than offentlig-med-hjemmel, `/folkeregisteret/api/{pakke}/v1/…`
 * (`offentligutenhjemmel`, `finans`). Both are served.
 *
 * @see https://skatteetaten.github.io/folkeregisteret-api-dokumentasjon/ "Endepunkter" (URL and
 *   scope per rettighetspakke), "Maskinporten" (the scopes), "Oppslag" (the original URLs)
 */

/** Scope of rettighetspakke offentlig-med-hjemmel (public and private bodies with a legal basis). */
export const FOLKEREGISTER_SCOPE_OFFENTLIG_MED_HJEMMEL = 'folkeregister:deling/offentligmedhjemmel';
/** Scope of rettighetspakke offentlig-uten-hjemmel (public bodies without a legal basis). */
export const FOLKEREGISTER_SCOPE_OFFENTLIG_UTEN_HJEMMEL = 'folkeregister:deling/offentligutenhjemmel';
/** Scope of rettighetspakke finans (finans-og-begrenset: the finance sector and bodies with access to some confidential data). */
export const FOLKEREGISTER_SCOPE_FINANS = 'folkeregister:deling/finans';

/** A rettighetspakke, the scope it requires and the person-lookup paths it is served under. */
export interface Rettighetspakke {
  /** Name in the original URL style (`/folkeregisteret/{name}/api/v1/…`). */
  readonly name: 'offentlig-med-hjemmel' | 'offentlig-uten-hjemmel' | 'finans-og-begrenset';
  /** The Maskinporten scope a token must carry. */
  readonly scope: string;
  /** Person-lookup paths (Fastify syntax, `:pid`), the first the original style. */
  readonly personPaths: readonly string[];
}

/**
 * The rettighetspakker served. The plain `/folkeregisteret/api/v1/personer/{pid}` (Grunnmur's
 * short path, not the real API's) is offentlig-med-hjemmel.
 */
export const RETTIGHETSPAKKER: readonly Rettighetspakke[] = [
  {
    name: 'offentlig-med-hjemmel',
    scope: FOLKEREGISTER_SCOPE_OFFENTLIG_MED_HJEMMEL,
    personPaths: ['/folkeregisteret/offentlig-med-hjemmel/api/v1/personer/:pid', '/folkeregisteret/api/v1/personer/:pid'],
  },
  {
    name: 'offentlig-uten-hjemmel',
    scope: FOLKEREGISTER_SCOPE_OFFENTLIG_UTEN_HJEMMEL,
    personPaths: ['/folkeregisteret/offentlig-uten-hjemmel/api/v1/personer/:pid', '/folkeregisteret/api/offentligutenhjemmel/v1/personer/:pid'],
  },
  {
    name: 'finans-og-begrenset',
    scope: FOLKEREGISTER_SCOPE_FINANS,
    personPaths: ['/folkeregisteret/finans-og-begrenset/api/v1/personer/:pid', '/folkeregisteret/api/finans/v1/personer/:pid'],
  },
];

/** Every scope the Folkeregisteret routes require, one per rettighetspakke. */
export const FOLKEREGISTER_SCOPES: readonly string[] = RETTIGHETSPAKKER.map((p) => p.scope);
