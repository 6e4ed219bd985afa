import type { UnleashServer } from './harness';

/** Creates Unleash data through the Admin API, as an operator would. Throws with the answer on any non-2xx. */
export interface StrategyInput {
  readonly name: string;
  readonly title?: string;
  readonly parameters?: Readonly<Record<string, string>>;
  readonly constraints?: ReadonlyArray<{ contextName: string; operator: string; values: string[] }>;
  readonly segments?: readonly number[];
  readonly variants?: ReadonlyArray<{ name: string; weight: number; weightType: 'variable' | 'fix'; stickiness: string }>;
  readonly disabled?: boolean;
}

export class UnleashSeeder {
  constructor(private readonly server: UnleashServer) {}

  async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.server.apiUrl}/${path}`, {
      method,
      headers: { Authorization: this.server.adminToken, 'Content-Type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }

  createFlag(name: string, options: { description?: string; type?: string; project?: string } = {}): Promise<unknown> {
    return this.call('POST', `admin/projects/${options.project ?? 'default'}/features`, {
      name,
      description: options.description ?? '',
      type: options.type ?? 'release',
    });
  }

  async addStrategy(flag: string, env: string, strategy: StrategyInput, project = 'default'): Promise<string> {
    const created = (await this.call('POST', `admin/projects/${project}/features/${flag}/environments/${env}/strategies`, {
      constraints: [],
      parameters: {},
      ...strategy,
    })) as { id: string };
    return created.id;
  }

  updateStrategy(flag: string, env: string, id: string, strategy: StrategyInput, project = 'default'): Promise<unknown> {
    return this.call('PUT', `admin/projects/${project}/features/${flag}/environments/${env}/strategies/${id}`, {
      constraints: [],
      parameters: {},
      ...strategy,
    });
  }

  setEnabled(flag: string, env: string, enabled: boolean, project = 'default'): Promise<unknown> {
    return this.call('POST', `admin/projects/${project}/features/${flag}/environments/${env}/${enabled ? 'on' : 'off'}`);
  }

  tag(flag: string, type: string, value: string): Promise<unknown> {
    return this.call('POST', `admin/features/${flag}/tags`, { type, value });
  }

  createTagType(name: string): Promise<unknown> {
    return this.call('POST', 'admin/tag-types', { name, description: name });
  }

  async createSegment(name: string, constraints: StrategyInput['constraints']): Promise<number> {
    const created = (await this.call('POST', 'admin/segments', { name, description: name, project: null, constraints })) as { id: number };
    return created.id;
  }

  archive(flag: string, project = 'default'): Promise<unknown> {
    return this.call('DELETE', `admin/projects/${project}/features/${flag}`);
  }
}
