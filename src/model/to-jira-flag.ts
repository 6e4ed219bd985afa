import type { EnvironmentType, FlagEnvironment, NormalizedFlag, Rollout } from '../kit/flag';
import type { JiraFeatureFlag, JiraFlagDetail, JiraFlagStatus } from '../jira/payloads';
import { defaultEnvironmentType, environmentRank } from './environment-type';
import { linkIssueKeys, MAX_ISSUE_KEYS, type LinkingOptions } from './issue-keys';
import { linkForPeople } from '../kit/link-url';
import { toRfc3339Utc } from './date-time';
import { cleanText, cutText, needsCleaning } from './text';

type Detail = JiraFlagDetail;
type Summary = JiraFeatureFlag['summary'];

/**
 * A Jira feature flag before it is stamped: no updateSequenceId and no timestamps. Times live apart (FlagTimes) so
 * the flag itself can be hashed as it is — a source's time moving without a real change (a flag file's mtime
 * covers every flag in it) must not count as a change — and are only worked out for flags that are sent.
 */
export interface UnstampedFlag extends Omit<JiraFeatureFlag, 'updateSequenceId' | 'summary' | 'details'> {
  readonly summary: Omit<Summary, 'lastUpdated'>;
  readonly details: ReadonlyArray<Omit<Detail, 'lastUpdated'>>;
}

export interface FlagTimes {
  readonly flag: string | undefined;
  /** Per detail, in the same order; undefined when the source does not know. */
  readonly details: ReadonlyArray<string | undefined>;
}

export interface UnstampedFlagWithTimes {
  readonly flag: UnstampedFlag;
  readonly times: FlagTimes;
  /** The flag's JSON, when hashing made it: sending it then serializes nothing again. */
  readonly json?: FlagJson;
}

/**
 * A flag held as its JSON parts alone, from the mapping until it is sent: a run that sends 100k flags otherwise keeps
 * some twenty objects a flag alive through the whole send, which the garbage collector walks again and again. The
 * flag itself is parsed back from its JSON when something asks for it (a plan showing its values).
 */
export class FlagKeptAsJson implements UnstampedFlagWithTimes {
  constructor(
    readonly id: string,
    readonly json: FlagJson,
    readonly times: FlagTimes,
  ) {}

  get flag(): UnstampedFlag {
    return JSON.parse(this.json.text) as UnstampedFlag;
  }

  /** The flag's issue links, read from its JSON alone (the client names unknown issue keys from them). */
  get associations(): UnstampedFlag['associations'] {
    const { text, at } = this.json;
    return JSON.parse(text.slice(at[0], at[1])) as UnstampedFlag['associations'];
  }
}

/**
 * `JSON.stringify` of an UnstampedFlag (key order id, key, displayName, associations, summary, details, which
 * stamping keeps and extends) as one string, and where stamping adds to it: `at` holds the offsets where its
 * associations' JSON starts and ends, then that of its summary's closing brace and of each detail's. One string and
 * one short array a flag, held from the mapping until the flag is sent.
 */
export interface FlagJson {
  readonly text: string;
  readonly at: readonly number[];
}

export interface MappingContext {
  /** Environment name → Jira type from the provider's config; unknown names fall back to defaults by name. */
  readonly environmentTypes: ReadonlyMap<string, EnvironmentType | undefined>;
  readonly linking: LinkingOptions;
}

export type FlagMapping =
  | {
      readonly kind: 'mapped';
      readonly id: string;
      readonly flag: UnstampedFlag;
      readonly times: FlagTimes;
      readonly issueKeys: readonly string[];
      readonly warnings: readonly string[];
    }
  | { readonly kind: 'unlinked'; readonly id: string }
  | {
      readonly kind: 'skipped';
      readonly id: string;
      readonly reason: string;
      /** The adapter (or its config) gave no link: every such flag is skipped until that changes. */
      readonly noLink?: true;
    };

const MAX_TEXT = 255;
const MAX_URL = 2000;

/** Stable across runs and unique across providers. */
export function jiraFlagId(provider: string, key: string): string {
  return `${provider}:${key}`;
}

function clip(value: string, field: string, warnings: string[]): string {
  let text = value;
  if (needsCleaning(text)) {
    text = cleanText(text);
    warnings.push(`${field}: control or bidi-override characters removed`);
  }
  if (text.length <= MAX_TEXT) return text;
  warnings.push(`${field} cut to ${MAX_TEXT} characters`);
  return cutText(text, MAX_TEXT);
}

/**
 * The link Jira gets for an adapter's URL: http(s) without credentials (linkForPeople), at most Jira's 2000
 * characters; anything else is left out, with a warning when a URL was given but cannot be sent.
 */
