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

  describe('linkForPeople on links of the common shape (judged by their origin, each origin parsed once)', () => {
    /** The rule written out with a full parse of every link: what the shortcut must agree with. */
    function fullParse(raw: string): string | undefined {
      let url: URL;
      try {
        url = new URL(raw.trim());
      } catch {
        return undefined;
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
      if (url.username === '' && url.password === '' && !/\s/.test(raw)) return raw;
      url.username = '';
      url.password = '';
      return url.href;
    }

    const origins = [
      'https://flags.example',
      'http://unleash:4242',
      'http://unleash:99999',
      'http://unleash:65536',
      'https://10.0.0.5',
      'https://1.2.3.999',
      'http://example.123',
      'http://0x7f.1',
      'http://a..b',
      'http://-',
      'http://.',
      'https://xn--nxasmq6b.example',
      'https://xn--a.example',
      'HTTPS://flags.example',
      'http://flags.example:',
    ];
    const rests = ['', '/', '/ui/a?env=prod#x', '?q=1', '#frag', '/a@b/c', '/a b', '/\u0001x', '\\x', '/%zz', ' '];
    for (const origin of origins) {
      it(`agrees with a full parse for every path after ${origin}`, () => {
        for (const rest of rests) {
          const raw = `${origin}${rest}`;
          assert.equal(linkForPeople(raw), fullParse(raw), JSON.stringify(raw));
          assert.equal(linkForPeople(raw), fullParse(raw), `${JSON.stringify(raw)}, asked again (origin cached)`);
        }
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
