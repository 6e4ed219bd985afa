/**
 * Jira's date-time fields (`lastUpdated`, `authorTimestamp`, …) take RFC 3339. Adapters hand over whatever their
 * source says; the core accepts ISO 8601 / RFC 3339 date-times only (no "yesterday", no locale formats that
 * Date.parse would guess at) and sends them as UTC with milliseconds.
 */

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * `2026-11-01T12:00:00+02:00` → `2026-11-01T10:00:00.000Z`; undefined when the value is not an ISO 8601 date-time
 * or names no real moment (February 30th, 25 o'clock). A date alone is midnight UTC; a time without an offset is
 * taken as UTC.
 */
export function toRfc3339Utc(value: string): string | undefined {
  // Adapters hand over the same few times for many entities (each file's mtime for each of its flags): remember
  // recent ones. The cache starts over when full, so it stays small whatever the times are.
  const known = recent.get(value);
  if (known !== undefined || recent.has(value)) return known;
  const result = parseRfc3339Utc(value);
  if (recent.size >= RECENT_TIMES) recent.clear();
  recent.set(value, result);
  return result;
}

const RECENT_TIMES = 256;
const recent = new Map<string, string | undefined>();

function parseRfc3339Utc(value: string): string | undefined {
  const match = DATE_TIME.exec(value.trim());
  if (match === null) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone = 'Z'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(3).replace(':', '') || '00'}`;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}.${(fraction + '000').slice(0, 3)}${offset}`);
  if (Number.isNaN(ms)) return undefined;
  // An offset can carry a time past year 9999 or before year 0 in UTC, which ISO writes with a sign and six digits
  // (+010000-01-01…): no RFC 3339 date-time.
  const utc = new Date(ms).toISOString();
  return /^\d{4}-/.test(utc) ? utc : undefined;
}
