/**
 * Reference data for the synthetic population: Norwegian names, real postnummer / poststed /
 * kommunenummer (2024 regional structure), street names, foreign addresses, and the code lists
 * of Enhetsregisteret (organisasjonsform, næringskode, institusjonell sektorkode, role types).
 *
 * Lists are abridged: they cover what the generator draws from, not the full official lists.
 * Changing any list (order included) changes every seeded population.
 *
 * @see https://www.ssb.no/klass/klassifikasjoner/131 (kommunenummer)
 * @see https://data.brreg.no/enhetsregisteret/api/organisasjonsformer
 */

/** Common Norwegian female given names (SSB's most frequent, several generations). */
export const FEMALE_GIVEN_NAMES = [
  'Anne', 'Inger', 'Kari', 'Marit', 'Ingrid', 'Liv', 'Eva', 'Berit', 'Astrid', 'Bjørg',
  'Hilde', 'Anna', 'Solveig', 'Marianne', 'Randi', 'Ida', 'Nina', 'Ragnhild', 'Elisabeth', 'Kristin',
  'Bente', 'Heidi', 'Silje', 'Hanne', 'Gerd', 'Linda', 'Tone', 'Tove', 'Elin', 'Anita',
  'Wenche', 'Camilla', 'Ellen', 'Karin', 'Monica', 'Turid', 'Åse', 'Sølvi', 'Gunn', 'Grete',
  'Nora', 'Emma', 'Sofie', 'Maja', 'Ingeborg', 'Sara', 'Thea', 'Julie', 'Emilie', 'Mari',
  'Marte', 'Hege', 'Sissel', 'Torill', 'Unni', 'Bjørghild', 'Kjersti', 'Siv', 'Øydis', 'Ragna',
  'Frøydis', 'Synnøve', 'Ása', 'Tiril', 'Vilde', 'Live', 'Hedda', 'Signe', 'Aurora', 'Ella',
] as const;

/** Common Norwegian male given names. */
export const MALE_GIVEN_NAMES = [
  'Jan', 'Per', 'Bjørn', 'Ole', 'Lars', 'Kjell', 'Knut', 'Arne', 'Svein', 'Thomas',
  'Hans', 'Geir', 'Tor', 'Morten', 'Terje', 'Odd', 'Erik', 'Martin', 'Andreas', 'John',
  'Anders', 'Rune', 'Trond', 'Tore', 'Jon', 'Harald', 'Olav', 'Gunnar', 'Rolf', 'Helge',
  'Øystein', 'Håkon', 'Kåre', 'Jørgen', 'Øyvind', 'Pål', 'Stian', 'Espen', 'Magnus', 'Jonas',
  'Kristian', 'Sindre', 'Even', 'Eirik', 'Sigurd', 'Jakob', 'Emil', 'Henrik', 'Filip', 'Noah',
  'Oskar', 'Aksel', 'Tobias', 'Mathias', 'Ivar', 'Leif', 'Steinar', 'Torbjørn', 'Åge', 'Gaute',
  'Bård', 'Sjur', 'Ørjan', 'Trygve', 'Nils', 'Sverre', 'Vegard', 'Audun', 'Eivind', 'Ludvig',
] as const;

/** Common Norwegian family names (also used as middle names, as is Norwegian custom). */
export const FAMILY_NAMES = [
  'Hansen', 'Johansen', 'Olsen', 'Larsen', 'Andersen', 'Pedersen', 'Nilsen', 'Kristiansen', 'Jensen', 'Karlsen',
  'Johnsen', 'Pettersen', 'Eriksen', 'Berg', 'Haugen', 'Hagen', 'Johannessen', 'Andreassen', 'Jacobsen', 'Dahl',
  'Jørgensen', 'Halvorsen', 'Henriksen', 'Lund', 'Sørensen', 'Jakobsen', 'Moen', 'Gundersen', 'Iversen', 'Strand',
  'Solberg', 'Svendsen', 'Eide', 'Knutsen', 'Martinsen', 'Paulsen', 'Bakken', 'Kristoffersen', 'Mathisen', 'Lie',
  'Amundsen', 'Nguyen', 'Rasmussen', 'Ali', 'Lunde', 'Solheim', 'Berntsen', 'Moe', 'Nygård', 'Bakke',
  'Kristensen', 'Fredriksen', 'Holm', 'Lien', 'Hauge', 'Christensen', 'Andresen', 'Nielsen', 'Knudsen', 'Evensen',
  'Sæther', 'Aas', 'Myhre', 'Hanssen', 'Ahmed', 'Haugland', 'Thomassen', 'Sivertsen', 'Simonsen', 'Danielsen',
  'Berge', 'Løken', 'Ødegård', 'Østby', 'Bråten', 'Grønli', 'Sæle', 'Aasen', 'Fjeld', 'Søreide',
  'Brækken', 'Kvåle', 'Løvås', 'Tønnesen', 'Rød', 'Bø', 'Næss', 'Ås', 'Dæhli', 'Håland',
  'Kjær', 'Fosse', 'Vik', 'Strøm', 'Tangen', 'Brekke', 'Hovland', 'Sandvik', 'Røed', 'Skår',
] as const;

