import * as t from 'io-ts';
import type { EnvironmentType, SourceHttp } from '../../src/kit';
import { createAdminHttp, type AdminHttp } from './admin-http';
import {
  AdminFeatureCodec,
  EnvironmentsCodec,
  FeatureEventsPageCodec,
  NewestEventPageCodec,
  SearchFeatureCodec,
  SearchPageCodec,
  ProjectsCodec,
  SegmentsCodec,
  type SearchFeature,
} from './codecs';
import { mapWithConcurrency } from './concurrency';
import { decodeItem, type ItemDecoded } from '../../src/kit';
import { addSkip, attempt, featureNameOf, skippedList } from './entity';
import type { UnleashFeatureView, UnleashRead } from './model';
import { adminFeatureView, needsStrategies } from './views';

/**
 * Admin API mode: one admin (or personal access) token reads every environment. Reads the paged feature search,
 * then the features' newest events (last change times, a batch of features per query) and, per feature with a
 * configured environment on, its document (environments with strategies). A feature whose row or document does not decode, or whose document is
 * gone (404) by the time it is read, is skipped by name; the pages, lists and events around it are decoded strictly
 * and fail the read.
 */
export interface AdminReadOptions {
  readonly apiRoot: string;
  readonly token: string;
  readonly project?: string;
  readonly environments: readonly string[];
  readonly pageSize: number;
  readonly concurrency: number;
}

/** Unleash's environment types as Jira's; a type of its own (an Enterprise custom one) is left to the name. */
const JIRA_TYPES: Readonly<Record<string, EnvironmentType>> = {
  production: 'production',
  preproduction: 'staging',
  test: 'testing',
  development: 'development',
};

/** Checks the configured environments exist, and returns the Jira type of each whose Unleash type maps onto one. */
async function checkEnvironments(http: AdminHttp, wanted: readonly string[]): Promise<Map<string, EnvironmentType>> {
  const { environments } = (await http.get('admin/environments', {}, EnvironmentsCodec))!;
  const known = new Set(environments.map((e) => e.name));
  const missing = wanted.filter((name) => !known.has(name));
  if (missing.length > 0) {
    throw new Error(`environment(s) ${missing.join(', ')} not found in Unleash (it has: ${[...known].join(', ') || 'none'})`);
  }
  const types = new Map<string, EnvironmentType>();
  for (const env of environments) {
    const type = env.type === null || env.type === undefined ? undefined : JIRA_TYPES[env.type];
    if (type !== undefined && wanted.includes(env.name)) types.set(env.name, type);
  }
  return types;
}

/**
 * A configured project must exist: the feature search answers an unknown one (a typo, a renamed project) with no
 * features at all, which would delete every flag of the provider in Jira.
 */
async function checkProject(http: AdminHttp, project: string | undefined): Promise<void> {
  if (project === undefined) return;
  const { projects } = (await http.get('admin/projects', {}, ProjectsCodec))!;
  if (!projects.some((p) => p.id === project)) {
    const known = projects.map((p) => p.id).join(', ');
    throw new Error(`project ${JSON.stringify(project)} not found in Unleash (it has: ${known || 'none'}); nothing is read or deleted`);
  }
}

async function segmentNames(http: AdminHttp): Promise<Map<number, string>> {
  const { segments } = (await http.get('admin/segments', {}, SegmentsCodec))!;
  return new Map(segments.map((s) => [s.id, s.name]));
}

/** One row of the feature search: its name (always readable) and the decoded row, or why it could not be used. */
export interface ListedFeature {
  readonly name: string;
  readonly row: ItemDecoded<SearchFeature>;
}

/** Id of the newest event in the instance (null when it has none); every archive, revive, create or move writes one. */
export async function newestEventId(http: AdminHttp): Promise<number | null> {
  const page = await http.get('admin/search/events', { limit: '1', offset: '0' }, NewestEventPageCodec, { allow404: true });
  // The event search came with Unleash 6.1: without it no read can tell a list taken whole from one cut by a change.
  if (page === undefined)
    throw new Error(
      'GET /api/admin/search/events answered 404: the Admin API mode needs Unleash 6.1 or later; with an older Unleash, give each environment a clientToken instead of adminToken',
    );
  return page.events[0]?.id ?? null;
}

/**
 * Every active (not archived) feature, paged in Unleash's default order (created, then name). The search pages by
 * offset, so a feature archived on an already-read page shifts the next page's first feature onto it, unread, while
 * the distinct count still matches the new total. Any event written while paging therefore rejects the list: a
 * partial list would delete live flags in Jira. The count check stays for sources whose events do not tell.
 */
export async function listFeatures(
  http: AdminHttp,
  project: string | undefined,
  pageSize: number,
): Promise<{ listed: ListedFeature[]; newestEventId: number | null }> {
  const before = await newestEventId(http);
  const listed = await pageFeatures(http, project, pageSize);
  const after = await newestEventId(http);
  if (after !== before) {
    throw new Error(
      `flags changed while reading; try again next run (Unleash's newest event went from #${before ?? 'none'} to #${after ?? 'none'} while the feature list was paged)`,
    );
  }
  return { listed, newestEventId: before };
}

