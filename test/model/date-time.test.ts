import { strict as assert } from 'node:assert';
import { toRfc3339Utc } from '../../src/model/date-time';

describe('date-times for Jira (src/model/date-time.ts)', () => {
  const cases: Array<[string, string | undefined]> = [
    ['2026-11-01T10:00:00.000Z', '2026-11-01T10:00:00.000Z'],
    ['2026-11-01T12:00:00+02:00', '2026-11-01T10:00:00.000Z'],
    ['2026-11-01T05:30:00-0430', '2026-11-01T10:00:00.000Z'],
    ['2026-11-01T10:00:00.123456Z', '2026-11-01T10:00:00.123Z'],
    ['2026-11-01 10:00:00Z', '2026-11-01T10:00:00.000Z'],
    ['2026-11-01T10:00', '2026-11-01T10:00:00.000Z'],
    ['2026-11-01', '2026-11-01T00:00:00.000Z'],
    ['yesterday', undefined],
    ['Sun Nov 01 2026 10:00:00 GMT+0000', undefined],
    ['11/01/2026', undefined],
    ['1700000000', undefined],
    ['2026-02-30T00:00:00Z', undefined],
    ['2026-11-01T25:00:00Z', undefined],
    ['', undefined],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${String(expected)}`, () => assert.equal(toRfc3339Utc(input), expected));
  }
});
