import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { fliptFingerprints, type FliptFingerprintSettings } from '../fingerprint';

/** The source fingerprint: namespace versions under a hash of the settings that decide the mapping. */
const settings: FliptFingerprintSettings = {
  provider: 'flipt',
  baseUrl: 'http://flipt:8080',
  uiUrl: 'http://flipt:8080',
  namespaces: [
    ['production', 'prod'],
    ['staging', 'staging'],
  ],
};

describe('flipt source fingerprint', () => {
  it('gives back the versions it was made of', () => {
    const fingerprints = fliptFingerprints(settings);
    assert.deepEqual(fingerprints.versionsIn(fingerprints.of(['etag:abc', 'sha256:x'])), ['etag:abc', 'sha256:x']);
  });

  it('never reads versions from a fingerprint made with other settings (then the namespaces are simply read)', () => {
    const made = fliptFingerprints(settings).of(['etag:abc', 'etag:def']);
    for (const other of [
      { ...settings, uiUrl: 'https://flipt.example' },
      { ...settings, namespaces: [settings.namespaces[1]!, settings.namespaces[0]!] },
      { ...settings, namespaces: [settings.namespaces[0]!] },
    ]) {
      assert.equal(fliptFingerprints(other).versionsIn(made), undefined);
    }
  });

  it('reads no versions from a fingerprint of mapping revision 2 (a boolean flag nobody gets `true` from was on for 0%)', () => {
    const key = JSON.stringify([2, settings.provider, settings.baseUrl, settings.uiUrl, settings.namespaces]);
    const revision2 = `${createHash('sha256').update(key).digest('base64url')}:snapshot:${JSON.stringify(['etag:abc', 'etag:def'])}`;
    assert.equal(fliptFingerprints(settings).versionsIn(revision2), undefined);
  });

  it('reads nothing from a fingerprint it did not write', () => {
    const fingerprints = fliptFingerprints(settings);
    const prefix = fingerprints.of([]).replace(/\[\]$/, '');
    for (const text of ['', 'sha256-of-something', `${prefix}not json`, `${prefix}["one"]`, `${prefix}[1,2]`]) {
      assert.equal(fingerprints.versionsIn(text), undefined, text);
    }
  });
});
