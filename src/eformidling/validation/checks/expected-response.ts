/**
 * Rule: `expectedResponseDateTime` (the ConversationId scope's `scopeInformation[]`), when given,
 * is an ISO 8601 date-time with an offset (`Z` or `±hh:mm`; seconds and a fraction optional, as
 * Java's `OffsetDateTime.parse`), names a real calendar time, and lies after `now`. It is the
 * message's time-to-live: the integration point stops delivering at that time (status
 * `LEVETID_UTLOPT`). When absent, the caller applies the default (24 h in the integration point,
 * `difi.move.nextmove.default-ttl-hours`); validation does not invent one.
 *
 * @see spec `eformidling-elma-einnsyn.md` §1.4 "Time-to-live"; Digdir `standard_sbd.md`
 *   (`scopeInformation[].expectedResponseDateTime`: "ISO 8601 datorepresentasjon")
 */
import { problemsError, type SbdProblem } from '../errors.ts';
import { formatPath } from '../schemas.ts';
import type { SbdScope } from '../sbd-types.ts';
import { HEADER_KEY } from './envelope.ts';

const OFFSET_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](\d{2}):(\d{2}))$/i;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parses an ISO 8601 date-time with offset, e.g. `2024-05-01T12:00:00+02:00`,
 * `2024-05-01T10:00Z`, `2019-07-02T15:05:04.7960494+02:00`.
 *
 * @returns the instant, or undefined when the text is not such a date-time or names no real time
 *   (month 13, 30 February, hour 24, offset beyond ±18:00)
 */
export function parseOffsetDateTime(text: string): Date | undefined {
  const m = OFFSET_DATE_TIME.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[8]?.toUpperCase() !== 'Z') {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 18 || om > 59 || oh * 60 + om > 18 * 60) return undefined;
    offsetMinutes = (m[8]?.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return new Date(date.getTime() - offsetMinutes * 60_000);
}

/**
 * @param scope the ConversationId scope
 * @param index its index in `businessScope.scope[]`
 * @param now the current time
 * @returns the deadline of the first `scopeInformation` that has one, or undefined
 * @throws AppError `EFORMIDLING_SBD_INVALID` when a deadline is malformed or not after `now`
 */
export function checkExpectedResponseDateTime(scope: SbdScope, index: number, now: Date): Date | undefined {
  let first: Date | undefined;
  const problems: SbdProblem[] = [];
  for (const [i, information] of (scope.scopeInformation ?? []).entries()) {
    const text = information.expectedResponseDateTime;
    if (text === undefined) continue;
    const deadline = parseOffsetDateTime(text);
    const path = (): string => formatPath([HEADER_KEY, 'businessScope', 'scope', index, 'scopeInformation', i, 'expectedResponseDateTime']);
    if (deadline === undefined) {
      problems.push({ path: path(), message: 'must be an ISO 8601 date-time with offset, e.g. 2024-05-01T12:00:00+02:00' });
    } else if (deadline.getTime() <= now.getTime()) {
      problems.push({ path: path(), message: `must be in the future (the message's time-to-live); it is ${deadline.toISOString()}, now is ${now.toISOString()}` });
    } else {
      first ??= deadline;
    }
  }
  if (problems.length > 0) throw problemsError('EFORMIDLING_SBD_INVALID', problems);
  return first;
}
