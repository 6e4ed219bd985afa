import { INIT_PLACEHOLDER_SITE } from '../config';
/** The starter configs `flagsync init` writes, one per built-in adapter. Pure text; validated by a test. */
export const STARTER_ADAPTERS = ['flagd', 'unleash', 'launchdarkly', 'flipt', 'git'] as const;
export type StarterAdapter = (typeof STARTER_ADAPTERS)[number];

export interface StarterSettings {
  readonly adapter: StarterAdapter;
  /** The provider's name (a flag's Jira id starts with it: `<name>:<flag key>`). */
  readonly name: string;
  /** `acme.atlassian.net`, or a cloud id. */
  readonly site?: string;
  readonly cloudId?: string;
  /** Path of the JSON Schema relative to the written file (the editor's YAML support reads line 1). */
  readonly schemaRef: string;
}

const PROVIDERS: Record<StarterAdapter, (name: string) => string[]> = {
  flagd: (name) => [
    `  - name: ${name}`,
    '    adapter: flagd',
    '    # The link Jira shows per flag and environment (Jira requires one; a local file has none). Point it at where',
    '    # people read the flag, e.g. the file in your Git host:',
    '    urlTemplate: https://git.example.com/your-team/flags/blob/main/{environment}.flagd.json#{key}',
    '    environments: # one flagd flag file (path relative to this file, or an http URL) per environment',
    '      - name: production',
    '        type: production',
    '        source: ./flags/production.flagd.json',
    '      - name: staging',
    '        type: staging',
    '        source: ./flags/staging.flagd.json',
  ],
  unleash: (name) => [
    `  - name: ${name}`,
    '    adapter: unleash',
    '    url: https://unleash.example.com/api # your Unleash API',
    '    adminToken: ${env:UNLEASH_ADMIN_TOKEN}',
    '    project: default',
    '    environments:',
    '      - name: production',
    '        type: production',
    '      - name: development',
    '        type: development',
  ],
  launchdarkly: (name) => [
    `  - name: ${name}`,
    '    adapter: launchdarkly',
    '    environments: # one server-side SDK key per environment',
    '      - name: production',
    '        type: production',
    '        sdkKey: ${env:LD_SDK_KEY_PRODUCTION}',
  ],
  flipt: (name) => [
    `  - name: ${name}`,
    '    adapter: flipt',
    '    url: http://flipt:8080 # your Flipt server',
    '    environments:',
    '      - { name: production, namespace: default, type: production }',
  ],
  git: (name) => [
    `  - name: ${name}`,
    '    adapter: git',
    '    repositories: # branches and commits become development information in Jira',
    '      - path: /srv/git/web.git',
    '        name: web',
    '        url: https://git.example/acme/web',
  ],
};

/** A config that loads as written once the environment variables it names are set (the adapter's URLs are examples). */
export function starterConfig(settings: StarterSettings): string {
  // Both when both were given: flagsync checks at start that they name the same site.
  const where =
    settings.cloudId === undefined
      ? [`  site: ${settings.site ?? INIT_PLACEHOLDER_SITE} # or cloudId: <uuid> (not both, unless they agree)`]
      : [...(settings.site === undefined ? [] : [`  site: ${settings.site}`]), `  cloudId: ${settings.cloudId}`];
  return [
    `# yaml-language-server: $schema=${settings.schemaRef}`,
    '#',
    '# flagsync starter config, written by `flagsync init`. Every key is explained in config/example.yaml.',
    '# Secrets stay out of this file: ${env:NAME} and ${file:PATH} are read when flagsync starts.',
    '# Next: flagsync validate --connect, then flagsync plan, then flagsync run --once.',
    'jira:',
    ...where,
    '  clientId: ${env:JIRA_CLIENT_ID}',
    '  clientSecret: ${env:JIRA_CLIENT_SECRET}',
    '# State (what Jira accepted, the run log, the writer lock) goes to $FLAGSYNC_STATE_PATH when set (the container',
    '# image sets /var/lib/flagsync/state.json, a writable volume), else to ./.flagsync/state.json beside this file.',
    '# Set a path only to put it elsewhere (relative to this file); it then wins over FLAGSYNC_STATE_PATH:',
    '# state:',
    '#   path: ./.flagsync/state.json',
    'providers:',
    ...PROVIDERS[settings.adapter](settings.name),
    '',
  ].join('\n');
}