/** A real postnummer with its poststed and kommune (2024 kommunenummer). */
export interface PostalArea {
  postnummer: string;
  poststed: string;
  kommunenummer: string;
  kommune: string;
  /** Relative weight when drawing (≈ population share). */
  weight: number;
}

/** Real postnummer / poststed / kommunenummer, weighted roughly by population. */
export const POSTAL_AREAS: readonly PostalArea[] = [
  { postnummer: '0150', poststed: 'OSLO', kommunenummer: '0301', kommune: 'OSLO', weight: 3 },
  { postnummer: '0182', poststed: 'OSLO', kommunenummer: '0301', kommune: 'OSLO', weight: 3 },
  { postnummer: '0250', poststed: 'OSLO', kommunenummer: '0301', kommune: 'OSLO', weight: 3 },
  { postnummer: '0357', poststed: 'OSLO', kommunenummer: '0301', kommune: 'OSLO', weight: 3 },
  { postnummer: '0484', poststed: 'OSLO', kommunenummer: '0301', kommune: 'OSLO', weight: 3 },
  { postnummer: '0554', poststed: 'OSLO', kommunenummer: '0301', kommune: 'OSLO', weight: 3 },
  { postnummer: '0661', poststed: 'OSLO', kommunenummer: '0301', kommune: 'OSLO', weight: 3 },
  { postnummer: '0870', poststed: 'OSLO', kommunenummer: '0301', kommune: 'OSLO', weight: 3 },
  { postnummer: '0960', poststed: 'OSLO', kommunenummer: '0301', kommune: 'OSLO', weight: 3 },
  { postnummer: '1161', poststed: 'OSLO', kommunenummer: '0301', kommune: 'OSLO', weight: 3 },
  { postnummer: '5003', poststed: 'BERGEN', kommunenummer: '4601', kommune: 'BERGEN', weight: 4 },
  { postnummer: '5089', poststed: 'BERGEN', kommunenummer: '4601', kommune: 'BERGEN', weight: 3 },
  { postnummer: '5141', poststed: 'FYLLINGSDALEN', kommunenummer: '4601', kommune: 'BERGEN', weight: 3 },
  { postnummer: '5221', poststed: 'NESTTUN', kommunenummer: '4601', kommune: 'BERGEN', weight: 3 },
  { postnummer: '7010', poststed: 'TRONDHEIM', kommunenummer: '5001', kommune: 'TRONDHEIM', weight: 4 },
  { postnummer: '7030', poststed: 'TRONDHEIM', kommunenummer: '5001', kommune: 'TRONDHEIM', weight: 3 },
  { postnummer: '7045', poststed: 'TRONDHEIM', kommunenummer: '5001', kommune: 'TRONDHEIM', weight: 3 },
  { postnummer: '4006', poststed: 'STAVANGER', kommunenummer: '1103', kommune: 'STAVANGER', weight: 4 },
  { postnummer: '4021', poststed: 'STAVANGER', kommunenummer: '1103', kommune: 'STAVANGER', weight: 3 },
  { postnummer: '4307', poststed: 'SANDNES', kommunenummer: '1108', kommune: 'SANDNES', weight: 3 },
  { postnummer: '1337', poststed: 'SANDVIKA', kommunenummer: '3201', kommune: 'BÆRUM', weight: 4 },
  { postnummer: '2000', poststed: 'LILLESTRØM', kommunenummer: '3205', kommune: 'LILLESTRØM', weight: 3 },
  { postnummer: '1440', poststed: 'DRØBAK', kommunenummer: '3212', kommune: 'FROGN', weight: 1 },
  { postnummer: '3015', poststed: 'DRAMMEN', kommunenummer: '3301', kommune: 'DRAMMEN', weight: 3 },
  { postnummer: '3616', poststed: 'KONGSBERG', kommunenummer: '3303', kommune: 'KONGSBERG', weight: 1 },
  { postnummer: '3510', poststed: 'HØNEFOSS', kommunenummer: '3305', kommune: 'RINGERIKE', weight: 1 },
  { postnummer: '1606', poststed: 'FREDRIKSTAD', kommunenummer: '3107', kommune: 'FREDRIKSTAD', weight: 2 },
  { postnummer: '1710', poststed: 'SARPSBORG', kommunenummer: '3105', kommune: 'SARPSBORG', weight: 2 },
  { postnummer: '3111', poststed: 'TØNSBERG', kommunenummer: '3905', kommune: 'TØNSBERG', weight: 2 },
  { postnummer: '3210', poststed: 'SANDEFJORD', kommunenummer: '3907', kommune: 'SANDEFJORD', weight: 2 },
  { postnummer: '3256', poststed: 'LARVIK', kommunenummer: '3909', kommune: 'LARVIK', weight: 2 },
  { postnummer: '2317', poststed: 'HAMAR', kommunenummer: '3403', kommune: 'HAMAR', weight: 1 },
  { postnummer: '2609', poststed: 'LILLEHAMMER', kommunenummer: '3405', kommune: 'LILLEHAMMER', weight: 1 },
  { postnummer: '2815', poststed: 'GJØVIK', kommunenummer: '3407', kommune: 'GJØVIK', weight: 1 },
  { postnummer: '4610', poststed: 'KRISTIANSAND S', kommunenummer: '4204', kommune: 'KRISTIANSAND', weight: 3 },
  { postnummer: '4836', poststed: 'ARENDAL', kommunenummer: '4203', kommune: 'ARENDAL', weight: 1 },
  { postnummer: '5501', poststed: 'HAUGESUND', kommunenummer: '1106', kommune: 'HAUGESUND', weight: 1 },
  { postnummer: '5411', poststed: 'STORD', kommunenummer: '4614', kommune: 'STORD', weight: 1 },
  { postnummer: '5700', poststed: 'VOSS', kommunenummer: '4621', kommune: 'VOSS', weight: 1 },
  { postnummer: '6800', poststed: 'FØRDE', kommunenummer: '4647', kommune: 'SUNNFJORD', weight: 1 },
  { postnummer: '6002', poststed: 'ÅLESUND', kommunenummer: '1508', kommune: 'ÅLESUND', weight: 2 },
  { postnummer: '6413', poststed: 'MOLDE', kommunenummer: '1506', kommune: 'MOLDE', weight: 1 },
  { postnummer: '7700', poststed: 'STEINKJER', kommunenummer: '5006', kommune: 'STEINKJER', weight: 1 },
  { postnummer: '8006', poststed: 'BODØ', kommunenummer: '1804', kommune: 'BODØ', weight: 2 },
  { postnummer: '8300', poststed: 'SVOLVÆR', kommunenummer: '1865', kommune: 'VÅGAN', weight: 1 },
  { postnummer: '8607', poststed: 'MO I RANA', kommunenummer: '1833', kommune: 'RANA', weight: 1 },
  { postnummer: '9008', poststed: 'TROMSØ', kommunenummer: '5501', kommune: 'TROMSØ', weight: 2 },
  { postnummer: '9403', poststed: 'HARSTAD', kommunenummer: '5503', kommune: 'HARSTAD', weight: 1 },
];

