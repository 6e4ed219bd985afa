import { strict as assert } from 'node:assert';
import { cleanText, cutText } from '../../src/model/text';

const isWellFormed = (s: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

describe('text for Jira', () => {
  describe('cutText', () => {
    it('never leaves a lone surrogate when the limit falls inside an emoji', () => {
      const text = `${'a'.repeat(254)}😀tail`;
      const cut = cutText(text, 255);
      assert.equal(cut, 'a'.repeat(254));
      assert.ok(isWellFormed(cut));
    });

    it('keeps a grapheme whole (emoji with skin tone, letter with combining accent)', () => {
      assert.equal(cutText(`${'a'.repeat(252)}👍🏽b`, 255), 'a'.repeat(252));
      assert.equal(cutText(`${'a'.repeat(254)}e\u0301x`, 255), 'a'.repeat(254));
    });

    it('counts the ellipsis in the limit', () => {
      const cut = cutText('x'.repeat(300), 10, '…');
      assert.equal(cut, `${'x'.repeat(9)}…`);
    });

    it('leaves text within the limit alone', () => {
      assert.equal(cutText('short 😀', 255), 'short 😀');
    });
  });

  describe('cleanText', () => {
    it('drops NUL, ESC and other controls, and bidi overrides and isolates', () => {
      assert.equal(cleanText('a\u0000b\u001b[31mc\u202ed\u2066e\u2069\u007f\u0085'), 'ab[31mcde');
    });

    it('turns line breaks and tabs into one space in single-line text, keeps them in multi-line text', () => {
      assert.equal(cleanText('one\r\n\ttwo'), 'one two');
      assert.equal(cleanText('subject\n\nbody\u0007', true), 'subject\n\nbody');
    });

    it('keeps ordinary text, emoji and right-to-left letters', () => {
      const text = 'Checkout שלום 😀 é';
      assert.equal(cleanText(text), text);
    });
  });
});
