import fs from 'node:fs';
import path from 'node:path';
import { packageEdge } from '../../scripts/package-edge.js';
import { tempDir } from './temp-dir.js';

/**
 * Small real release artifacts for the A/B install tests: a fixture "repository" with a compiled
 * entry (dist/src/edge/main.js) packaged by the real packager (scripts/package-edge.ts) without
 * dependencies. `main` is the entry's code: by default it writes its version to a file and waits.
 */
export function fixtureRelease(outDir: string, version: string, main = `process.stdout.write('fixture ${version}\\n'); setInterval(() => {}, 1000);\n`): string {
  const { dir, cleanup } = tempDir('okto-fixture-repo-');
  try {
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'okto-traceability', version: '0.0.0', type: 'module', engines: { node: '>=20' }, devDependencies: { typescript: '*' } }));
    fs.mkdirSync(path.join(dir, 'dist', 'src', 'edge'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dist', 'src', 'edge', 'main.js'), main);
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.writeFileSync(path.join(dir, 'bin', 'okto-edge.js'), `import '../dist/src/edge/main.js';\n`);
    return packageEdge({ repo: dir, outDir, version, build: false, deps: 'none' }).artifact;
  } finally {
    cleanup();
  }
}
