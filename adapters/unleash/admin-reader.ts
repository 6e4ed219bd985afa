import * as t from 'io-ts';
import type { SourceHttp } from '../../src/kit';
import { createAdminHttp, type AdminHttp } from './admin-http';
import {
  AdminFeatureCodec,
  EnvironmentsCodec,
  EventsPageCodec,
  NewestEventPageCodec,
  SearchFeatureCodec,
  SearchPageCodec,
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
 * then each feature's newest event (last change time) and, when a configured environment is on, the feature's
 * document (environments with strategies). A feature whose row or document does not decode, or whose document is
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

async function checkEnvironments(http: AdminHttp, wanted: readonly string[]): Promise<void> {
  const { environments } = (await http.get('admin/environments', {}, EnvironmentsCodec))!;
  const known = new Set(environments.map((e) => e.name));
  const missing = wanted.filter((name) => !known.has(name));
  if (missing.length > 0) {
    throw new Error(`environment(s) ${missing.join(', ')} not found in Unleash (it has: ${[...known].join(', ') || 'none'})`);
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
  const page = (await http.get('admin/search/events', { limit: '1', offset: '0' }, NewestEventPageCodec))!;
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

async function lastChangedAt(http: AdminHttp, name: string): Promise<string | undefined> {
  const page = (await http.get('admin/search/events', { feature: `IS:${name}`, limit: '1', offset: '0' }, EventsPageCodec))!;
  return page.events[0]?.createdAt;
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
): Promise<FeatureOutcome> {
  const { name } = listed;
  if (!listed.row.ok) return { kind: 'skipped', name, reason: listed.row.reason };
  const row = listed.row.value;
  const path = `admin/projects/${encodeURIComponent(row.project)}/features/${encodeURIComponent(row.name)}`;
  const wantDetail = needsStrategies(row, options.environments);
  const [raw, changed] = await Promise.all([
    wantDetail ? http.get(path, {}, t.unknown, { allow404: true }) : Promise.resolve(undefined),
    lastChangedAt(http, row.name),
  ]);
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
  await checkEnvironments(http, options.environments);
  const segments = await segmentNames(http);
  const { listed, newestEventId: eventId } = await listFeatures(http, options.project, options.pageSize);
  const outcomes = await mapWithConcurrency(listed, options.concurrency, (feature) => readFeature(http, feature, options, segments));
  const views: UnleashFeatureView[] = [];
  const skips = new Map<string, string[]>();
  for (const outcome of outcomes) {
    if (outcome.kind === 'view') views.push(outcome.view);
    else if (outcome.kind === 'skipped') addSkip(skips, outcome.name, outcome.reason);
  }
  return { views, skipped: skippedList(skips), newestEventId: eventId };
}
