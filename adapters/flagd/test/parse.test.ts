import { strict as assert } from 'node:assert';
import { FlagdFileError } from '../errors';
import { parseFlagdFile } from '../parse';

const BOOL = { on: true, off: false };
const file = (flags: Record<string, unknown>, extra: Record<string, unknown> = {}) => JSON.stringify({ flags, ...extra });

function problemsOf(text: string, format: 'json' | 'yaml' = 'json'): string {
  try {
    parseFlagdFile(text, format);
  } catch (err) {
    assert.ok(err instanceof FlagdFileError, `expected FlagdFileError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('the file was accepted');
}

describe('flagd parse: valid files', () => {
  it('decodes flags, variants, targeting and metadata', () => {
    const parsed = parseFlagdFile(
      file({
        a: {
          state: 'ENABLED',
          variants: BOOL,
          defaultVariant: 'off',
          targeting: {
            fractional: [
              ['on', 25],
              ['off', 75],
            ],
          },
          metadata: { jira: 'PROJ-1' },
        },
      }),
    );
    assert.deepEqual(parsed.flags['a'], {
      state: 'ENABLED',
      variants: BOOL,
      defaultVariant: 'off',
      targeting: {
        fractional: [
          ['on', 25],
          ['off', 75],
        ],
      },
      metadata: { jira: 'PROJ-1' },
    });
  });

  it('replaces $ref with the named $evaluators entry', () => {
    const parsed = parseFlagdFile(
      file(
        { a: { state: 'ENABLED', variants: BOOL, defaultVariant: 'off', targeting: { if: [{ $ref: 'staff' }, 'on', 'off'] } } },
        { $evaluators: { staff: { ends_with: [{ var: 'email' }, '@example.com'] } } },
      ),
    );
    assert.deepEqual(parsed.flags['a']!.targeting, { if: [{ ends_with: [{ var: 'email' }, '@example.com'] }, 'on', 'off'] });
  });

  it('resolves a $ref inside an evaluator', () => {
    const parsed = parseFlagdFile(
      file(
        { a: { state: 'ENABLED', variants: BOOL, defaultVariant: 'off', targeting: { if: [{ $ref: 'outer' }, 'on', 'off'] } } },
        { $evaluators: { outer: { and: [{ $ref: 'inner' }, true] }, inner: { '==': [{ var: 'plan' }, 'beta'] } } },
      ),
    );
    assert.deepEqual(parsed.flags['a']!.targeting, { if: [{ and: [{ '==': [{ var: 'plan' }, 'beta'] }, true] }, 'on', 'off'] });
  });

  it('reads YAML', () => {
    const parsed = parseFlagdFile(
      'flags:\n  a:\n    state: DISABLED\n    variants: { on: true, off: false }\n    defaultVariant: off\n',
      'yaml',
    );
    assert.equal(parsed.flags['a']!.state, 'DISABLED');
  });

  it('reads YAML as flagd does: merge keys apply, and an anchor may be reused on many flags', () => {
    const shared = 'x: &split {targeting: {fractional: [[on, 25], [off, 75]]}, metadata: {jira: PROJ-1}}\n';
    const merged = parseFlagdFile(
      `${shared}flags:\n  a: {<<: *split, state: ENABLED, variants: {on: true, off: false}, defaultVariant: off}\n`,
      'yaml',
    ).flags['a']!;
    assert.deepEqual(
      [merged.targeting, merged.metadata],
      [
        {
          fractional: [
            ['on', 25],
            ['off', 75],
          ],
        },
        { jira: 'PROJ-1' },
      ],
    );
    const many = Array.from({ length: 150 }, (_, i) => `  f${i}: {state: ENABLED, variants: *bool, defaultVariant: on}`).join('\n');
    const file = parseFlagdFile(`b: &bool {on: true, off: false}\nflags:\n${many}\n`, 'yaml');
    assert.equal(Object.keys(file.flags).length, 150);
  });

  it('accepts a null defaultVariant (flagd 0.11+)', () => {
    assert.equal(parseFlagdFile(file({ a: { state: 'ENABLED', variants: BOOL, defaultVariant: null } })).flags['a']!.defaultVariant, null);
  });
});

describe('flagd parse: invalid files', () => {
  const rows: { name: string; text: string; format?: 'json' | 'yaml'; problem: RegExp }[] = [
    { name: 'not JSON', text: '{ "flags": ', problem: /^not valid JSON: / },
    { name: 'not YAML', text: 'flags: [unclosed', format: 'yaml', problem: /^not valid YAML: / },
    { name: 'no flags', text: JSON.stringify({ flag: {} }), problem: /\(root\): must have required property 'flags'/ },
    { name: 'a list instead of an object', text: '[]', problem: /\(root\): must be object/ },
    {
      name: 'unknown state',
      text: file({ a: { state: 'ON', variants: BOOL, defaultVariant: 'on' } }),
      problem: /^flags\.a\.state: must be one of "ENABLED", "DISABLED"$/,
    },
    {
      name: 'missing variants',
      text: file({ a: { state: 'ENABLED', defaultVariant: 'on' } }),
      problem: /flags\.a: must have required property 'variants'/,
    },
    {
      name: 'variants of mixed types',
      text: file({ a: { state: 'ENABLED', variants: { on: true, off: 'no' }, defaultVariant: 'on' } }),
      problem: /^flags\.a\.variants: all variants of a flag must have one type/,
    },
    {
      name: 'default variant not among the variants',
      text: file({ a: { state: 'ENABLED', variants: BOOL, defaultVariant: 'maybe' } }),
      problem: /^flags\.a\.defaultVariant: "maybe" is not one of the variants \("on", "off"\)$/,
    },
    {
      name: 'unknown targeting operator',
      text: file({ a: { state: 'ENABLED', variants: BOOL, defaultVariant: 'on', targeting: { nosuchop: [1] } } }),
      problem: /^flags\.a\.targeting: unexpected key "nosuchop"$/,
    },
    {
      name: 'fractional that is not a list',
      text: file({ a: { state: 'ENABLED', variants: BOOL, defaultVariant: 'on', targeting: { fractional: 'x' } } }),
      problem: /^flags\.a\.targeting\.fractional: must be array$/,
    },
    {
      name: 'metadata with a nested object',
      text: file({ a: { state: 'ENABLED', variants: BOOL, defaultVariant: 'on', metadata: { owner: { team: 'x' } } } }),
      problem: /flags\.a\.metadata\.owner: must be string,number,boolean/,
    },
    {
      name: '$ref to a missing evaluator',
      text: file({ a: { state: 'ENABLED', variants: BOOL, defaultVariant: 'on', targeting: { if: [{ $ref: 'nope' }, 'on', 'off'] } } }),
      problem: /^flags\.a\.targeting: \$ref "nope" names no entry of \$evaluators$/,
    },
    {
      name: '$ref cycle',
      text: file(
        { a: { state: 'ENABLED', variants: BOOL, defaultVariant: 'on', targeting: { if: [{ $ref: 'x' }, 'on', 'off'] } } },
        { $evaluators: { x: { and: [{ $ref: 'y' }] }, y: { or: [{ $ref: 'x' }] } } },
      ),
      problem: /\$ref cycle x → y → x/,
    },
  ];
  for (const row of rows) {
    it(`rejects ${row.name}`, () => assert.match(problemsOf(row.text, row.format), row.problem));
  }
});

describe('flagd parse: targeting checked rule by rule', () => {
  const split = (on: number) => ({
    fractional: [
      ['on', on],
      ['off', 100 - on],
    ],
  });

  it('refuses a broken rule after the same valid rule was accepted in an earlier file', () => {
    parseFlagdFile(file({ a: { state: 'ENABLED', variants: BOOL, defaultVariant: 'on', targeting: split(30) } }));
    const text = file({
      a: { state: 'ENABLED', variants: BOOL, defaultVariant: 'on', targeting: split(30) },
      b: { state: 'ENABLED', variants: BOOL, defaultVariant: 'on', targeting: { fractional: 'x' } },
    });
    assert.match(problemsOf(text), /^flags\.b\.targeting\.fractional: must be array$/);
  });

  it('refuses a broken rule inside $evaluators that no flag uses', () => {
    const text = file({ a: { state: 'ENABLED', variants: BOOL, defaultVariant: 'on' } }, { $evaluators: { broken: { nosuchop: [1] } } });
    assert.match(problemsOf(text), /^\$evaluators\.broken: unexpected key "nosuchop"$/);
  });

  it('accepts a file of many flags repeating a few rules, each flag keeping its own rule', () => {
    const flags: Record<string, unknown> = {};
    for (let i = 0; i < 50; i++) flags[`f${i}`] = { state: 'ENABLED', variants: BOOL, defaultVariant: 'off', targeting: split(i % 5) };
    const parsed = parseFlagdFile(file(flags));
    assert.deepEqual(parsed.flags['f7']!.targeting, split(2));
  });
});

describe('flagd parse: flags given as an array (the flagd daemon takes both forms)', () => {
  const flag = { state: 'ENABLED', variants: BOOL, defaultVariant: 'on' };

  it('reads each flag under its key, as the map form', () => {
    const asArray = parseFlagdFile(
      JSON.stringify({
        flags: [
          { key: 'a', ...flag },
          { key: 'b', ...flag, state: 'DISABLED' },
        ],
      }),
    );
    const asMap = parseFlagdFile(file({ a: flag, b: { ...flag, state: 'DISABLED' } }));
    assert.deepEqual(asArray, asMap);
  });

  it('in YAML too, with the schema checking each flag', () => {
    const yaml = 'flags:\n  - key: a\n    state: ENABLED\n    variants: { on: true, off: false }\n    defaultVariant: on\n';
    assert.deepEqual(Object.keys(parseFlagdFile(yaml, 'yaml').flags), ['a']);
    assert.match(
      problemsOf(JSON.stringify({ flags: [{ key: 'a', ...flag, state: 'ON' }] })),
      /flags\.a\.state: must be one of "ENABLED", "DISABLED"/,
    );
  });

  it('a flag keyed __proto__ is a flag like any other, as in the map form', () => {
    const text = JSON.stringify({
      flags: [
        { key: '__proto__', ...flag },
        { key: 'b', ...flag },
      ],
    });
    assert.deepEqual(Object.keys(parseFlagdFile(text).flags), ['__proto__', 'b']);
  });

  it('refuses a flag without a key, and a key twice, naming them', () => {
    assert.match(problemsOf(JSON.stringify({ flags: [flag] })), /^flags\[0\]: expected a flag with a "key"/);
    assert.match(
      problemsOf(
        JSON.stringify({
          flags: [
            { key: 'a', ...flag },
            { key: 'b', ...flag },
            { key: 'a', ...flag },
          ],
        }),
      ),
      /flags\[2\]\.key: "a" is also the key of flags\[0\]/,
    );
  });
});
