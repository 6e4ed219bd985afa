import { isRight } from 'fp-ts/Either';
import { TenantInfoCodec } from './codecs';
import type { JiraHttp } from './http';
import { JiraAuthError, JiraSettingsConflict } from './types';

/** `acme.atlassian.net` → `https://acme.atlassian.net`; a full base URL (e.g. a simulator) is kept as given. */
export function siteBaseUrl(site: string): string {
  const trimmed = site.trim().replace(/\/+$/, '');
  return /^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
}

/**
 * The Jira site's cloud id: from settings, else looked up once via the unauthenticated /_edge/tenant_info and kept
 * for the life of the client. A failed lookup is not cached, so the next call tries again.
 */
export class CloudIdResolver {
  private resolved: Promise<string> | undefined;

  constructor(
    private readonly source: { readonly cloudId?: string; readonly site?: string },
    private readonly http: JiraHttp,
  ) {}

  get(): Promise<string> {
    const { cloudId, site } = this.source;
    const hasSite = site !== undefined && site !== '';
    if (cloudId !== undefined && cloudId !== '' && !hasSite) return Promise.resolve(cloudId);
    if (this.resolved === undefined) {
      this.resolved = this.lookup().then((found) => this.agreeing(found));
      this.resolved.catch(() => {
        this.resolved = undefined;
      });
    }
    return this.resolved;
  }

  /** Both given: they must name the same site, else data would go to a site other than the one the operator meant. */
  private agreeing(found: string): string {
    const { cloudId, site } = this.source;
    if (cloudId === undefined || cloudId === '' || cloudId === found) return found;
    throw new JiraSettingsConflict(
      `jira.site ${String(site)} has cloud id ${found}, but jira.cloudId is ${cloudId}: set only one of the two, or make them agree`,
    );
  }

  private async lookup(): Promise<string> {
    if (this.source.site === undefined || this.source.site === '') {
      throw new JiraAuthError('Jira settings need either cloudId or site (to look the cloud id up)');
    }
    const url = `${siteBaseUrl(this.source.site)}/_edge/tenant_info`;
    const result = await this.http.send({ method: 'GET', url, auth: false });
    if (result.type === 'gave-up') throw new JiraAuthError(`cannot resolve the Jira cloud id: ${result.reason}`, true);
    if (result.status !== 200) throw new JiraAuthError(`cannot resolve the Jira cloud id: GET ${url} answered HTTP ${result.status}`);
    const decoded = TenantInfoCodec.decode(result.body);
    if (!isRight(decoded)) throw new JiraAuthError(`cannot resolve the Jira cloud id: GET ${url} answered without a cloudId string`);
    return decoded.right.cloudId;
  }
}