function linkOf(raw: string | undefined, field: () => string, warnings: string[]): string | undefined {
  if (raw === undefined) return undefined;
  const link = linkForPeople(raw);
  if (link === undefined) warnings.push(`${field()}: not an http(s) URL people can open, left out`);
  else if (link.length > MAX_URL) warnings.push(`${field()}: URL longer than ${MAX_URL} characters, left out`);
  else return link;
  return undefined;
}

/**
 * Over-long text is cut (whole characters only) and control or bidi-override characters are dropped, each with a
 * warning naming the field; the checks are inline so the common case allocates nothing.
 */
function fit(value: string, field: () => string, warnings: string[]): string {
  return value.length <= MAX_TEXT && !needsCleaning(value) ? value : clip(value, field(), warnings);
}

function mapRollout(rollout: Rollout | undefined, where: () => string, warnings: string[]): JiraFlagStatus['rollout'] {
  if (rollout === undefined) return undefined;
  // Jira reads percentage, then text, then rules; send the one that describes the rollout best.
  if (rollout.percentage !== undefined) {
    if (Number.isFinite(rollout.percentage) && rollout.percentage >= 0 && rollout.percentage <= 100) {
      return { percentage: Math.round(rollout.percentage * 100) / 100 };
    }
    warnings.push(`${where()}: rollout percentage ${String(rollout.percentage)} is outside 0..100, left out`);
  }
  if (rollout.text !== undefined && rollout.text !== '') return { text: fit(rollout.text, () => `${where()}: rollout text`, warnings) };
  if (rollout.rules !== undefined && Number.isInteger(rollout.rules) && rollout.rules >= 0) return { rules: rollout.rules };
  return undefined;
}

function mapStatus(env: FlagEnvironment, where: () => string, warnings: string[]): JiraFlagStatus {
  const status: { enabled: boolean; defaultValue?: string; rollout?: JiraFlagStatus['rollout'] } = { enabled: env.enabled };
  if (env.defaultValue !== undefined) status.defaultValue = fit(env.defaultValue, () => `${where()}: defaultValue`, warnings);
  // Off, a flag reaches no one: a rollout beside it would tell Jira users otherwise.
  if (!env.enabled && env.rollout !== undefined) {
    warnings.push(`${where()}: rollout left out, the flag is off there`);
    return status;
  }
  const rollout = mapRollout(env.rollout, where, warnings);
  if (rollout !== undefined) status.rollout = rollout;
  return status;
}

// Environment names repeat across every flag of a provider; their default types are worked out once.
const defaultTypes = new Map<string, EnvironmentType | undefined>();

/** The config's type for the environment, else the provider's own, else a guess from its name. */
function typeOf(env: FlagEnvironment, ctx: MappingContext): EnvironmentType | undefined {
  if (ctx.environmentTypes.has(env.name)) return ctx.environmentTypes.get(env.name);
  if (env.type !== undefined) return env.type;
  if (!defaultTypes.has(env.name)) {
    if (defaultTypes.size > 1000) defaultTypes.clear();
    defaultTypes.set(env.name, defaultEnvironmentType(env.name));
  }
  return defaultTypes.get(env.name);
}

/** An adapter's time as RFC 3339 UTC; one that is none is left out (the send time stands in) with a warning. */
function timeOf(value: string | undefined, field: () => string, warnings: string[]): string | undefined {
  if (value === undefined) return undefined;
  const normalized = toRfc3339Utc(value);
  if (normalized === undefined) warnings.push(`${field()}: ${JSON.stringify(value.slice(0, 40))} is not an RFC 3339 date-time, left out`);
  return normalized;
}

/**
 * How far one environment is rolled out, to pick the summary: off below everything; on with a percentage at that
 * percentage; on for everyone (no rollout) at 100; on through rules or text alone at 0, since how many they reach
 * is unknown.
 */
function rolloutScore(status: JiraFlagStatus): number {
  if (!status.enabled) return -1;
  if (status.rollout === undefined) return 100;
  return status.rollout.percentage ?? 0;
}

/**
 * The summary roll-up: the environment of the highest Jira type (production > staging > testing > development >
 * none) that is rolled out furthest (rolloutScore), the first in provider order on a tie. The summary shows that
 * environment's status as it is, so "enabled" and the rollout always describe one real environment.
 */
export function summaryDetail(details: readonly Omit<Detail, 'lastUpdated'>[]): Omit<Detail, 'lastUpdated'> {
  let lead = details[0]!;
  let leadRank = -1;
  let leadScore = -Infinity;
  for (const d of details) {
    const rank = d.environment.type === undefined ? 0 : environmentRank[d.environment.type];
    const score = rolloutScore(d.status);
    if (rank > leadRank || (rank === leadRank && score > leadScore)) {
      lead = d;
      leadRank = rank;
      leadScore = score;
    }
  }
  return lead;
}

