import { strict as assert } from 'node:assert';
import { heldBackLine } from '../../src/report/plan-text';

describe("the mass-delete guard's confirm command", () => {
  const command = (config?: string): string => /confirm with: (.*)$/.exec(heldBackLine('shop', 12, 30, config))![1]!;

  it('names no config file for the default one, and the one given otherwise', () => {
    assert.equal(command(), 'flagsync run --once --allow-mass-delete --provider shop');
    assert.equal(
      command('/etc/flagsync/prod.yaml'),
      'flagsync run --once --allow-mass-delete --provider shop --config /etc/flagsync/prod.yaml',
    );
  });

  it('quotes a path a shell would split or expand', () => {
    assert.equal(
      command("/srv/my configs/it's.yaml"),
      "flagsync run --once --allow-mass-delete --provider shop --config '/srv/my configs/it'\\''s.yaml'",
    );
    assert.match(command('$HOME/f.yaml'), / --config '\$HOME\/f\.yaml'$/);
  });
});
