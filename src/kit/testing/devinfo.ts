import type { DevinfoSnapshot } from '../contract';
import { linkRepository, type LinkedRepository } from '../../model/devinfo-links';

/**
 * What the core keeps of a devinfo snapshot: every branch and commit linked to issues by the core's rules (keys in
 * branch names and commit messages, upper case), the unlinked ones left out. Lets an adapter's tests check what Jira
 * would get, not only what the adapter read.
 */
export function linkedDevinfo(snapshot: DevinfoSnapshot): { readonly repositories: readonly LinkedRepository[] } {
  return { repositories: snapshot.repositories.map(linkRepository) };
}