type JiraEnvironment = Detail['environment'];

/**
 * Every flag of a provider names the same few environments: each (name, type) gets one frozen object, shared by all
 * the details that name it, rather than one per flag and environment kept alive until the flags are sent. A name
 * that must be trimmed is made apart, so its warning is given for each flag.
 */
const sharedEnvironments = new Map<string, Map<EnvironmentType | undefined, JiraEnvironment>>();

function environmentOf(name: string, type: EnvironmentType | undefined, where: () => string, warnings: string[]): JiraEnvironment {
  const fitted = fit(name, () => `${where()}: name`, warnings);
  if (fitted !== name) return type === undefined ? { name: fitted } : { name: fitted, type };
  let byType = sharedEnvironments.get(name);
  if (byType === undefined) {
    if (sharedEnvironments.size >= 1000) sharedEnvironments.clear();
    sharedEnvironments.set(name, (byType = new Map()));
  }
  let environment = byType.get(type);
  if (environment === undefined) byType.set(type, (environment = Object.freeze(type === undefined ? { name } : { name, type })));
  return environment;
}

/** Normalized flag → Jira feature flag. Pure; warnings name what was trimmed. */
export function toJiraFlag(flag: NormalizedFlag, ctx: MappingContext): FlagMapping {
  const id = jiraFlagId(flag.provider, flag.key);
  const warnings: string[] = [];
  const link = linkIssueKeys(flag, ctx.linking);
  for (const bad of link.invalid) warnings.push(`"${bad}" is not a Jira issue key, ignored`);
  if (link.keys.length === 0) return { kind: 'unlinked', id };
  if (link.found > MAX_ISSUE_KEYS) warnings.push(`${link.found} issue keys found, only the first ${MAX_ISSUE_KEYS} are sent`);
  if (id.length > MAX_TEXT) return { kind: 'skipped', id, reason: `id longer than ${MAX_TEXT} characters` };
  if (flag.environments.length === 0) return { kind: 'skipped', id, reason: 'no environments' };

  const details: Array<Omit<Detail, 'lastUpdated'>> = [];
  const detailTimes: Array<string | undefined> = [];
  const seen: string[] = [];
  const flagUrl = linkOf(flag.url, () => 'url', warnings);
  for (const env of flag.environments) {
    // Warnings name the environment as Jira will show it: a control character would reach logs and terminals too.
    const where = (): string => `environment ${cleanText(env.name)}`;
    const environment = environmentOf(env.name, typeOf(env, ctx), where, warnings);
    // Names are compared as Jira gets them: two that differ only in what is cleaned or cut would be one there.
    if (environment.name.trim() === '')
      return { kind: 'skipped', id, reason: `${where()}: no name left once control characters are removed` };
    if (seen.includes(environment.name)) {
      warnings.push(`${where()} appears twice${environment.name === env.name ? '' : ' once cleaned or cut'}, second left out`);
      continue;
    }
    seen.push(environment.name);
    const url = linkOf(env.url, () => `${where()}: url`, warnings) ?? flagUrl;
    if (url === undefined)
      return {
        kind: 'skipped',
        id,
        noLink: true,
        reason: `${where()} has no link for people (an http(s) URL, which Jira requires): the adapter gives the flag's or the environment's url (flagd: configure urlTemplate; see the adapter's README)`,
      };
    detailTimes.push(timeOf(env.lastUpdated, () => `${where()}: lastUpdated`, warnings));
    details.push({ url, environment, status: mapStatus(env, where, warnings) });
  }

  const lead = summaryDetail(details);
  const key = fit(flag.key, () => 'key', warnings);
  if (key.trim() === '') return { kind: 'skipped', id, reason: 'key: nothing left once control characters are removed' };
  // Judged once cleaned: a name of control characters alone would show as a blank name.
  const name = flag.name === undefined ? '' : fit(flag.name, () => 'name', warnings);
  const jiraFlag: UnstampedFlag = {
    id,
    key,
    // Without one Jira shows the id, which is flagsync's internal `<provider>:<key>`.
    displayName: name.trim() !== '' ? name : key,
    associations: [{ associationType: 'issueIdOrKeys', values: link.keys }],
    summary: { url: flagUrl ?? lead.url, status: lead.status },
    details,
  };
  const times = { flag: timeOf(flag.lastUpdated, () => 'lastUpdated', warnings), details: detailTimes };
  return { kind: 'mapped', id, flag: jiraFlag, times, issueKeys: link.keys, warnings };
}

