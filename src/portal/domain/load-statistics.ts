/**
 * Reads what the statistics table is built from — the usage counters, the daily snapshots of
 * the `beholdning` figures and their live counts — and builds the table.
 */
import type { Platform } from '../../platform/platform.ts';
import { listGaugeSnapshots } from '../store/statistics-store.ts';
import { measureGauges } from './statistics-gauges.ts';
import { buildStatistics, type Statistics, type StatisticsPeriod } from './statistics-table.ts';

/**
 * The statistics table of one granularity, as it is now. This process's buffered counts are
 * written first (`Stats.list`), so they are included; other processes' within their flush
 * interval (1 s). A stock figure whose live count fails is logged and shown as the day's
 * snapshot, or unknown, so the page still answers.
 *
 * @param now epoch ms (the current period; default now)
 */
export async function loadStatistics(platform: Pick<Platform, 'db' | 'components' | 'stats' | 'log'>, periode: StatisticsPeriod, now: number = Date.now()): Promise<Statistics> {
  const counters = await platform.stats.list();
  const gaugeSnapshots = await listGaugeSnapshots(platform.db);
  const liveGauges = await measureGauges(platform, {
    onError: (err, figures) => platform.log.warn({ err, figures }, 'statistics: a live count failed; shown as unknown'),
  });
  return buildStatistics({ running: platform.components.map((c) => c.name), counters, gaugeSnapshots, liveGauges, now }, periode);
}
