import { strict as assert } from 'node:assert';
import { linkForPeople, linkFromSource } from '../../src/kit/link-url';

describe('links for people (src/model/link-url.ts)', () => {
  describe('linkForPeople', () => {
    it('drops user and password from an http(s) URL', () => {
      assert.equal(linkForPeople('https://ci:s3cret@flags.example/ui/a?env=prod#x'), 'https://flags.example/ui/a?env=prod#x');
    });

    it('drops a bare token given as the user', () => {
      assert.equal(linkForPeople('http://ghp_abc123@git.example/x'), 'http://git.example/x');
    });

    it('keeps hosts without dots and private addresses', () => {
      assert.equal(linkForPeople('http://unleash:4242/projects/p'), 'http://unleash:4242/projects/p');
      assert.equal(linkForPeople('https://10.0.0.5/f'), 'https://10.0.0.5/f');
    });

    for (const raw of [
      '/srv/flags/prod.flagd.json',
      'file:///srv/flags/prod.flagd.json',
      'ssh://git@git.example/x.git',
      'git@git.example:x.git',
      'not a url',
      '',
    ]) {
      it(`gives no link for ${JSON.stringify(raw)}`, () => {
        assert.equal(linkForPeople(raw), undefined);
      });
    }
  });

  describe('linkFromSource', () => {
    it('also drops the query, where tokens travel', () => {
      assert.equal(linkFromSource('https://u:p@raw.example/flags/prod.json?token=abc&ref=main'), 'https://raw.example/flags/prod.json');
    });

    it('gives no link for a local file', () => {
      assert.equal(linkFromSource('file:///srv/flags/prod.flagd.json'), undefined);
    });
  });
});
