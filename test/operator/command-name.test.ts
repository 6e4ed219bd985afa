import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { commandName } from '../../src/cli/command-name';

/** The next-step commands `init` and `demo` print run where they are printed (here: the checkout's sources). */
describe('the command that runs flagsync again', () => {
  const root = path.resolve(__dirname, '..', '..');

  it("from the checkout's root: its TypeScript sources through tsx, as npm start runs them", () => {
    assert.equal(commandName(root), 'npx tsx src/cli/main.ts');
  });

  it("from a folder nearby: the checkout's bin by a relative path", () => {
    assert.equal(commandName(path.join(root, 'config', 'demo')), `node ${path.join('..', '..', 'bin', 'flagsync.js')}`);
  });

  it("from a folder elsewhere: the checkout's bin by its absolute path (tsx is not installed there)", () => {
    assert.equal(commandName(path.dirname(root)), `node ${path.join(root, 'bin', 'flagsync.js')}`);
  });
});
