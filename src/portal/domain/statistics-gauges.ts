/**
 * The `beholdning` figures of the statistics page, counted live from the registers of the
 * components that run here (through each component's entry, never its tables):
 * - `innbyggere_digital_postkasse`: citizens in KRR, `AKTIV`, with a digital mailbox (KRR);
 * - `kunder`: organisations with at least one active client in ID-porten or Maskinporten;
 * - `tjenester`: active clients in ID-porten and Maskinporten together.
 * Each counts only the registers of the components that run in this process.
 *
 * A stock has no history in those tables, so a recurring job ({@link GAUGE_SNAPSHOT_QUEUE},
 * every {@link GAUGE_SNAPSHOT_INTERVAL_MS}) stores each figure's value per day; a past day's,
 * month's or year's figure is the last snapshot in it, the current one's is counted live.
 */
import { countIdportenClientsByOrganisation } from '../../idporten/index.ts';
import { countDigitalMailboxes } from '../../krr/index.ts';
import { countMaskinportenClientsByOrganisation } from '../../maskinporten/index.ts';
import type { Platform } from '../../platform/platform.ts';
import { utcDay } from '../../platform/stats/stats.ts';
import { saveGaugeSnapshot } from '../store/statistics-store.ts';

/** Queue of the recurring snapshot of the `beholdning` figures. */
export const GAUGE_SNAPSHOT_QUEUE = 'portal.statistics.gauges';

/** How often the `beholdning` figures are snapshot, ms (hourly: a day's last one is ≤ 1 h before midnight). */
export const GAUGE_SNAPSHOT_INTERVAL_MS = 3_600_000;

/** Options of {@link measureGauges}. */
export interface MeasureOptions {
  /**
   * Called for a count that failed (its figures are then absent, i.e. unknown); when not
   * given, the failure is thrown.
   */
  onError?: (err: unknown, figures: string[]) => void;
}

/**
 * Counts the `beholdning` figures now, for the components that run.
 *
 * @returns value by figure id; a figure whose components do not run (or whose count failed,
 *   with `onError`) is absent
 * @throws the database's error when a count failed and no `onError` is given
 */
export async function measureGauges(platform: Pick<Platform, 'db' | 'components'>, options: MeasureOptions = {}): Promise<Record<string, number>> {
  const running = new Set(platform.components.map((c) => c.name));
  const out: Record<string, number> = {};
  const attempt = async (figures: string[], count: () => Promise<void>) => {
    try {
      await count();
    } catch (err) {
      if (!options.onError) throw err;
      options.onError(err, figures);
    }
  };
  if (running.has('krr')) {
    await attempt(['innbyggere_digital_postkasse'], async () => {
      out.innbyggere_digital_postkasse = await countDigitalMailboxes(platform.db);
    });
  }
  if (running.has('idporten') || running.has('maskinporten')) {
    await attempt(['kunder', 'tjenester'], async () => {
      const owners = [
        ...(running.has('idporten') ? await countIdportenClientsByOrganisation(platform.db) : []),
        ...(running.has('maskinporten') ? await countMaskinportenClientsByOrganisation(platform.db) : []),
      ];
      out.kunder = new Set(owners.map((o) => o.orgnr)).size;
      out.tjenester = owners.reduce((n, o) => n + o.clients, 0);
    });
  }
  return out;
}

/**
 * Measures the `beholdning` figures and stores them as the snapshot of the day of `now` (UTC),
 * replacing an earlier measurement of that day.
 *
 * @param now epoch ms
 */
export async function snapshotGauges(platform: Pick<Platform, 'db' | 'components'>, now: number = Date.now()): Promise<void> {
  const day = utcDay(now);
  for (const [indikator, value] of Object.entries(await measureGauges(platform))) {
    await saveGaugeSnapshot(platform.db, { indikator, day, value }, now);
  }
}

/** Registers the snapshot job's handler and makes it recurring (call once per process, at start). */
export async function scheduleGaugeSnapshots(platform: Platform): Promise<void> {
  platform.jobs.register(GAUGE_SNAPSHOT_QUEUE, async () => snapshotGauges(platform));
  await platform.jobs.every(GAUGE_SNAPSHOT_QUEUE, GAUGE_SNAPSHOT_INTERVAL_MS);
}
