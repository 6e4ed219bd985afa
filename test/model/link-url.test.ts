import { strict as assert } from 'node:assert';
import { fullFormats } from 'ajv-formats/dist/formats';
import { linkForPeople, linkFromSource } from '../../src/kit/link-url';

/** ajv-formats' `uri` (RFC 3986), as the Jira simulator checks every link field. */
const isUri = (text: string): boolean => (fullFormats.uri as (s: string) => boolean)(text);

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
    /**
     * The rule written out with a full parse of every link, what the shortcut must agree with: no link unless the URL
     * parser takes it as http(s); the text itself when it is a URI (the `uri` format Jira's schema and the simulator
     * check) without credentials; else the parser's form, made a URI.
     */
    function fullParse(raw: string): string | undefined {
      let url: URL;
      try {
        url = new URL(raw.trim());
      } catch {
        return undefined;
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
      if (url.username === '' && url.password === '' && isUri(raw)) return raw;
      url.username = '';
      url.password = '';
      // Written out apart from the product's: what follows the origin, character by character, made URI characters.
      const rest = url.href.slice(url.origin.length);
      let out = '';
      let hashes = 0;
      for (let i = 0; i < rest.length; i++) {
        const c = rest[i]!;
        if (c === '#') out += hashes++ === 0 ? '#' : '%23';
        else if (c === '%') out += /^[0-9A-Fa-f]{2}$/.test(rest.slice(i + 1, i + 3)) ? '%' : '%25';
        else if (/[A-Za-z0-9\-._~:/?@!$&'()*+,;=]/.test(c)) out += c;
        else out += encodeURIComponent(c);
      }
      const expected = url.origin + out;
      assert.ok(isUri(expected), `${JSON.stringify(raw)} → ${JSON.stringify(expected)} is a URI`);
      return expected;
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
    const rests = [
      '',
      '/',
      '/ui/a?env=prod#x',
      '?q=1',
      '#frag',
      '/a@b/c',
      '/a b',
      '/\u0001x',
      '\\x',
      '/%zz',
      ' ',
      '/café',
      '/a|b^c',
      '/[x]{y}`z"',
      '/50%off',
      '/a#b#c',
      '/ok%20done',
      '/a<b>',
    ];
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

  describe('links Jira takes as URIs (its schema says `format: uri`)', () => {
    for (const [raw, uri] of [
      ['https://flags.example/projects/café/x', 'https://flags.example/projects/caf%C3%A9/x'],
      ['https://flags.example/a|b^c', 'https://flags.example/a%7Cb%5Ec'],
      ['https://flags.example/sale/50%off', 'https://flags.example/sale/50%25off'],
      ['https://flags.example/a#b#c', 'https://flags.example/a#b%23c'],
      ['https://café.example/x', 'https://xn--caf-dma.example/x'],
      ['http://[::1]:8080/x|y', 'http://[::1]:8080/x%7Cy'],
    ]) {
      it(`${raw} → ${uri}`, () => {
        assert.equal(linkForPeople(raw), uri);
        assert.ok(isUri(uri!));
      });
    }

    it('keeps a link that is a URI already exactly as it is (its hash in state does not change)', () => {
      const raw = "https://flags.example/ui/a-b_c.d~e/f:g@h!$&'()*+,;=?env=prod&x=%20#/flags/x";
      assert.equal(linkForPeople(raw), raw);
    });
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