/** Street names common across Norway. */
export const STREET_NAMES = [
  'Storgata', 'Kirkegata', 'Skolegata', 'Parkveien', 'Strandgata', 'Kongens gate', 'Dronningens gate', 'Sjøgata',
  'Bakkegata', 'Nygata', 'Fjellveien', 'Solbakken', 'Granveien', 'Bjørkeveien', 'Furuveien', 'Eikeveien',
  'Lønneveien', 'Stasjonsveien', 'Markveien', 'Torggata', 'Øvre Slottsgate', 'Nedre Storgate', 'Åsveien',
  'Løkkeveien', 'Kvernhusveien', 'Tollbodgata', 'Fjordveien', 'Skogveien', 'Rosenlundveien', 'Solheimsgaten',
  'Hagebyveien', 'Industriveien', 'Grønnegata', 'Bryggeveien', 'Sætreveien', 'Høgskoleveien', 'Kaiveien',
  'Myrveien', 'Tunveien', 'Ringveien',
] as const;

/** A foreign postal address for persons with status `utflyttet`. */
export interface ForeignAddress {
  adressenavn: string;
  postkode: string;
  byEllerStedsnavn: string;
  /** ISO 3166-1 alpha-2. */
  landkode: string;
}

/** Foreign addresses (street, postcode, city, country) for emigrated persons. */
export const FOREIGN_ADDRESSES: readonly ForeignAddress[] = [
  { adressenavn: 'Drottninggatan 12', postkode: '111 51', byEllerStedsnavn: 'Stockholm', landkode: 'SE' },
  { adressenavn: 'Avenyn 7', postkode: '411 36', byEllerStedsnavn: 'Göteborg', landkode: 'SE' },
  { adressenavn: 'Nørrebrogade 41', postkode: '2200', byEllerStedsnavn: 'København N', landkode: 'DK' },
  { adressenavn: 'Torstraße 88', postkode: '10119', byEllerStedsnavn: 'Berlin', landkode: 'DE' },
  { adressenavn: '14 Baker Street', postkode: 'W1U 3BW', byEllerStedsnavn: 'London', landkode: 'GB' },
  { adressenavn: 'Calle Mayor 5', postkode: '03001', byEllerStedsnavn: 'Alicante', landkode: 'ES' },
  { adressenavn: '350 Fifth Avenue', postkode: 'NY 10118', byEllerStedsnavn: 'New York', landkode: 'US' },
  { adressenavn: 'Mannerheimintie 20', postkode: '00100', byEllerStedsnavn: 'Helsinki', landkode: 'FI' },
];

