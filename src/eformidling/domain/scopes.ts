/**
 * The scope of the hosted integration point. Grunnmur's own name: the real integration point
 * runs inside each organisation and has no API scope of its own (see README, "Decisions").
 */
export const EFORMIDLING_SCOPE = 'eformidling:integrasjonspunkt';
