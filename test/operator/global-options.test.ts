import { strict as assert } from 'node:assert';
import type { Command } from 'commander';
import { runCli } from '../helpers/cli';
import { buildProgram } from '../../src/cli/program';

/** The options the commands share are declared once: the same flag, help and choices wherever a command takes it. */
const SHARED = ['--config', '--log-level', '--json', '--no-color', '--quiet'];

function commands(command: Command, prefix = ''): [string, Command][] {
  return command.commands.flatMap((c) => {
    const name = `${prefix}${c.name()}`;
    return [[name, c] as [string, Command], ...commands(c, `${name} `)];
  });
}

const program = buildProgram(() => undefined);
const all = commands(program);
const sharedOf = (command: Command) => command.options.filter((o) => o.long !== undefined && SHARED.includes(o.long));
const flagsOf = (name: string) =>
  sharedOf(all.find(([n]) => n === name)![1])
    .map((o) => o.long)
    .sort();

describe('shared CLI options', () => {
  it('are the same option (flags, help, choices) in every command that takes them, the program included', () => {
    const seen = new Map<string, string>();
    for (const [name, command] of [['flagsync', program] as [string, Command], ...all]) {
      for (const option of sharedOf(command)) {
        const shape = JSON.stringify({ flags: option.flags, help: option.description, choices: option.argChoices });
        const first = seen.get(option.long!);
        if (first === undefined) seen.set(option.long!, shape);
        else assert.equal(shape, first, `${name}: ${option.long}`);
      }
    }
    assert.deepEqual([...seen.keys()].sort(), [...SHARED].sort());
  });

  it('every command that logs takes all of them', () => {
    for (const name of ['run', 'plan', 'purge', 'validate', 'send build', 'send deployment', 'send drain', 'adapter check'])
      assert.deepEqual(flagsOf(name), [...SHARED].sort(), name);
  });

  it('status takes the config and --json; demo only the log level', () => {
    assert.deepEqual(flagsOf('status'), ['--config', '--json']);
    assert.deepEqual(flagsOf('demo'), ['--log-level']);
  });
});

describe('option values outside the config are checked too', function () {
  this.timeout(30_000);

  it('status --runs that is no whole number ≥ 1: exit 2, naming the option', async () => {
    const result = await runCli(['status', '--runs', 'abc']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--runs: expected a whole number ≥ 1, got "abc"/);
  });

  it('simulate-jira refuses a data type it does not know and a cloud id no config could name (exit 2)', async () => {
    const permissions = await runCli(['simulate-jira', '--port', '0', '--permissions', 'featureflags,deploymnets']);
    assert.equal(permissions.code, 2);
    assert.match(
      permissions.stderr,
      /^flagsync simulate-jira: --permissions: expected data types among featureflags, builds, deployments, devinfo, got "deploymnets"$/m,
    );
    const cloudId = await runCli(['simulate-jira', '--port', '0', '--cloud-id', 'my-site']);
    assert.equal(cloudId.code, 2);
    assert.match(cloudId.stderr, /^flagsync simulate-jira: --cloud-id: expected a UUID, got "my-site"$/m);
  });

  it('simulate-jira --port that is no port: exit 2, naming the option (not a stack of Node internals)', async () => {
    const result = await runCli(['simulate-jira', '--port', 'abc']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^flagsync simulate-jira: --port: expected a whole number from 0 to 65535, got "abc"$/m);
  });
});
