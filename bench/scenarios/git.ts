import * as path from 'node:path';
import type { Simulator } from '../../src/simulator';
import { appendCommits, BRANCH_EVERY, createBenchRepository, isLinkedCommit, linkedCommits } from '../sources/git-repository';
import { writeBenchConfig, type ScenarioSet } from './scenario';

/** Jira's devinfo limits for one repository: ≤400 commits and ≤400 branches of it per request, ≤1000 entities. */
const PER_TYPE = 400;
function devinfoLowerBound(commits: number, branches: number): number {
  if (commits + branches === 0) return 0;
  return 1 + Math.max(Math.ceil(commits / PER_TYPE), Math.ceil(branches / PER_TYPE), Math.ceil((commits + branches) / 1000));
}

const branchesAmong = (from: number, to: number) => Math.ceil(to / BRANCH_EVERY) - Math.ceil(from / BRANCH_EVERY);

/**
 * The git devinfo adapter on a generated bare repository of `count` commits, all within `maxCommits`: first run,
 * nothing changed, then 1% new commits pushed to main (main's tip moves, one new feature branch).
 */
export async function gitScenarios(count: number, dir: string, sim: Simulator): Promise<ScenarioSet> {
  const repository = path.join(dir, 'web.git');
  const added = Math.ceil(count / 100);
  const config = await writeBenchConfig(
    dir,
    sim,
    {
      name: 'code',
      adapter: 'git',
      maxCommits: count,
      repositories: [{ path: repository, name: 'web', url: 'https://git.example/acme/web' }],
    },
    1800,
  );
  const firstCommits = linkedCommits(0, count);
  // Feature branches, plus main when its tip carries a key.
  const firstBranches = branchesAmong(0, count) + (isLinkedCommit(count - 1) ? 1 : 0);
  const newCommits = linkedCommits(count, count + added);
  const newBranches = branchesAmong(count, count + added) + (isLinkedCommit(count + added - 1) ? 1 : 0);
  return {
    config,
    unit: 'commits',
    scenarios: [
      {
        name: 'first run (all created)',
        prepare: () => createBenchRepository(repository, count),
        writes: firstCommits + firstBranches,
        lowerBound: devinfoLowerBound(firstCommits, firstBranches),
      },
      { name: 'nothing changed', prepare: async () => {}, writes: 0, lowerBound: 0 },
      {
        name: '1% new commits on main',
        prepare: () => appendCommits(repository, count, count + added),
        writes: newCommits + newBranches,
        lowerBound: devinfoLowerBound(newCommits, newBranches),
      },
    ],
  };
}
