import { createAdminHttp, type AdminHttp } from './admin-http';
import { AdminFeatureCodec, EnvironmentsCodec, EventsPageCodec, SearchPageCodec, SegmentsCodec, type SearchFeature } from './codecs';
import { mapWithConcurrency } from './concurrency';
import type { UnleashFeatureView } from './model';
import { adminFeatureView, needsStrategies } from './views';

/**
 * Admin API mode: one admin (or personal access) token reads every environment. Reads the paged feature search,
 * then each feature's newest event (last change time) and, when a configured environment is on, the feature's
 * document (environments with strategies).
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

/**
 * Every active (not archived) feature, paged in Unleash's default order (created, then name). A feature archived
 * or created while paging shifts the pages; the final count check turns that into an error rather than a
 * snapshot that silently lacks a flag.
 */
export async function listFeatures(http: AdminHttp, project: string | undefined, pageSize: number): Promise<SearchFeature[]> {
  const byName = new Map<string, SearchFeature>();
  let offset = 0;
  let total = 0;
  do {
    const query: Record<string, string> = { offset: String(offset), limit: String(pageSize), archived: 'IS:false' };
    if (project !== undefined) query.project = `IS:${project}`;
    const page = (await http.get('admin/search/features', query, SearchPageCodec))!;
    total = page.total;
    for (const row of page.features) byName.set(`${row.project}\u0000${row.name}`, row);
    if (page.features.length === 0) break;
    offset += page.features.length;
  } while (offset < total);
  if (byName.size !== total) {
    throw new Error(`feature list changed while paging (read ${byName.size} distinct features, Unleash reports ${total}); try again`);
  }
  return [...byName.values()];
}

async function lastChangedAt(http: AdminHttp, name: string): Promise<string | undefined> {
  const page = (await http.get('admin/search/events', { feature: `IS:${name}`, limit: '1', offset: '0' }, EventsPageCodec))!;
  return page.events[0]?.createdAt;
}

export async function readAdminFeatures(options: AdminReadOptions, signal: AbortSignal): Promise<UnleashFeatureView[]> {
  const http = createAdminHttp(options.apiRoot, options.token, signal);
  await checkEnvironments(http, options.environments);
  const segments = await segmentNames(http);
  const rows = await listFeatures(http, options.project, options.pageSize);
  const views = await mapWithConcurrency(rows, options.concurrency, async (row) => {
    const path = `admin/projects/${encodeURIComponent(row.project)}/features/${encodeURIComponent(row.name)}`;
    const wantDetail = needsStrategies(row, options.environments);
    const [feature, changed] = await Promise.all([
      wantDetail ? http.get(path, {}, AdminFeatureCodec, { allow404: true }) : Promise.resolve(undefined),
      lastChangedAt(http, row.name),
    ]);
    // Archived or deleted between the list and this read: it is gone, like the issue asks.
    if (wantDetail && (feature === undefined || feature.archived === true)) return undefined;
    return adminFeatureView(row, feature, options.environments, segments, changed);
  });
  return views.filter((v): v is UnleashFeatureView => v !== undefined);
}
