import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import axios from 'axios';
import { parseAllDocuments } from 'yaml';
import { parseConfig, type FlagsyncConfig } from '../../src/config';
import { builtInRegistry } from '../../src/adapter-host/registry';
import { HEALTH_PATHS, startMetricsServer } from '../../src/daemon/health-server';
import { SyncMetrics } from '../../src/daemon/metrics';
import { readDockerfile } from '../image/dockerfile';

const root = path.resolve(__dirname, '..', '..');
const k8sDir = path.join(root, 'deploy', 'kubernetes');

type Doc = Record<string, unknown>;

function docsOf(file: string): Doc[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  for (const d of docs) assert.deepEqual(d.errors, [], `${file}: YAML errors`);
  return docs.map((d) => d.toJS() as Doc).filter((d) => d !== null);
}

/** Reads a nested field, failing with the path when it is missing (a required field of the manifest). */
function at(doc: unknown, dotted: string): unknown {
  let value: unknown = doc;
  for (const key of dotted.split('.')) {
    assert.ok(typeof value === 'object' && value !== null && key in value, `missing ${dotted}`);
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const manifests = readdirSync(k8sDir)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => docsOf(path.join(k8sDir, f)).map((doc) => ({ file: f, doc })));
const byKind = (kind: string): Doc => {
  const found = manifests.filter((m) => m.doc['kind'] === kind);
  assert.equal(found.length, 1, `one ${kind}`);
  return found[0]!.doc;
};

interface Container {
  name: string;
  args?: string[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  ports?: Array<{ name?: string; containerPort: number }>;
  livenessProbe?: { httpGet: { path: string; port: string | number } };
  readinessProbe?: { httpGet: { path: string; port: string | number } };
  envFrom?: Array<{ secretRef?: { name: string } }>;
  securityContext?: Record<string, unknown>;
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}

const podOf = (workload: Doc, specPath: string): Doc => at(workload, specPath) as Doc;
const containerOf = (pod: Doc): Container => {
  const containers = at(pod, 'containers') as Container[];
  assert.equal(containers.length, 1);
  return containers[0]!;
};

/** The ConfigMap's flagsync.yaml, loaded by flagsync's own loader with stand-ins for the Secret's values. */
async function configMapConfig(): Promise<FlagsyncConfig> {
  const text = (at(byKind('ConfigMap'), 'data') as Record<string, string>)['flagsync.yaml']!;
  const env = {
    JIRA_CLIENT_ID: 'id',
    JIRA_CLIENT_SECRET: 'secret',
    DATABASE_URL: 'postgres://flagsync:pw@db:5432/flagsync',
    UNLEASH_ADMIN_TOKEN: '*:*.token',
  };
  return parseConfig(text, { path: CONFIG_PATH, registry: builtInRegistry(), env });
}

/** Resolves a probe's port (a name or a number) against the container's ports. */
function portNumber(container: Container, port: string | number): number {
  if (typeof port === 'number') return port;
  const named = container.ports?.find((p) => p.name === port);
  assert.ok(named !== undefined, `no container port named ${port}`);
  return named.containerPort;
}

/** Where both workloads and compose put the config: the image's default, in a folder of its own. */
const CONFIG_PATH = '/etc/flagsync/config/flagsync.yaml';

/** A Kubernetes quantity of memory in bytes (Mi, Gi, or plain bytes). */
function bytes(quantity: string): number {
  const m = /^(\d+)(Mi|Gi)?$/.exec(quantity);
  assert.ok(m !== null, `a memory quantity: ${quantity}`);
  return Number(m[1]) * (m[2] === 'Gi' ? 2 ** 30 : m[2] === 'Mi' ? 2 ** 20 : 1);
}

/** A CLI duration as the manifests write them (60s, 5m). */
function seconds(duration: string): number {
  const m = /^(\d+)(s|m)$/.exec(duration);
  assert.ok(m !== null, `a duration: ${duration}`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
}

describe('deploy/kubernetes', () => {
  it('every manifest parses and names its apiVersion, kind and metadata.name', () => {
    assert.ok(manifests.length >= 4);
    for (const { file, doc } of manifests) {
      for (const field of ['apiVersion', 'kind', 'metadata.name']) assert.ok(at(doc, field), `${file}: ${field}`);
    }
    assert.deepEqual(manifests.map((m) => m.doc['kind']).sort(), ['ConfigMap', 'CronJob', 'Deployment', 'NetworkPolicy', 'Secret']);
  });

  it("--config is the image's FLAGSYNC_CONFIG", () => {
    assert.equal(readDockerfile().env['FLAGSYNC_CONFIG'], CONFIG_PATH);
  });

  it('the ConfigMap holds a config flagsync accepts: state in PostgreSQL, secrets by reference, metrics on', async () => {
    const config = await configMapConfig();
    assert.equal(config.state.store, 'postgres');
    assert.ok(config.metrics.port !== undefined);
    const text = (at(byKind('ConfigMap'), 'data') as Record<string, string>)['flagsync.yaml']!;
    for (const key of ['JIRA_CLIENT_SECRET', 'DATABASE_URL', 'UNLEASH_ADMIN_TOKEN']) assert.ok(text.includes(`\${env:${key}}`), key);
    const secretKeys = Object.keys(at(byKind('Secret'), 'stringData') as Doc).sort();
    const referenced = [...text.matchAll(/\$\{env:([A-Z_]+)\}/g)].map((m) => m[1]).sort();
    assert.deepEqual(secretKeys, [...new Set(referenced)], 'the Secret carries every variable the config references');
  });

  it('Deployment: 2 replicas, probes on the paths and port the daemon serves, scrape annotations, non-root, read-only root', async () => {
    const deployment = byKind('Deployment');
    assert.equal(at(deployment, 'spec.replicas'), 2);
    // /readyz reports sync health: a rolling update would wait for a ready new pod while a sync fails.
    assert.equal(at(deployment, 'spec.strategy.type'), 'Recreate');
    const pod = podOf(deployment, 'spec.template.spec');
    const container = containerOf(pod);
    const config = await configMapConfig();
    const metricsPort = config.metrics.port!;

    assert.deepEqual(container.args, ['run', '--config', CONFIG_PATH]);
    assert.equal(container.livenessProbe?.httpGet.path, HEALTH_PATHS.liveness);
    assert.equal(container.readinessProbe?.httpGet.path, HEALTH_PATHS.readiness);
    assert.equal(portNumber(container, container.livenessProbe!.httpGet.port), metricsPort);
    assert.equal(portNumber(container, container.readinessProbe!.httpGet.port), metricsPort);
    const annotations = at(deployment, 'spec.template.metadata.annotations') as Record<string, string>;
    assert.equal(annotations['prometheus.io/scrape'], 'true');
    assert.equal(Number(annotations['prometheus.io/port']), metricsPort);
    assert.equal(annotations['prometheus.io/path'], HEALTH_PATHS.metrics);

    assert.equal(at(pod, 'securityContext.runAsNonRoot'), true);
    assert.equal(at(pod, 'securityContext.runAsUser'), 1000, "the image's node user");
    assert.equal(container.securityContext?.['readOnlyRootFilesystem'], true);
    assert.equal(container.securityContext?.['allowPrivilegeEscalation'], false);
    assert.deepEqual(container.envFrom, [{ secretRef: { name: at(byKind('Secret'), 'metadata.name') } }]);
    assert.ok(
      Number(at(pod, 'terminationGracePeriodSeconds')) * 1000 > config.jira.requestTimeoutSeconds * 1000 + 10_000,
      'grace outlasts the shutdown',
    );
  });

  it('the daemon answers on the probe paths and the scrape path (a real server on the configured paths)', async () => {
    const server = await startMetricsServer(new SyncMetrics(), 0, '127.0.0.1', {
      readiness: async () => ({ ready: false, reason: 'no run yet' }),
    });
    try {
      const container = containerOf(podOf(byKind('Deployment'), 'spec.template.spec'));
      const annotations = at(byKind('Deployment'), 'spec.template.metadata.annotations') as Record<string, string>;
      for (const [p, expected] of [
        [container.livenessProbe!.httpGet.path, 200],
        [container.readinessProbe!.httpGet.path, 503],
        [annotations['prometheus.io/path']!, 200],
      ] as const) {
        const res = await axios.get<string>(`${server.url}${p}`, { validateStatus: () => true });
        assert.equal(res.status, expected, `${p} answered ${res.status}`);
      }
    } finally {
      await server.close();
    }
  });

  it('CronJob: never two at once, a deadline the run timeout stays under, run --once, the same Secret, config and security as the daemon', async () => {
    const cron = byKind('CronJob');
    assert.equal(at(cron, 'spec.concurrencyPolicy'), 'Forbid');
    assert.ok(Number(at(cron, 'spec.startingDeadlineSeconds')) > 0);
    const active = Number(at(cron, 'spec.jobTemplate.spec.activeDeadlineSeconds'));
    assert.ok(active > 0 && active < 300, 'a hung run ends before the next 5-minute schedule');
    const pod = podOf(cron, 'spec.jobTemplate.spec.template.spec');
    assert.equal(at(pod, 'restartPolicy'), 'Never');
    const container = containerOf(pod);
    const config = await configMapConfig();
    const waitLock = container.args?.[container.args.indexOf('--wait-lock') + 1];
    assert.ok(waitLock !== undefined && container.args?.includes('--wait-lock'));
    const runTimeout = container.args?.[container.args.indexOf('--run-timeout') + 1];
    assert.ok(runTimeout !== undefined && container.args?.includes('--run-timeout'), 'the job sets its own run timeout');
    assert.equal(config.sync.runTimeoutSeconds, 3600, "the shared config keeps the daemon's default");
    const budget = seconds(waitLock) + seconds(runTimeout) + config.jira.requestTimeoutSeconds;
    assert.ok(
      budget < active,
      `lock wait + run timeout + the batch in flight (${budget} s) end before activeDeadlineSeconds (${active} s)`,
    );
    assert.deepEqual(container.args?.slice(0, 2), ['run', '--once']);
    assert.ok(container.args?.includes('--config') && container.args.includes(CONFIG_PATH));
    assert.deepEqual(container.envFrom, [{ secretRef: { name: 'flagsync' } }]);
    assert.equal(at(pod, 'securityContext.runAsNonRoot'), true);
    assert.equal(container.securityContext?.['readOnlyRootFilesystem'], true);
  });

  it('both workloads size memory for 100k flags (bench/README.md: up to 1.75 GB but LaunchDarkly) and request CPU', () => {
    for (const pod of [
      podOf(byKind('Deployment'), 'spec.template.spec'),
      podOf(byKind('CronJob'), 'spec.jobTemplate.spec.template.spec'),
    ]) {
      const { resources } = containerOf(pod);
      assert.ok(bytes(resources?.limits?.['memory'] ?? '0') >= 2 * 2 ** 30, 'memory limit of at least 2Gi');
      assert.ok(bytes(resources?.requests?.['memory'] ?? '0') >= 256 * 2 ** 20, 'memory request');
      assert.ok(resources?.requests?.['cpu'] !== undefined, 'a CPU request');
      assert.equal(resources?.limits?.['cpu'], undefined, 'no CPU limit (a throttled run only takes longer)');
    }
  });

  it('the example NetworkPolicy covers both workloads and allows DNS, PostgreSQL and HTTPS out', () => {
    const policy = byKind('NetworkPolicy');
    const selector = at(policy, 'spec.podSelector.matchLabels') as Record<string, string>;
    for (const labels of [
      at(byKind('Deployment'), 'spec.template.metadata.labels'),
      at(byKind('CronJob'), 'spec.jobTemplate.spec.template.metadata.labels'),
    ] as Array<Record<string, string>>) {
      for (const [key, value] of Object.entries(selector)) assert.equal(labels[key], value, `selects the pods by ${key}`);
    }
    assert.deepEqual(at(policy, 'spec.policyTypes'), ['Egress']);
    const ports = (at(policy, 'spec.egress') as Array<{ ports: Array<{ protocol: string; port: number }> }>).flatMap((rule) =>
      rule.ports.map((p) => `${p.protocol}/${p.port}`),
    );
    const database = new URL((at(byKind('Secret'), 'stringData') as Record<string, string>)['DATABASE_URL']!);
    for (const needed of ['UDP/53', 'TCP/53', `TCP/${database.port}`, 'TCP/443']) assert.ok(ports.includes(needed), needed);
  });

  it('both workloads mount the ConfigMap read-only where --config points, and a writable state folder', () => {
    const configMapName = at(byKind('ConfigMap'), 'metadata.name');
    for (const pod of [
      podOf(byKind('Deployment'), 'spec.template.spec'),
      podOf(byKind('CronJob'), 'spec.jobTemplate.spec.template.spec'),
    ]) {
      const container = containerOf(pod);
      const volumes = at(pod, 'volumes') as Array<{ name: string; configMap?: { name: string }; emptyDir?: unknown }>;
      const configMount = container.volumeMounts?.find((m) => m.mountPath === path.dirname(CONFIG_PATH));
      assert.equal(configMount?.readOnly, true);
      assert.equal(volumes.find((v) => v.name === configMount?.name)?.configMap?.name, configMapName);
      const data = container.volumeMounts?.find((m) => m.mountPath === '/var/lib/flagsync');
      assert.ok(data !== undefined && data.readOnly !== true, 'the image default state folder is writable');
    }
  });
});

describe('deploy/compose.yaml', () => {
  const compose = docsOf(path.join(root, 'deploy', 'compose.yaml'))[0]!;
  const services = at(compose, 'services') as Record<string, Doc>;

  it('runs flagsync with PostgreSQL and an Unleash server', () => {
    for (const name of ['flagsync', 'postgres', 'unleash']) assert.ok(services[name] !== undefined, name);
    assert.deepEqual(at(services['flagsync'], 'command'), ['run', '--config', CONFIG_PATH]);
    const dependsOn = at(services['flagsync'], 'depends_on') as Record<string, { condition: string }>;
    assert.equal(dependsOn['postgres']?.condition, 'service_healthy');
    assert.equal(dependsOn['unleash']?.condition, 'service_healthy');
  });

  it("flagsync's config there loads, points at the compose services and publishes its metrics port", async () => {
    const file = path.join(root, 'deploy', 'compose', 'flagsync.yaml');
    const env = Object.fromEntries(
      Object.entries(at(services['flagsync'], 'environment') as Record<string, string>).map(([k, v]) => [
        k,
        v.replace(/\$\{[A-Z_]+:-(.*)\}/, '$1'),
      ]),
    );
    const config = await parseConfig(readFileSync(file, 'utf8'), { path: file, registry: builtInRegistry(), env });
    assert.equal(config.state.store, 'postgres');
    const url = config.state.store === 'postgres' ? new URL(config.state.url) : undefined;
    assert.equal(url?.hostname, 'postgres');
    const pgEnv = at(services['postgres'], 'environment') as Record<string, string>;
    assert.equal(url?.username, pgEnv['POSTGRES_USER']);
    assert.equal(url?.pathname, `/${pgEnv['POSTGRES_DB']}`);
    const unleash = config.providers.find((p) => p.adapter === 'unleash');
    assert.ok(unleash !== undefined);
    assert.equal((unleash.options as { url: string }).url, 'http://unleash:4242/api');
    const token = (at(services['unleash'], 'environment') as Record<string, string>)['INIT_ADMIN_API_TOKENS'];
    assert.equal(env['UNLEASH_ADMIN_TOKEN'], token, 'flagsync uses the token Unleash creates');
    const ports = at(services['flagsync'], 'ports') as string[];
    assert.ok(ports.includes(`${config.metrics.port}:${config.metrics.port}`));
    const volumes = at(services['flagsync'], 'volumes') as string[];
    assert.ok(volumes.includes(`./compose/flagsync.yaml:${CONFIG_PATH}:ro`));
  });
});
