import { strict as assert } from 'node:assert';
import { takingTurns } from '../../src/daemon/turns';

describe('the daemon taking turns (ticks and watch syncs, before the writer lock)', () => {
  const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('runs one at a time, in the order asked: a provider asking again and again does not overtake a waiting tick', async () => {
    const inTurn = takingTurns();
    const order: string[] = [];
    let running = 0;
    const work = (name: string) => async () => {
      running++;
      assert.equal(running, 1, 'one at a time');
      order.push(name);
      await later(5);
      running--;
    };
    // A provider whose source changes faster than it syncs asks again as soon as its sync ends.
    let churn = 0;
    const churning = async (): Promise<void> => {
      await inTurn(work(`churn ${++churn}`));
      if (churn < 4) await churning();
    };
    const first = churning();
    await later(1);
    const tick = inTurn(work('tick'));
    const quiet = inTurn(work('quiet provider'));
    await Promise.all([first, tick, quiet]);
    assert.deepEqual(order, ['churn 1', 'tick', 'quiet provider', 'churn 2', 'churn 3', 'churn 4']);
  });

  it('hands over after a turn that fails, and that turn rejects to its own caller', async () => {
    const inTurn = takingTurns();
    const failing = inTurn(() => Promise.reject(new Error('sync failed')));
    const next = inTurn(() => Promise.resolve('ran'));
    await assert.rejects(failing, /sync failed/);
    assert.equal(await next, 'ran');
  });
});
