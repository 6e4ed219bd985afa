import { strict as assert } from 'node:assert';
import type { FlagSnapshot } from '../../../src/kit';
import type { FixtureAnswer, FixtureRequest } from '../../../src/kit/testing';
import { adapterFrom, rejectionOf, snapshotOf } from './adapter-under-test';
import { archiveIn, STAND_IN_ADMIN_TOKEN, standInData, startUnleashStandIn, type StandInData } from './stand-in-api';

/**
 * Flags that change while the Admin API read is under way. The real server cannot be stopped between two requests,
 * so the loopback stand-in changes its data at the chosen request. Stand-in order (oldest first):
 * PROJ-7-new-onboarding, checkout-redesign, old-banner; pages of 2.
 */
type Override = (request: FixtureRequest) => FixtureAnswer | undefined;

function entry(url: string): Record<string, unknown> {
  return { url: `${url}/api`, adminToken: STAND_IN_ADMIN_TOKEN, pageSize: 2, environments: [{ name: 'production', type: 'production' }] };
}

async function readWith(data: StandInData, override: Override): Promise<FlagSnapshot> {
  const api = await startUnleashStandIn(data, override);
  try {
    return await snapshotOf(adapterFrom(entry(api.url)));
  } finally {
    await api.close();
  }
}

async function rejectionWith(data: StandInData, override: Override): Promise<Error> {
  const api = await startUnleashStandIn(data, override);
  try {
    return await rejectionOf(snapshotOf(adapterFrom(entry(api.url))));
  } finally {
    await api.close();
  }
}

const isSearchPage = (request: FixtureRequest, offset: string) =>
  request.path === '/api/admin/search/features' && request.query.get('offset') === offset;

const isDocumentOf = (request: FixtureRequest, name: string) => request.path === `/api/admin/projects/default/features/${name}`;

describe('Unleash adapter: flags that change while the Admin API read is under way', function () {
  it('rejects when a flag on an already-read page is archived before the next page (the shifted flag would be lost)', async function () {
    const data = standInData();
    // Archiving the first flag shifts old-banner onto page 1, which was already read; page 2 comes back empty.
    const err = await rejectionWith(data, (request) => {
      if (isSearchPage(request, '2') && data.features.length === 3) archiveIn(data, 'PROJ-7-new-onboarding');
      return undefined;
    });
    assert.match(err.message, /flags changed while reading; try again next run/);
  });

  it('resolves with every flag when nothing changes while paging', async function () {
    const snapshot = await readWith(standInData(), () => undefined);
    assert.deepEqual(snapshot.flags.map((f) => f.key).sort(), ['PROJ-7-new-onboarding', 'checkout-redesign', 'old-banner']);
  });

  it('lists a flag whose document answers 404 after the list (moved to another project, or archived) as skipped, so Jira keeps it', async function () {
    // The move: the list named it in project default, its document there is gone by the time it is read.
    const snapshot = await readWith(standInData(), (request) =>
      isDocumentOf(request, 'PROJ-7-new-onboarding')
        ? { status: 404, body: { name: 'NotFoundError', message: 'Could not find feature' } }
        : undefined,
    );
    assert.deepEqual(snapshot.skipped, [{ key: 'PROJ-7-new-onboarding', reason: 'archived or moved while reading' }]);
  });
});
