import { strict as assert } from 'node:assert';
import { productName } from '../../src/kit';

describe('productName (what a source reports as its product)', () => {
  it('adds the version a source reports', () => {
    assert.equal(productName('Unleash', '7.5.1'), 'Unleash 7.5.1');
    assert.equal(productName('Unleash', '5.3.0-main'), 'Unleash 5.3.0-main');
    assert.equal(productName('Git', '2.42.0.windows.2'), 'Git 2.42.0.windows.2');
  });

  it('drops a leading "v" and surrounding blanks', () => {
    assert.equal(productName('Flipt', ' v1.58.2\n'), 'Flipt 1.58.2');
  });

  it('names the product alone when there is no version, or none that reads as one', () => {
    for (const version of [undefined, null, 7, '', 'dev', 'latest', '<html>', '7.5.1 (build 3)', 'v'])
      assert.equal(productName('Unleash', version), 'Unleash', String(version));
  });

  it('names the product alone when the version is longer than 40 characters', () => {
    assert.equal(productName('Flipt', `1.${'0'.repeat(38)}`), `Flipt 1.${'0'.repeat(38)}`);
    assert.equal(productName('Flipt', `1.${'0'.repeat(39)}`), 'Flipt');
  });
});
