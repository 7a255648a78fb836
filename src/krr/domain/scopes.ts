/**
 * KRR's scopes and what each opens.
 *
 * @see https://docs.digdir.no/docs/Kontaktregisteret/oppslagstjenesten_rest ("Tilgjengelige scopes")
 * @see https://docs.digdir.no/docs/Kontaktregisteret/Brukerspesifikt-oppslag_rest (user scopes)
 */

/** Maskinporten: e-mail, mobile, their timestamps, `varslingsstatus` and `spraak`. */
export const KRR_SCOPE_KONTAKTINFORMASJON = 'krr:global/kontaktinformasjon.read';
/** Maskinporten: `digital_post` and `sertifikat`. */
export const KRR_SCOPE_DIGITALPOST = 'krr:global/digitalpost.read';
/** The lookup API's scopes; a token needs one of them. Reservation status is always returned. */
export const KRR_GLOBAL_SCOPES = [KRR_SCOPE_KONTAKTINFORMASJON, KRR_SCOPE_DIGITALPOST] as const;

/** ID-porten (the logged-in user's own data): as {@link KRR_SCOPE_KONTAKTINFORMASJON}. */
export const KRR_USER_SCOPE_KONTAKTINFORMASJON = 'krr:user/kontaktinformasjon.read';
/** ID-porten: as {@link KRR_SCOPE_DIGITALPOST}. */
export const KRR_USER_SCOPE_DIGITALPOST = 'krr:user/digitalpost.read';
/** ID-porten: change the preferred language (not served yet). */
export const KRR_USER_SCOPE_SPRAAK_WRITE = 'krr:user/spraak.write';
/** The user endpoint's read scopes; a token needs one of them. */
export const KRR_USER_SCOPES = [KRR_USER_SCOPE_KONTAKTINFORMASJON, KRR_USER_SCOPE_DIGITALPOST] as const;

/** What a caller may see, decided by its token's scopes. */
export interface Disclosure {
  /** Contact data, `varslingsstatus`, `spraak`. */
  kontaktinformasjon: boolean;
  /** `digital_post` and `sertifikat`. */
  digitalpost: boolean;
}

/** What a Maskinporten token's scopes disclose. */
export function globalDisclosure(scopes: readonly string[]): Disclosure {
  return { kontaktinformasjon: scopes.includes(KRR_SCOPE_KONTAKTINFORMASJON), digitalpost: scopes.includes(KRR_SCOPE_DIGITALPOST) };
}

/** What an ID-porten token's scopes disclose. */
export function userDisclosure(scopes: readonly string[]): Disclosure {
  return { kontaktinformasjon: scopes.includes(KRR_USER_SCOPE_KONTAKTINFORMASJON), digitalpost: scopes.includes(KRR_USER_SCOPE_DIGITALPOST) };
}
