import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { runService } from '../support/cli-process.js';
import { tempDir } from '../support/temp-dir.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

describe('production build (npm run build → dist/)', function () {
  // A full tsc emit of the tree, then a compiled edge start: tens of seconds on a shared machine.
  this.timeout(240_000);
  const outDir = path.join(ROOT, `.build-test-${process.pid}`);
  let dir: string;
  let cleanup: () => void;
  before(async () => {
    ({ dir, cleanup } = tempDir('okto-build-'));
    // The same project file as npm run build, into a scratch outDir inside the repository (so package.json is found from it).
    await run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', outDir], { cwd: ROOT });
  });
  after(() => {
    fs.rmSync(outDir, { recursive: true, force: true });
    cleanup();
  });

  it('emits every entry point, the migrations, and source maps', () => {
    for (const entry of ['src/edge/main', 'src/factory/main', 'src/cloud-sim/main', 'src/line-sim/main', 'migrations/edge/index', 'migrations/factory/index']) {
      const js = path.join(outDir, `${entry}.js`);
      expect(fs.existsSync(js), js).to.equal(true);
      expect(fs.readFileSync(js, 'utf8')).to.match(/\/\/# sourceMappingURL=main\.js\.map|\/\/# sourceMappingURL=index\.js\.map/);
      expect(fs.existsSync(`${js}.map`)).to.equal(true);
    }
  });

  it('the compiled edge starts without tsx (migrations run), serves /health and stops cleanly', async () => {
    const dataDir = path.join(dir, 'data');
    const edge = runService(path.join(outDir, 'src/edge/main.js'), ['--port', '0', '--data-dir', dataDir], dir);
    try {
      const port = (await edge.logLine((l) => typeof l.port === 'number')).port as number;
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).to.equal(200);
      expect(fs.existsSync(path.join(dataDir, 'edge.db'))).to.equal(true);
      edge.child.kill('SIGTERM');
      expect((await edge.exited).code).to.equal(0);
    } finally {
      if (edge.child.exitCode === null) edge.child.kill('SIGKILL');
    }
    const version = await run(process.execPath, [path.join(outDir, 'src/edge/main.js'), '--version']);
    expect(version.stdout).to.match(/^okto-edge \d+\.\d+\.\d+\n$/);
  });

  it('the bins choose: OKTO_RUN_FROM=source runs tsx; without a build, or with sources newer than it, they fall back to tsx', async () => {
    const { compiledEntry } = (await import(path.join(ROOT, 'bin/launch.js'))) as { compiledEntry: (entry: string) => string | null };
    const saved = process.env.OKTO_RUN_FROM;
    try {
      process.env.OKTO_RUN_FROM = 'source';
      expect(compiledEntry('src/edge/main')).to.equal(null);
      delete process.env.OKTO_RUN_FROM;
      expect(compiledEntry('src/no/such/entry')).to.equal(null);
      process.env.OKTO_RUN_FROM = 'dist';
      expect(() => compiledEntry('src/no/such/entry')).to.throw(/npm run build/);
      // dist/ of the repository: chosen exactly when it is newer than every source file.
      delete process.env.OKTO_RUN_FROM;
      const built = path.join(ROOT, 'dist/src/edge/main.js');
      if (fs.existsSync(built)) {
        const fresh = compiledEntry('src/edge/main');
        const sourcesNewer = fs.statSync(built).mtimeMs < fs.statSync(path.join(ROOT, 'src/edge/main.ts')).mtimeMs;
        if (sourcesNewer) expect(fresh).to.equal(null);
      }
    } finally {
      if (saved === undefined) delete process.env.OKTO_RUN_FROM;
      else process.env.OKTO_RUN_FROM = saved;
    }
  });
});
