import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { HARDWARE_SNAPSHOT_VERSION } from '../../src/application/hardware-repository.js';

/**
 * A snapshot is a state the fold made. When the fold changes, snapshots of the old one must stop being
 * read, or a device would be decided from a state the new code would never have made. So the fold's
 * source is pinned to the snapshot version: changing it fails here until the version is raised.
 */
const FOLD_SOURCES = ['src/domain/hardware/evolve.ts', 'src/domain/hardware/state.ts'];
const PINNED = { version: 1, sha256: '27d1444df28025eb15859a95b658b3ce16fbd2952846c1bd645ee39247167fac' };

describe('The snapshot version follows the fold', () => {
  it('the fold\'s source is the one the current snapshot version was taken with', () => {
    const hash = createHash('sha256');
    for (const file of FOLD_SOURCES) hash.update(readFileSync(file, 'utf8').replace(/\r\n/g, '\n'));
    const sha256 = hash.digest('hex');
    const fix = `${FOLD_SOURCES.join(' or ')} changed: raise HARDWARE_SNAPSHOT_VERSION in src/application/hardware-repository.ts, then pin that version and the new hash here`;
    expect({ version: HARDWARE_SNAPSHOT_VERSION, sha256 }, fix).to.deep.equal(PINNED);
  });
});
