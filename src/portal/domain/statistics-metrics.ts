/**
 * The figures of the statistics page (`/statistikk`): the usage figures of Digdir's annual
 * report, each measured by the platform itself.
 *
 * Two kinds:
 * - `hendelser` (events): counted when they happen, in the platform's usage counters
 *   (`platform_stats`, `component`/`event` per day); a period's figure is the sum of its days;
 * - `beholdning` (a stock, a gauge): how many there are at a moment (citizens with a digital
 *   mailbox, customers, services), counted live from the registers' tables; a past period's
 *   figure is the last daily snapshot taken in it (see `statistics-gauges.ts`).
 *
 * A figure is shown only when one of its `components` runs in this process (`--only`): a
 * component that does not run has no row.
 *
 * @see ../README.md "Statistics"; issue 8 "Statistics"
 */
import type { LocalizedText } from '../../platform/component.ts';

/** `hendelser`: events counted per day; `beholdning`: a count of what exists at a moment. */
export type StatisticsKind = 'hendelser' | 'beholdning';

/** One figure of the statistics table. */
export interface StatisticsMetric {
  /** Stable identifier, as in the CSV and JSON exports (`innlogginger_idporten`). */
  id: string;
  kind: StatisticsKind;
  /** Shown when any of these components runs. */
  components: readonly string[];
  /** The usage counter a `hendelser` figure sums (`platform_stats.component` / `event`). */
  counter?: { component: string; event: string };
  title: Required<LocalizedText>;
}

/** Every figure, in the order of the table (the annual report's order). */
export const STATISTICS_METRICS: readonly StatisticsMetric[] = [
  {
    id: 'innlogginger_idporten',
    kind: 'hendelser',
    components: ['idporten'],
    // One per authorization code issued (src/idporten/provider/create-provider.ts).
    counter: { component: 'idporten', event: 'login' },
    title: { nb: 'Innlogginger i ID-porten', nn: 'Innloggingar i ID-porten', en: 'Logins in ID-porten' },
  },
  {
    id: 'oppslag_krr',
    kind: 'hendelser',
    components: ['krr'],
    // Persons looked up through the lookup API (src/krr/routes/lookup-routes.ts; buffered).
    counter: { component: 'krr', event: 'lookup' },
    title: { nb: 'Oppslag i Kontaktregisteret (KRR)', nn: 'Oppslag i Kontaktregisteret (KRR)', en: 'Lookups in the Contact Register (KRR)' },
  },
  {
    id: 'brev_digital_postkasse',
    kind: 'hendelser',
    components: ['digitalpost'],
    // One per letter filed by a mailbox provider (src/digitalpost/provider/process-message.ts).
    counter: { component: 'digitalpost', event: 'letter' },
    title: { nb: 'Brev sendt til digitale postkasser', nn: 'Brev sende til digitale postkassar', en: 'Letters sent to digital mailboxes' },
  },
  {
    id: 'innbyggere_digital_postkasse',
    kind: 'beholdning',
    components: ['krr'],
    title: { nb: 'Innbyggere med digital postkasse', nn: 'Innbyggjarar med digital postkasse', en: 'Citizens with a digital mailbox' },
  },
  {
    id: 'meldinger_eformidling',
    kind: 'hendelser',
    components: ['eformidling'],
    // One per message sent (src/eformidling/domain/integration-point.ts, sendMessage).
    counter: { component: 'eformidling', event: 'message' },
    title: { nb: 'Meldinger sendt med eFormidling', nn: 'Meldingar sende med eFormidling', en: 'Messages sent through eFormidling' },
  },
  {
    id: 'tokens_maskinporten',
    kind: 'hendelser',
    components: ['maskinporten'],
    // One per token issued (src/maskinporten/domain/grant/record-grant.ts; buffered).
    counter: { component: 'maskinporten', event: 'token' },
    title: { nb: 'Tokens utstedt av Maskinporten', nn: 'Token skrivne ut av Maskinporten', en: 'Tokens issued by Maskinporten' },
  },
  {
    id: 'kunder',
    kind: 'beholdning',
    components: ['idporten', 'maskinporten'],
    title: { nb: 'Kunder (virksomheter med klienter)', nn: 'Kundar (verksemder med klientar)', en: 'Customers (organisations with clients)' },
  },
  {
    id: 'tjenester',
    kind: 'beholdning',
    components: ['idporten', 'maskinporten'],
    title: { nb: 'Tjenester (klienter)', nn: 'Tenester (klientar)', en: 'Services (clients)' },
  },
];

/**
 * The figures shown when the given components run, in table order.
 *
 * @param running names of the components this process serves (`platform.components`)
 */
export function shownMetrics(running: readonly string[], metrics: readonly StatisticsMetric[] = STATISTICS_METRICS): StatisticsMetric[] {
  return metrics.filter((m) => m.components.some((c) => running.includes(c)));
}
