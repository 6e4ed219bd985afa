import type { UnleashSeeder } from './seed';

/**
 * The Unleash data the snapshot tests read, covering every strategy kind, constraints, segments, variants, tags,
 * a disabled strategy and an archived flag.
 */
export async function seedCatalogue(seed: UnleashSeeder): Promise<void> {
  await seed.createTagType('jira');
  const beta = await seed.createSegment('beta-testers', [{ contextName: 'userId', operator: 'IN', values: ['u1', 'u2'] }]);
  await seed.call('POST', 'admin/strategies', {
    name: 'region',
    description: 'by region',
    parameters: [{ name: 'regions', type: 'list', description: '', required: false }],
  });
  // Unleash 7 no longer ships userWithId; servers upgraded from older versions and the SDKs still know it, so it is
  // recreated here with its original parameter.
  await seed.call('POST', 'admin/strategies', {
    name: 'userWithId',
    description: 'legacy',
    parameters: [{ name: 'userIds', type: 'list', description: '', required: false }],
  });

  await seed.createFlag('PROJ-7-checkout', { description: 'New checkout flow', type: 'release' });
  await seed.addStrategy('PROJ-7-checkout', 'production', {
    name: 'flexibleRollout',
    parameters: { rollout: '30', stickiness: 'userId', groupId: 'PROJ-7-checkout' },
  });
  await seed.setEnabled('PROJ-7-checkout', 'production', true);
  await seed.tag('PROJ-7-checkout', 'simple', 'team-checkout');
  await seed.tag('PROJ-7-checkout', 'jira', 'DEMO-3');

  await seed.createFlag('search-v2', { description: 'Search rewrite, see WEB-12', type: 'experiment' });
  await seed.addStrategy('search-v2', 'production', {
    name: 'flexibleRollout',
    parameters: { rollout: '30', stickiness: 'userId', groupId: 'search-v2' },
    constraints: [
      { contextName: 'appName', operator: 'IN', values: ['web'] },
      { contextName: 'environment', operator: 'NOT_IN', values: ['test'] },
    ],
    segments: [beta],
    variants: [
      { name: 'blue', weight: 500, weightType: 'variable', stickiness: 'default' },
      { name: 'green', weight: 500, weightType: 'variable', stickiness: 'default' },
    ],
  });
  await seed.setEnabled('search-v2', 'production', true);
  // Enabled with no strategy of its own: Unleash 7 adds a default strategy when an environment is switched on.
  await seed.setEnabled('search-v2', 'development', true);

  await seed.createFlag('ops-kill-switch', { description: 'Turns payments off', type: 'kill-switch' });
  await seed.addStrategy('ops-kill-switch', 'production', { name: 'default' });
  await seed.setEnabled('ops-kill-switch', 'production', true);
  await seed.addStrategy('ops-kill-switch', 'development', { name: 'userWithId', parameters: { userIds: 'alice,bob,carol' } });
  await seed.addStrategy('ops-kill-switch', 'development', { name: 'remoteAddress', parameters: { IPs: '10.0.0.1,10.0.0.2' } });
  await seed.setEnabled('ops-kill-switch', 'development', true);

  await seed.createFlag('hosts-and-regions', { type: 'operational' });
  await seed.addStrategy('hosts-and-regions', 'production', { name: 'applicationHostname', parameters: { hostNames: 'web-1' } });
  await seed.setEnabled('hosts-and-regions', 'production', true);
  await seed.addStrategy('hosts-and-regions', 'development', { name: 'region', title: 'EU only', parameters: { regions: 'eu' } });
  // development stays off: the strategy exists but the environment is disabled.

  await seed.createFlag('half-rollout', { type: 'release' });
  await seed.addStrategy('half-rollout', 'production', {
    name: 'flexibleRollout',
    parameters: { rollout: '50', stickiness: 'default', groupId: 'half-rollout' },
  });
  await seed.addStrategy('half-rollout', 'production', { name: 'userWithId', parameters: { userIds: 'x' }, disabled: true });
  await seed.setEnabled('half-rollout', 'production', true);

  await seed.createFlag('gone-soon', { description: 'Archived before the read' });
  await seed.addStrategy('gone-soon', 'production', { name: 'default' });
  await seed.setEnabled('gone-soon', 'production', true);
  await seed.archive('gone-soon');
}