/** Country names for `landkode` (Norwegian, as Brønnøysund writes `land`). */
export const COUNTRY_NAMES: Readonly<Record<string, string>> = {
  NO: 'Norge',
  SE: 'Sverige',
  DK: 'Danmark',
  DE: 'Tyskland',
  GB: 'Storbritannia',
  ES: 'Spania',
  US: 'USA',
  FI: 'Finland',
};

/** Organisasjonsform codes and their Enhetsregisteret descriptions. */
export const ORGANISASJONSFORMER: Readonly<Record<string, string>> = {
  AS: 'Aksjeselskap',
  ASA: 'Allmennaksjeselskap',
  ENK: 'Enkeltpersonforetak',
  ANS: 'Ansvarlig selskap med solidarisk ansvar',
  DA: 'Ansvarlig selskap med delt ansvar',
  SA: 'Samvirkeforetak',
  STI: 'Stiftelse',
  FLI: 'Forening/lag/innretning',
  BEDR: 'Underenhet til næringsdrivende og offentlig forvaltning',
  AAFY: 'Underenhet til ikke-næringsdrivende',
  ORGL: 'Organisasjonsledd',
  STAT: 'Staten',
  KOMM: 'Kommune',
  FYLK: 'Fylkeskommune',
  SF: 'Statsforetak',
};

/** Institusjonell sektorkode (SSB standard for sektorgruppering) used by the generator. */
export const SEKTORKODER: Readonly<Record<string, string>> = {
  '1110': 'Statlig eide aksjeselskaper mv.',
  '2100': 'Private aksjeselskaper mv.',
  '2500': 'Private produsentorienterte foretak uten eget styre',
  '3900': 'Andre finansielle foretak',
  '6100': 'Statsforvaltningen',
  '6500': 'Kommuneforvaltningen',
  '7000': 'Ideelle organisasjoner',
  '8200': 'Personlig næringsdrivende',
};

/** A line of business: the word used in generated names and its næringskode (SN2007). */
export interface Industry {
  /** Word in the organisation name ("BYGG"). */
  word: string;
  kode: string;
  beskrivelse: string;
}