/** The last few times parsed: a run stamps many flags with the same few times (a flag file's mtime). */
const parsedTimes = new Map<string, number>();

function timeMs(text: string): number {
  let ms = parsedTimes.get(text);
  if (ms === undefined) {
    if (parsedTimes.size >= 64) parsedTimes.clear();
    parsedTimes.set(text, (ms = Date.parse(text)));
  }
  return ms;
}

function later(a: string, b: string): string {
  return a !== b && timeMs(b) > timeMs(a) ? b : a;
}

/**
 * What Jira receives: the sequence id, and times from the source (an environment's own, else the flag's, else the
 * send time). The summary carries the latest of them. Copies are made with Object.assign, not `{ ...x, key }`: on
 * Node 20 a spread followed by a key takes a slow path, about ten times the cost, paid for every flag sent.
 */
export function stampFlag(payload: UnstampedFlagWithTimes, updateSequenceId: number, nowIso: string): JiraFeatureFlag {
  const { flag } = payload;
  const { detailTimes, summaryTime } = stampTimes(payload.times, flag.details.length, nowIso);
  const details = flag.details.map((detail, i): Detail => Object.assign({}, detail, { lastUpdated: detailTimes[i]! }));
  const summary: Summary = Object.assign({}, flag.summary, { lastUpdated: summaryTime });
  return Object.assign({}, flag, { updateSequenceId, summary, details });
}

/** Each detail's time (its own, else the flag's, else the send time) and the summary's (the latest of them). */
function stampTimes(times: FlagTimes, details: number, nowIso: string): { detailTimes: string[]; summaryTime: string } {
  const fallback = times.flag ?? nowIso;
  let summaryTime = times.flag;
  const detailTimes = new Array<string>(details);
  for (let i = 0; i < details; i++) {
    const lastUpdated = times.details[i] ?? fallback;
    summaryTime = summaryTime === undefined ? lastUpdated : later(summaryTime, lastUpdated);
    detailTimes[i] = lastUpdated;
  }
  return { detailTimes, summaryTime: summaryTime ?? nowIso };
}

const OPEN_BRACE = 0x7b;

/**
 * `JSON.stringify(stampFlag(…))`, byte for byte, made from the flag's JSON: stamping only adds keys at the end of
 * objects whose JSON is already made (`lastUpdated` to the summary and each detail, `updateSequenceId` to the flag).
 */
export function stampedFlagJson(payload: UnstampedFlagWithTimes, json: FlagJson, updateSequenceId: number, nowIso: string): string {
  const { text, at } = json;
  // Counted from the offsets: reading `payload.flag` of a FlagKeptAsJson would parse the whole flag.
  const { detailTimes, summaryTime } = stampTimes(payload.times, at.length - 3, nowIso);
  let out = '';
  let from = 0;
  for (let i = 2; i < at.length; i++) {
    const end = at[i]!;
    const lastUpdated = i === 2 ? summaryTime : detailTimes[i - 3]!;
    out += `${text.slice(from, end)}${text.charCodeAt(end - 1) === OPEN_BRACE ? '' : ','}"lastUpdated":${JSON.stringify(lastUpdated)}`;
    from = end;
  }
  return `${out}${text.slice(from, -1)},"updateSequenceId":${updateSequenceId}}`;
}

/**
 * A flag as it is sent: stamped only when it is serialized (`JSON.stringify` calls `toJSON`) as its request is made.
 * A run that sends 100k flags then holds one small object per flag until its request, not a stamped copy of every
 * flag, summary and detail: those copies lived through the whole send and were a large part of its garbage collection.
 * Jira's client needs nothing else of it than its id and its issue keys.
 */
export class FlagStampedOnSend {
  readonly id: string;

  constructor(
    private readonly payload: UnstampedFlagWithTimes,
    readonly updateSequenceId: number,
    private readonly nowIso: string,
  ) {
    this.id = payload instanceof FlagKeptAsJson ? payload.id : payload.flag.id;
  }

  get associations(): UnstampedFlag['associations'] {
    const { payload } = this;
    return payload instanceof FlagKeptAsJson ? payload.associations : payload.flag.associations;
  }

  toJSON(): JiraFeatureFlag {
    return stampFlag(this.payload, this.updateSequenceId, this.nowIso);
  }

  /** Its JSON (what `JSON.stringify` gives), from the JSON hashing made when there is some. */
  serialized(): string {
    const { payload } = this;
    return payload.json === undefined ? JSON.stringify(this) : stampedFlagJson(payload, payload.json, this.updateSequenceId, this.nowIso);
  }
}
