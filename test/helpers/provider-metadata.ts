import { strict as assert } from 'node:assert';
import type { Simulator } from '../../src/simulator';
import type { RecordedRequest } from '../../src/simulator/types';

/** Per accepted bulk request Jira received (read over HTTP, `GET /__sim/requests`): its entity ids and providerMetadata. */
async function receivedBulks(sim: Simulator): Promise<Array<{ ids: string[]; providerMetadata: unknown }>> {
  const res = await fetch(`${sim.url}/__sim/requests`);
  assert.equal(res.status, 200);
  const requests = (await res.json()) as RecordedRequest[];
  return requests
    .filter((r) => r.method === 'POST' && r.path.endsWith('/bulk') && r.status === 202)
    .map((r) => {
      const body = r.body as { flags?: { id: string }[]; repositories?: { id: string }[]; providerMetadata?: unknown };
      return { ids: [...(body.flags ?? []), ...(body.repositories ?? [])].map((e) => e.id), providerMetadata: body.providerMetadata };
    });
}

/** Entities of provider `name`: flag ids are `<provider>:<key>`. */
export const ofProvider =
  (name: string) =>
  (id: string): boolean =>
    id.startsWith(`${name}:`);

/** The providerMetadata of every bulk request carrying the entities `belongs` picks (none may carry others too). */
export async function providerMetadataSent(sim: Simulator, belongs: (id: string) => boolean): Promise<unknown[]> {
  const bulks = (await receivedBulks(sim)).filter((b) => b.ids.some(belongs));
  assert.ok(bulks.length > 0, "no bulk request carried the provider's entities");
  for (const bulk of bulks) assert.ok(bulk.ids.every(belongs), 'one request mixed two providers');
  return bulks.map((b) => b.providerMetadata);
}