/** Industries drawn for generated business organisations. */
export const INDUSTRIES: readonly Industry[] = [
  { word: 'BYGG', kode: '41.200', beskrivelse: 'Oppføring av bygninger' },
  { word: 'ELEKTRO', kode: '43.210', beskrivelse: 'Elektrisk installasjonsarbeid' },
  { word: 'RØR', kode: '43.221', beskrivelse: 'Rørleggerarbeid' },
  { word: 'MALING', kode: '43.341', beskrivelse: 'Malerarbeid' },
  { word: 'TRANSPORT', kode: '49.410', beskrivelse: 'Godstransport på vei' },
  { word: 'DATA', kode: '62.010', beskrivelse: 'Programmeringstjenester' },
  { word: 'IT-KONSULENT', kode: '62.020', beskrivelse: 'Konsulentvirksomhet tilknyttet informasjonsteknologi' },
  { word: 'EIENDOM', kode: '68.209', beskrivelse: 'Utleie av egen eller leid fast eiendom ellers' },
  { word: 'INVEST', kode: '64.200', beskrivelse: 'Holdingselskaper' },
  { word: 'HOLDING', kode: '64.200', beskrivelse: 'Holdingselskaper' },
  { word: 'KAFÉ', kode: '56.101', beskrivelse: 'Drift av restauranter og kafeer' },
  { word: 'HANDEL', kode: '47.190', beskrivelse: 'Butikkhandel med bredt vareutvalg ellers' },
  { word: 'RÅDGIVNING', kode: '70.220', beskrivelse: 'Bedriftsrådgivning og annen administrativ rådgivning' },
  { word: 'FISKE', kode: '03.111', beskrivelse: 'Hav- og kystfiske' },
  { word: 'GÅRD', kode: '01.410', beskrivelse: 'Melkeproduksjon på storfe' },
  { word: 'ARKITEKTER', kode: '71.111', beskrivelse: 'Arkitekttjenester vedrørende byggeprosjekter' },
  { word: 'TANNKLINIKK', kode: '86.230', beskrivelse: 'Tannhelsetjenester' },
  { word: 'FRISØR', kode: '96.021', beskrivelse: 'Frisering og annen skjønnhetspleie' },
];

/** The auditing industry (REVI role holders). */
export const AUDIT_INDUSTRY: Industry = { word: 'REVISJON', kode: '69.201', beskrivelse: 'Revisjon' };
/** The accounting industry (REGN role holders). */
export const ACCOUNTING_INDUSTRY: Industry = { word: 'REGNSKAP', kode: '69.202', beskrivelse: 'Regnskap og bokføring' };
/** Non-profit activity (FLI, STI). */
export const NONPROFIT_INDUSTRIES: readonly Industry[] = [
  { word: 'IDRETTSLAG', kode: '93.120', beskrivelse: 'Drift av idrettsklubber' },
  { word: 'VELFORENING', kode: '94.991', beskrivelse: 'Aktiviteter i andre interesseorganisasjoner ikke nevnt annet sted' },
  { word: 'KORPS', kode: '94.991', beskrivelse: 'Aktiviteter i andre interesseorganisasjoner ikke nevnt annet sted' },
  { word: 'STIFTELSEN', kode: '88.990', beskrivelse: 'Andre sosialtjenester uten botilbud ikke nevnt annet sted' },
];
/** Public administration. */
export const PUBLIC_ADMINISTRATION: Industry = { word: '', kode: '84.110', beskrivelse: 'Generell offentlig administrasjon' };

/** Place-like words for generated business names (`NORDLYS BYGG AS`). */
export const NAME_WORDS = [
  'NORDLYS', 'FJORD', 'VIKING', 'POLAR', 'BJØRK', 'FURU', 'HAV', 'TIND', 'ELVE', 'LYNG',
  'MOLO', 'STEIN', 'SKOG', 'SØR', 'NORD', 'VEST', 'ØST', 'MIDT', 'BRE', 'VIDDE',
  'KYST', 'DAL', 'ÅS', 'BØLGE', 'FALK', 'ØRN', 'ULV', 'LAKS', 'TORSK', 'SOL',
] as const;

/** Enhetsregisteret role types: code → description. */
export const ROLLETYPER: Readonly<Record<string, string>> = {
  DAGL: 'Daglig leder',
  LEDE: 'Styrets leder',
  NEST: 'Nestleder',
  MEDL: 'Styremedlem',
  VARA: 'Varamedlem',
  REVI: 'Revisor',
  REGN: 'Regnskapsfører',
  KONT: 'Kontaktperson',
  INNH: 'Innehaver',
  DTSO: 'Deltaker med solidarisk ansvar (ANS)',
  DTPR: 'Deltaker med delt ansvar (DA)',
};

/** Enhetsregisteret role groups (rollegruppetyper): code → description. */
export const ROLLEGRUPPETYPER: Readonly<Record<string, string>> = {
  DAGL: 'Daglig leder/ adm.direktør',
  STYR: 'Styre',
  REVI: 'Revisor',
  REGN: 'Regnskapsfører',
  KONT: 'Kontaktperson',
  INNH: 'Innehaver',
  DTSO: 'Deltakere',
  DTPR: 'Deltakere',
};

/** The role group a role type belongs to (board roles belong to `STYR`). */
export function rollegruppeFor(rolle: string): string {
  return rolle === 'LEDE' || rolle === 'NEST' || rolle === 'MEDL' || rolle === 'VARA' ? 'STYR' : rolle;
}