async function pageFeatures(http: AdminHttp, project: string | undefined, pageSize: number): Promise<ListedFeature[]> {
  const byName = new Map<string, ListedFeature>();
  let offset = 0;
  let total: number;
  do {
    const query: Record<string, string> = { offset: String(offset), limit: String(pageSize), archived: 'IS:false' };
    if (project !== undefined) query.project = `IS:${project}`;
    const page = (await http.get('admin/search/features', query, SearchPageCodec))!;
    total = page.total;
    page.features.forEach((raw, i) => {
      const name = featureNameOf(raw, `feature search row ${offset + i}`);
      const rowProject: unknown = (raw as { project?: unknown }).project;
      byName.set(`${String(rowProject)}\u0000${name}`, { name, row: decodeItem(SearchFeatureCodec, raw) });
    });
    if (page.features.length === 0) break;
    offset += page.features.length;
  } while (offset < total);
  if (byName.size !== total) {
    throw new Error(`flags changed while reading; try again next run (read ${byName.size} distinct features, Unleash reports ${total})`);
  }
  return [...byName.values()];
}

/** Names per event query: ~100 keeps the URL well below the 8 KB proxies commonly allow. */
const NAMES_PER_EVENT_QUERY = 100;
const URL_NAME_CHARS = 4000;
/** Unleash's largest event page. */
const EVENT_PAGE = 1000;

/** Groups names for `feature=IS_ANY_OF:a,b,…` (a name with a comma, which Unleash never creates, goes alone). */
function eventQueryBatches(names: readonly string[]): string[][] {
  const batches: string[][] = [];
  let batch: string[] = [];
  let chars = 0;
  for (const name of names) {
    if (name.includes(',')) {
      batches.push([name]);
      continue;
    }
    if (batch.length === NAMES_PER_EVENT_QUERY || chars + name.length > URL_NAME_CHARS) {
      batches.push(batch);
      batch = [];
      chars = 0;
    }
    batch.push(name);
    chars += name.length + 1;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/**
 * Each feature's last change time: the newest event naming it. One query covers a batch of features (events come
 * newest first, so a feature's first event is its newest), paged until every feature of the batch was seen: about
 * one request per 100 features instead of one per feature.
 */
async function lastChangeTimes(http: AdminHttp, names: readonly string[], concurrency: number): Promise<Map<string, string>> {
  const times = new Map<string, string>();
  await mapWithConcurrency(eventQueryBatches(names), concurrency, async (batch) => {
    const wanted = new Set(batch);
    const feature = batch.length === 1 ? `IS:${batch[0]!}` : `IS_ANY_OF:${batch.join(',')}`;
    for (let offset = 0; wanted.size > 0;) {
      const page = (await http.get(
        'admin/search/events',
        { feature, limit: String(EVENT_PAGE), offset: String(offset) },
        FeatureEventsPageCodec,
      ))!;
      for (const event of page.events) {
        // A single-name query answers that feature's events, whether or not Unleash names it in each event.
        const name = event.featureName ?? (batch.length === 1 ? batch[0]! : undefined);
        if (name !== undefined && wanted.delete(name)) times.set(name, event.createdAt);
      }
      offset += page.events.length;
      if (page.events.length === 0 || offset >= page.total) break;
    }
  });
  return times;
}

type FeatureOutcome =
  | { readonly kind: 'view'; readonly view: UnleashFeatureView }
  | { readonly kind: 'gone' }
  | { readonly kind: 'skipped'; readonly name: string; readonly reason: string };

async function readFeature(
  http: AdminHttp,
  listed: ListedFeature,
  options: AdminReadOptions,
  segments: ReadonlyMap<number, string>,
  changed: string | undefined,
): Promise<FeatureOutcome> {
  const { name } = listed;
  if (!listed.row.ok) return { kind: 'skipped', name, reason: listed.row.reason };
  const row = listed.row.value;
  const path = `admin/projects/${encodeURIComponent(row.project)}/features/${encodeURIComponent(row.name)}`;
  const wantDetail = needsStrategies(row, options.environments);
  const raw = wantDetail ? await http.get(path, {}, t.unknown, { allow404: true }) : undefined;
  // A 404 also answers a flag moved to another project after the list: skipped, Jira keeps it one more run; a flag
  // truly archived is absent from the next run's list and deleted then.
  if (wantDetail && raw === undefined) return { kind: 'skipped', name, reason: 'archived or moved while reading' };
  const feature = wantDetail ? decodeItem(AdminFeatureCodec, raw) : undefined;
  if (feature !== undefined && !feature.ok) return { kind: 'skipped', name, reason: feature.reason };
  if (feature?.value.archived === true) return { kind: 'gone' };
  const view = attempt(() => adminFeatureView(row, feature?.value, options.environments, segments, changed));
  return view.ok ? { kind: 'view', view: view.value } : { kind: 'skipped', name, reason: view.reason };
}

export async function readAdminFeatures(options: AdminReadOptions, sourceHttp: SourceHttp, signal: AbortSignal): Promise<UnleashRead> {
  const http = createAdminHttp(options.apiRoot, options.token, sourceHttp, signal);
  const environmentTypes = await checkEnvironments(http, options.environments);
  await checkProject(http, options.project);
  const segments = await segmentNames(http);
  const { listed, newestEventId: eventId } = await listFeatures(http, options.project, options.pageSize);
  const times = await lastChangeTimes(
    http,
    listed.flatMap((feature) => (feature.row.ok ? [feature.row.value.name] : [])),
    options.concurrency,
  );
  const outcomes = await mapWithConcurrency(listed, options.concurrency, (feature) =>
    readFeature(http, feature, options, segments, feature.row.ok ? times.get(feature.row.value.name) : undefined),
  );
  const views: UnleashFeatureView[] = [];
  const skips = new Map<string, string[]>();
  for (const outcome of outcomes) {
    if (outcome.kind === 'view') views.push(outcome.view);
    else if (outcome.kind === 'skipped') addSkip(skips, outcome.name, outcome.reason);
  }
  return { views, skipped: skippedList(skips), newestEventId: eventId, environmentTypes };
}
