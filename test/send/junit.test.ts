import { strict as assert } from 'node:assert';
import { rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { countJunitFiles, countJunitXml, JunitError } from '../../src/send';
import { tempDir } from '../helpers/flagd-fixtures';

const fixtures = path.join(__dirname, 'fixtures');

describe('JUnit XML test counts', () => {
  it('counts a single <testsuite> report (failures and skipped)', async () => {
    assert.deepEqual(await countJunitFiles(['maven-surefire.xml'], fixtures), {
      totalNumber: 4,
      numberPassed: 2,
      numberFailed: 1,
      numberSkipped: 1,
    });
  });

  it('counts <testsuites> with nested suites, errors as failures', async () => {
    assert.deepEqual(await countJunitFiles(['jest-junit.xml'], fixtures), {
      totalNumber: 3,
      numberPassed: 2,
      numberFailed: 1,
      numberSkipped: 0,
    });
  });

  it('sums every file a glob matches', async () => {
    assert.deepEqual(await countJunitFiles(['*.xml'], fixtures), { totalNumber: 7, numberPassed: 4, numberFailed: 2, numberSkipped: 1 });
  });

  it('refuses a glob that matches nothing, naming the pattern', async () => {
    await assert.rejects(countJunitFiles(['reports/**/*.xml'], fixtures), /--junit: no file matches "reports\/\*\*\/\*\.xml"/);
  });

  it('refuses malformed XML, naming the file', async () => {
    const dir = await tempDir();
    try {
      await writeFile(path.join(dir, 'broken.xml'), '<testsuite><testcase></testsuite>');
      await assert.rejects(countJunitFiles(['broken.xml'], dir), (e: Error) => e instanceof JunitError && e.message.includes('broken.xml'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses XML that is not a JUnit report', () => {
    assert.throws(() => countJunitXml('<project><name>x</name></project>', 'pom.xml'), /pom.xml: not a JUnit report/);
  });
});
