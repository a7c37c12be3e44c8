import { statSync, utimesSync } from 'node:fs';
import { expect } from 'chai';
import { ensureBuilt, isStale, readManifest } from '../../src/ui/build.js';

/** The bundle is rebuilt at start-up (first request) when a source is newer than it, never otherwise. */
describe('browser apps: rebuild when a source changes (src/ui/build)', function () {
  this.timeout(60_000);
  const source = 'src/ui/shared/scan-reason.ts';

  it('a current bundle is reused; a newer source makes it stale and the next ensureBuilt rebuilds it', async () => {
    const first = await ensureBuilt('edge-hmi');
    expect(isStale('edge-hmi')).to.equal(false);
    expect((await ensureBuilt('edge-hmi')).builtAt).to.equal(first.builtAt); // reused, not rebuilt

    const { atime, mtime } = statSync(source);
    try {
      const future = new Date(Date.now() + 60_000);
      utimesSync(source, future, future);
      expect(isStale('edge-hmi')).to.equal(true);
      const rebuilt = await ensureBuilt('edge-hmi');
      expect(rebuilt.builtAt).to.be.greaterThan(first.builtAt);
      expect(rebuilt.inputs).to.include(source);
      expect(readManifest('edge-hmi')!.script).to.equal(rebuilt.script);
    } finally {
      utimesSync(source, atime, mtime);
    }
    expect(isStale('edge-hmi')).to.equal(false);
  });
});
