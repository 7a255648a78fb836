/**
 * Times as DPI writes them: ISO 8601 with the Norwegian offset (`2024-05-01T12:00:00.123+02:00`),
 * and the start of a day in Europe/Oslo (for `virkningsdato`, a date without a time).
 */

const OSLO = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Oslo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'longOffset',
});

function osloParts(ms: number): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const p of OSLO.formatToParts(new Date(ms))) parts[p.type] = p.value;
  return parts;
}

/** The Oslo offset at an instant, in minutes east of UTC (60 or 120). */
function osloOffsetMinutes(ms: number): number {
  const name = osloParts(ms).timeZoneName!;
  const m = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/**
 * An instant as `YYYY-MM-DDTHH:mm:ss.SSS+01:00` in Europe/Oslo time (RFC 3339 `date-time`).
 *
 * @param ms epoch milliseconds
 */
export function osloDateTime(ms: number): string {
  const p = osloParts(ms);
  const offset = p.timeZoneName === 'GMT' ? '+00:00' : p.timeZoneName!.slice(3);
  const millis = String(((ms % 1000) + 1000) % 1000).padStart(3, '0');
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}.${millis}${offset}`;
}

/**
 * 00:00 Europe/Oslo on a date, as epoch ms (midnight never falls in a DST gap in Norway: the
 * clocks change at 02:00/03:00).
 *
 * @param date `YYYY-MM-DD`
 * @throws Error when `date` is not such a date
 */
export function osloMidnight(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const guess = utc - osloOffsetMinutes(utc) * 60_000;
  return utc - osloOffsetMinutes(guess) * 60_000;
}
