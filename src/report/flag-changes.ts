import type { FlagStatusLike, StoredFlag } from './stored-flag';

/** One changed value of a flag, as a plan shows it (`production: rollout 10% → 30%`). */
export interface FieldChange {
  /** Field path: `displayName`, `issueKeys`, `<environment>.enabled`, `<environment>.rollout`, … */
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly text: string;
}

/** The flag a run would send, reduced to what a plan compares (an UnstampedFlag fits). */
export interface FlagValues {
  readonly displayName?: string;
  readonly associations: ReadonlyArray<{ readonly values: readonly unknown[] }>;
  readonly details: ReadonlyArray<{
    readonly url?: string;
    readonly environment: { readonly name: string; readonly type?: string };
    readonly status: FlagStatusLike;
  }>;
}

/** A rollout in a few words: `30%`, `"2 rules; default 40%"`, `3 rules`; undefined without one. */
export function rolloutText(status: FlagStatusLike | undefined): string | undefined {
  const r = status?.rollout;
  if (r === undefined) return undefined;
  if (r.percentage !== undefined) return `${r.percentage}%`;
  if (r.text !== undefined) return JSON.stringify(r.text);
  if (r.rules !== undefined) return `${r.rules} rules`;
  return undefined;
}

/** `on, rollout 30%` — a status in a few words, for created flags and added environments. */
export function describeStatus(status: FlagStatusLike): string {
  const rollout = rolloutText(status);
  return [status.enabled ? 'on' : 'off', ...(rollout === undefined ? [] : [`rollout ${rollout}`])].join(', ');
}

const shown = (value: string | undefined): string => (value === undefined ? '(none)' : value);

function keysOf(flag: { readonly associations?: ReadonlyArray<{ readonly values: readonly unknown[] }> }): string[] {
  return (flag.associations ?? []).flatMap((a) => a.values.filter((v): v is string => typeof v === 'string'));
}

function environmentChanges(
  name: string,
  before: FlagValues['details'][number] | undefined,
  after: FlagValues['details'][number] | undefined,
): FieldChange[] {
  if (before === undefined && after !== undefined)
    return [{ field: name, before: null, after: after.status, text: `${name}: added (${describeStatus(after.status)})` }];
  if (after === undefined && before !== undefined)
    return [{ field: name, before: before.status, after: null, text: `${name}: removed (was ${describeStatus(before.status)})` }];
  if (before === undefined || after === undefined) return [];
  const changes: FieldChange[] = [];
  const add = (field: string, b: unknown, a: unknown, text: string): void => {
    changes.push({ field: `${name}.${field}`, before: b ?? null, after: a ?? null, text: `${name}: ${text}` });
  };
  if (before.status.enabled !== after.status.enabled)
    add('enabled', before.status.enabled, after.status.enabled, `enabled ${before.status.enabled} → ${after.status.enabled}`);
  const rb = rolloutText(before.status);
  const ra = rolloutText(after.status);
  if (rb !== ra) add('rollout', before.status.rollout, after.status.rollout, `rollout ${shown(rb)} → ${shown(ra)}`);
  if (before.status.defaultValue !== after.status.defaultValue)
    add(
      'defaultValue',
      before.status.defaultValue,
      after.status.defaultValue,
      `default ${shown(before.status.defaultValue)} → ${shown(after.status.defaultValue)}`,
    );
  if (before.environment.type !== after.environment.type)
    add(
      'type',
      before.environment.type,
      after.environment.type,
      `type ${shown(before.environment.type)} → ${shown(after.environment.type)}`,
    );
  if (before.url !== after.url) add('url', before.url, after.url, `url ${shown(before.url)} → ${shown(after.url)}`);
  return changes;
}

/**
 * What changes between the flag Jira holds and the one a run would send, value by value. Pure. Send-time fields
 * (sequence id, lastUpdated) are not compared; the summary is derived from the details, so only they are shown.
 */
export function flagChanges(before: StoredFlag, after: FlagValues): FieldChange[] {
  const changes: FieldChange[] = [];
  if (before.displayName !== after.displayName) {
    changes.push({
      field: 'displayName',
      before: before.displayName ?? null,
      after: after.displayName ?? null,
      text: `name ${JSON.stringify(before.displayName ?? '')} → ${JSON.stringify(after.displayName ?? '')}`,
    });
  }
  const keysBefore = keysOf(before);
  const keysAfter = keysOf(after);
  const added = keysAfter.filter((k) => !keysBefore.includes(k));
  const removed = keysBefore.filter((k) => !keysAfter.includes(k));
  if (added.length + removed.length > 0) {
    const parts = [...added.map((k) => `+${k}`), ...removed.map((k) => `-${k}`)];
    changes.push({ field: 'issueKeys', before: keysBefore, after: keysAfter, text: `issue keys ${parts.join(' ')}` });
  }
  const names = [...new Set([...before.details.map((d) => d.environment.name), ...after.details.map((d) => d.environment.name)])];
  for (const name of names) {
    changes.push(
      ...environmentChanges(
        name,
        before.details.find((d) => d.environment.name === name),
        after.details.find((d) => d.environment.name === name),
      ),
    );
  }
  return changes;
}

/** A new flag's values in one line: `production: on, rollout 30%; staging: off`. */
export function describeFlag(flag: FlagValues): string {
  return flag.details.map((d) => `${d.environment.name}: ${describeStatus(d.status)}`).join('; ');
}
