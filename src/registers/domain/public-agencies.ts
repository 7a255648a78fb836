/**
 * The organisations that exist in every Grunnmur population, whatever the seed: public
 * agencies (with their real organisasjonsnummer, each of which passes MOD11), the two digital
 * mailbox providers and the print provider of Digital postkasse til innbyggere.
 *
 * Other components find these by orgnr (e.g. Digdir as the owner of ID-porten clients, NAV
 * and Skatteetaten as senders of letters) or by `grunnmur_role`.
 */
import type { GrunnmurRole } from '../store/tables.ts';

/** A fixed organisation of the population. */
export interface FixedOrganisation {
  orgnr: string;
  navn: string;
  organisasjonsform: string;
  naeringskode: string;
  naeringskode_beskrivelse: string;
  sektorkode: string | null;
  adresse: string;
  postnummer: string;
  poststed: string;
  kommune: string;
  kommunenummer: string;
  hjemmeside: string;
  registreringsdato: string;
  antall_ansatte: number;
  overordnet_enhet: string | null;
  er_underenhet: boolean;
  is_public_agency: boolean;
  grunnmur_role: GrunnmurRole | null;
}

const admin = { naeringskode: '84.110', naeringskode_beskrivelse: 'Generell offentlig administrasjon' };
const oslo = { postnummer: '0150', poststed: 'OSLO', kommune: 'OSLO', kommunenummer: '0301' };

/** Digitaliseringsdirektoratet. */
export const DIGDIR_ORGNR = '991825827';
/** Posten Bring AS (Digipost). */
export const POSTEN_BRING_ORGNR = '984661185';
/** e-Boks AS. */
export const EBOKS_ORGNR = '996460320';
/** The print provider (an underenhet of Posten Bring AS; synthetic orgnr). */
export const PRINT_PROVIDER_ORGNR = '923456783';

