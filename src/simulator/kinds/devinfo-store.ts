/**
 * Development information as Jira holds it: repository metadata plus commits, branches and pull requests, each
 * with its own updateSequenceId and the properties of the request that stored it.
 */
import type { LinkedEntity } from '../issues';
import { EntityStore, type Properties } from '../store';

export const ENTITY_TYPES = ['commits', 'branches', 'pullRequests'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** Per type, at most this many are returned by GET repository ("its most recent 400 entities"). */
const GET_LIMIT = 400;

export interface DevEntity extends LinkedEntity {
  readonly id: string;
  readonly updateSequenceId: number;
}

export type RepositoryMetadata = Readonly<Record<string, unknown>> & { readonly id: string; readonly updateSequenceId: number };

type EntityStores = Record<EntityType, EntityStore<DevEntity>>;

const newEntityStores = (): EntityStores => ({ commits: new EntityStore(), branches: new EntityStore(), pullRequests: new EntityStore() });

export class DevinfoStore {
  private readonly repositories = new EntityStore<RepositoryMetadata>();
  private readonly entities = new Map<string, EntityStores>();

  putRepository(metadata: RepositoryMetadata, properties: Properties): void {
    this.repositories.put(metadata.id, metadata, metadata.updateSequenceId, properties);
  }

  /** Stores by the sequence rule; answers whether the entity is new to Jira (not stored before). */
  putEntity(repositoryId: string, type: EntityType, entity: DevEntity, properties: Properties): boolean {
    const stores = this.entities.get(repositoryId) ?? newEntityStores();
    this.entities.set(repositoryId, stores);
    const isNew = stores[type].sequenceOf(entity.id) === undefined;
    stores[type].put(entity.id, entity, entity.updateSequenceId, properties);
    return isNew;
  }

  /** The repository as GET returns it, or undefined when its metadata is not stored. */
  getRepository(id: string): Record<string, unknown> | undefined {
    const metadata = this.repositories.get(id);
    if (metadata === undefined) return undefined;
    const stores = this.entities.get(id) ?? newEntityStores();
    const repository: Record<string, unknown> = { ...metadata };
    for (const type of ENTITY_TYPES) repository[type] = stores[type].values().slice(-GET_LIMIT);
    return repository;
  }

  deleteRepository(id: string, maxSequence?: number): void {
    if (this.repositories.delete(id, maxSequence)) this.entities.delete(id);
  }

  deleteEntity(repositoryId: string, type: EntityType, entityId: string, maxSequence?: number): void {
    this.entities.get(repositoryId)?.[type].delete(entityId, maxSequence);
  }

  /** A repository tagged with all the properties goes with all its entities; elsewhere only tagged entities go. */
  deleteMatching(wanted: Properties, maxSequence?: number): void {
    const before = new Set(this.repositories.values().map((r) => r.id));
    this.repositories.deleteMatching(wanted, maxSequence);
    for (const id of before) if (this.repositories.get(id) === undefined) this.entities.delete(id);
    for (const stores of this.entities.values()) for (const type of ENTITY_TYPES) stores[type].deleteMatching(wanted, maxSequence);
  }

  anyMatching(wanted: Properties): boolean {
    if (this.repositories.anyMatching(wanted)) return true;
    return [...this.entities.values()].some((stores) => ENTITY_TYPES.some((type) => stores[type].anyMatching(wanted)));
  }

  all(): Record<string, unknown>[] {
    return this.repositories
      .values()
      .map((r) => this.getRepository(r.id))
      .filter((r): r is Record<string, unknown> => r !== undefined);
  }

  clear(): void {
    this.repositories.clear();
    this.entities.clear();
  }
}
