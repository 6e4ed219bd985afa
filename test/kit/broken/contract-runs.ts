import { runAdapterContract } from '../../../src/kit/testing';
import { tinyAdapter, tinyFixtures, type Fault } from './tiny-adapter';

// Not a *.test.ts file: test/kit/contract-kit.test.ts runs it in its own mocha process and reads the results.
const faults: Fault[] = [
  'none',
  'swallows-outage',
  'ignores-abort',
  'wrong-provider',
  'unstable-ids',
  'bad-issue-key',
  'invalid-field',
  'leaks-token',
  'drops-bad-flag',
  'rejects-bad-flag',
  'announces-unchanged',
  'misses-change',
  'ignores-watch-abort',
];
for (const fault of faults) runAdapterContract(tinyAdapter(fault), tinyFixtures);