/** Every fixed organisation, parents before their underenheter. */
export const FIXED_ORGANISATIONS: readonly FixedOrganisation[] = [
  {
    orgnr: '972417858', navn: 'KOMMUNAL- OG DISTRIKTSDEPARTEMENTET', organisasjonsform: 'STAT', ...admin, sektorkode: '6100',
    adresse: 'Akersgata 59', ...oslo, hjemmeside: 'www.regjeringen.no/kdd', registreringsdato: '1995-03-12', antall_ansatte: 330,
    overordnet_enhet: null, er_underenhet: false, is_public_agency: true, grunnmur_role: null,
  },
  {
    orgnr: DIGDIR_ORGNR, navn: 'DIGITALISERINGSDIREKTORATET', organisasjonsform: 'ORGL', ...admin, sektorkode: '6100',
    adresse: 'Grev Wedels plass 9', ...oslo, hjemmeside: 'www.digdir.no', registreringsdato: '2007-10-15', antall_ansatte: 560,
    overordnet_enhet: '972417858', er_underenhet: false, is_public_agency: true, grunnmur_role: null,
  },
  {
    orgnr: '889640782', navn: 'ARBEIDS- OG VELFERDSETATEN', organisasjonsform: 'ORGL', ...admin, sektorkode: '6100',
    adresse: 'Fyrstikkalléen 1', postnummer: '0661', poststed: 'OSLO', kommune: 'OSLO', kommunenummer: '0301',
    hjemmeside: 'www.nav.no', registreringsdato: '2006-03-16', antall_ansatte: 14000,
    overordnet_enhet: null, er_underenhet: false, is_public_agency: true, grunnmur_role: null,
  },
  {
    orgnr: '974761076', navn: 'SKATTEETATEN', organisasjonsform: 'ORGL', ...admin, sektorkode: '6100',
    adresse: 'Fredrik Selmers vei 4', postnummer: '0663', poststed: 'OSLO', kommune: 'OSLO', kommunenummer: '0301',
    hjemmeside: 'www.skatteetaten.no', registreringsdato: '1995-02-20', antall_ansatte: 6500,
    overordnet_enhet: null, er_underenhet: false, is_public_agency: true, grunnmur_role: null,
  },
  {
    orgnr: '974760673', navn: 'REGISTERENHETEN I BRØNNØYSUND', organisasjonsform: 'ORGL', ...admin, sektorkode: '6100',
    adresse: 'Havnegata 48', postnummer: '8900', poststed: 'BRØNNØYSUND', kommune: 'BRØNNØY', kommunenummer: '1813',
    hjemmeside: 'www.brreg.no', registreringsdato: '1995-02-20', antall_ansatte: 600,
    overordnet_enhet: null, er_underenhet: false, is_public_agency: true, grunnmur_role: null,
  },
  {
    orgnr: '971032081', navn: 'STATENS VEGVESEN', organisasjonsform: 'ORGL', ...admin, sektorkode: '6100',
    adresse: 'Brynsengfaret 6A', postnummer: '0667', poststed: 'OSLO', kommune: 'OSLO', kommunenummer: '0301',
    hjemmeside: 'www.vegvesen.no', registreringsdato: '1995-02-20', antall_ansatte: 5000,
    overordnet_enhet: null, er_underenhet: false, is_public_agency: true, grunnmur_role: null,
  },
  {
    orgnr: '960885406', navn: 'STATENS LÅNEKASSE FOR UTDANNING', organisasjonsform: 'ORGL', ...admin, sektorkode: '6100',
    adresse: 'Fjordalléen 16', postnummer: '0250', poststed: 'OSLO', kommune: 'OSLO', kommunenummer: '0301',
    hjemmeside: 'www.lanekassen.no', registreringsdato: '1995-02-20', antall_ansatte: 330,
    overordnet_enhet: null, er_underenhet: false, is_public_agency: true, grunnmur_role: null,
  },
  {
    orgnr: '971526920', navn: 'STATISTISK SENTRALBYRÅ', organisasjonsform: 'ORGL', ...admin, sektorkode: '6100',
    adresse: 'Akersveien 26', ...oslo, hjemmeside: 'www.ssb.no', registreringsdato: '1995-02-20', antall_ansatte: 850,
    overordnet_enhet: null, er_underenhet: false, is_public_agency: true, grunnmur_role: null,
  },
  {
    orgnr: '974761467', navn: 'DATATILSYNET', organisasjonsform: 'ORGL', ...admin, sektorkode: '6100',
    adresse: 'Trelastgata 3', ...oslo, hjemmeside: 'www.datatilsynet.no', registreringsdato: '1995-02-20', antall_ansatte: 80,
    overordnet_enhet: null, er_underenhet: false, is_public_agency: true, grunnmur_role: null,
  },
  {
    orgnr: '983544622', navn: 'HELSEDIREKTORATET', organisasjonsform: 'ORGL', ...admin, sektorkode: '6100',
    adresse: 'Vitaminveien 4', postnummer: '0485', poststed: 'OSLO', kommune: 'OSLO', kommunenummer: '0301',
    hjemmeside: 'www.helsedirektoratet.no', registreringsdato: '2002-01-01', antall_ansatte: 1000,
    overordnet_enhet: null, er_underenhet: false, is_public_agency: true, grunnmur_role: null,
  },
  {
    orgnr: '958935420', navn: 'OSLO KOMMUNE', organisasjonsform: 'KOMM', ...admin, sektorkode: '6500',
    adresse: 'Rådhusplassen 1', postnummer: '0037', poststed: 'OSLO', kommune: 'OSLO', kommunenummer: '0301',
    hjemmeside: 'www.oslo.kommune.no', registreringsdato: '1995-02-20', antall_ansatte: 50000,
    overordnet_enhet: null, er_underenhet: false, is_public_agency: true, grunnmur_role: null,
  },
  {
    orgnr: '964338531', navn: 'BERGEN KOMMUNE', organisasjonsform: 'KOMM', ...admin, sektorkode: '6500',
    adresse: 'Rådhusgaten 10', postnummer: '5014', poststed: 'BERGEN', kommune: 'BERGEN', kommunenummer: '4601',
    hjemmeside: 'www.bergen.kommune.no', registreringsdato: '1995-02-20', antall_ansatte: 20000,
    overordnet_enhet: null, er_underenhet: false, is_public_agency: true, grunnmur_role: null,
  },
  {
    orgnr: '942110464', navn: 'TRONDHEIM KOMMUNE', organisasjonsform: 'KOMM', ...admin, sektorkode: '6500',
    adresse: 'Munkegata 1', postnummer: '7013', poststed: 'TRONDHEIM', kommune: 'TRONDHEIM', kommunenummer: '5001',
    hjemmeside: 'www.trondheim.kommune.no', registreringsdato: '1995-02-20', antall_ansatte: 15000,
    overordnet_enhet: null, er_underenhet: false, is_public_agency: true, grunnmur_role: null,
  },
  {
    orgnr: '964965226', navn: 'STAVANGER KOMMUNE', organisasjonsform: 'KOMM', ...admin, sektorkode: '6500',
    adresse: 'Olav Kyrres gate 19', postnummer: '4005', poststed: 'STAVANGER', kommune: 'STAVANGER', kommunenummer: '1103',
    hjemmeside: 'www.stavanger.kommune.no', registreringsdato: '1995-02-20', antall_ansatte: 10000,
    overordnet_enhet: null, er_underenhet: false, is_public_agency: true, grunnmur_role: null,
  },
  {
    orgnr: '921627009', navn: 'VESTLAND FYLKESKOMMUNE', organisasjonsform: 'FYLK', ...admin, sektorkode: '6500',
    adresse: 'Agnes Mowinckels gate 5', postnummer: '5008', poststed: 'BERGEN', kommune: 'BERGEN', kommunenummer: '4601',
    hjemmeside: 'www.vestlandfylke.no', registreringsdato: '2018-10-01', antall_ansatte: 6000,
    overordnet_enhet: null, er_underenhet: false, is_public_agency: true, grunnmur_role: null,
  },
  {
    orgnr: POSTEN_BRING_ORGNR, navn: 'POSTEN BRING AS', organisasjonsform: 'AS', naeringskode: '53.100',
    naeringskode_beskrivelse: 'Landsdekkende posttjenester', sektorkode: '1110',
    adresse: 'Biskop Gunnerus\u2019 gate 14A', postnummer: '0185', poststed: 'OSLO', kommune: 'OSLO', kommunenummer: '0301',
    hjemmeside: 'www.digipost.no', registreringsdato: '2002-12-01', antall_ansatte: 9000,
    overordnet_enhet: null, er_underenhet: false, is_public_agency: false, grunnmur_role: 'mailbox_provider',
  },
  {
    orgnr: EBOKS_ORGNR, navn: 'E-BOKS AS', organisasjonsform: 'AS', naeringskode: '63.110',
    naeringskode_beskrivelse: 'Databehandling, databasevirksomhet og tilknyttede tjenester', sektorkode: '2100',
    adresse: 'Karenslyst allé 8B', postnummer: '0278', poststed: 'OSLO', kommune: 'OSLO', kommunenummer: '0301',
    hjemmeside: 'www.e-boks.no', registreringsdato: '2011-01-19', antall_ansatte: 20,
    overordnet_enhet: null, er_underenhet: false, is_public_agency: false, grunnmur_role: 'mailbox_provider',
  },
  {
    orgnr: PRINT_PROVIDER_ORGNR, navn: 'POSTEN BRING AS AVD DIGITAL POST PRINT', organisasjonsform: 'BEDR', naeringskode: '18.120',
    naeringskode_beskrivelse: 'Trykking ellers', sektorkode: null,
    adresse: 'Robsrudskogen 15', postnummer: '1470', poststed: 'LØRENSKOG', kommune: 'LØRENSKOG', kommunenummer: '3222',
    hjemmeside: 'www.posten.no', registreringsdato: '2016-05-02', antall_ansatte: 60,
    overordnet_enhet: POSTEN_BRING_ORGNR, er_underenhet: true, is_public_agency: false, grunnmur_role: 'print_provider',
  },
];
