import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ReleaseManifest } from '../src/domain/firmware-install.js';

/**
 * `npm run package`: builds okto-edge-<version>.tar.gz, an installable edge for the A/B installer
 * (docs/DEPLOYMENT.md): the compiled code (dist/, after `npm run build`), bin/, package.json, the
 * production dependencies (node_modules, only the packages `npm ls --omit=dev` lists), and
 * manifest.json (name, version, the Node range it needs, the entry the launcher runs).
 *
 *   --out DIR          where the artifact goes (default: the repository)
 *   --version V        package as version V (package.json and manifest say V; for test releases)
 *   --no-build         package the dist/ that is there
 *   --deps MODE        production (default: copied) | link (a symlink to this repository's
 *                      node_modules: tests and development only) | none
 *   --from-source      TypeScript sources instead of dist/ (run through tsx; tests only)
 */
export interface PackageOptions {
  repo: string;
  outDir: string;
  version?: string;
  build?: boolean;
  deps?: 'production' | 'link' | 'none';
  fromSource?: boolean;
  log?: (message: string) => void;
}

const SOURCE_DIRS = ['src', 'api', 'adapters', 'machines', 'migrations'];

export function packageEdge(options: PackageOptions): { artifact: string; manifest: ReleaseManifest; bytes: number } {
  const { repo } = options;
  const log = options.log ?? (() => undefined);
  const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as Record<string, unknown> & { version: string; engines?: { node?: string } };
  const version = options.version ?? pkg.version;
  if (!/^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/.test(version)) throw new Error(`version "${version}" cannot name a release`);
  if (!options.fromSource && options.build !== false) {
    log('npm run build');
    execFileSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
  }
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'okto-package-'));
  try {
    const copy = (from: string) => fs.cpSync(path.join(repo, from), path.join(stage, from), { recursive: true, dereference: false });
    copy('bin');
    if (options.fromSource) SOURCE_DIRS.forEach(copy);
    else {
      if (!fs.existsSync(path.join(repo, 'dist', 'src', 'edge', 'main.js'))) throw new Error('dist/src/edge/main.js is missing: run npm run build (or drop --no-build)');
      copy('dist');
      if (fs.existsSync(path.join(repo, 'tsconfig.json'))) fs.copyFileSync(path.join(repo, 'tsconfig.json'), path.join(stage, 'tsconfig.json'));
    }
    if (options.fromSource) fs.copyFileSync(path.join(repo, 'tsconfig.json'), path.join(stage, 'tsconfig.json'));
    const { devDependencies: _dev, scripts: _scripts, ...packaged } = pkg;
    fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify({ ...packaged, version }, null, 2) + '\n');
    const manifest: ReleaseManifest = { name: 'okto-edge', version, node: pkg.engines?.node ?? '*', entry: 'bin/okto-edge.js', builtAt: new Date().toISOString() };
    fs.writeFileSync(path.join(stage, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    const deps = options.deps ?? 'production';
    if (deps === 'link') fs.symlinkSync(path.join(repo, 'node_modules'), path.join(stage, 'node_modules'));
    if (deps === 'production') copyProductionDependencies(repo, stage, log);
    fs.mkdirSync(options.outDir, { recursive: true });
    const artifact = path.join(options.outDir, `okto-edge-${version}.tar.gz`);
    execFileSync('tar', ['-czf', artifact, '-C', stage, '.']);
    const bytes = fs.statSync(artifact).size;
    log(`${artifact}: ${(bytes / 1024 / 1024).toFixed(1)} MB`);
    return { artifact, manifest, bytes };
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

/** The packages `npm ls --omit=dev --all` resolves (production, with their own dependencies), copied as installed. */
function copyProductionDependencies(repo: string, stage: string, log: (message: string) => void): void {
  const listed = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: repo, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith(path.join(repo, 'node_modules') + path.sep));
  for (const dir of listed) fs.cpSync(dir, path.join(stage, path.relative(repo, dir)), { recursive: true, dereference: false });
  log(`${listed.length} production packages`);
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      version: { type: 'string' },
      'no-build': { type: 'boolean' },
      deps: { type: 'string' },
      'from-source': { type: 'boolean' },
    },
  });
  const deps = values.deps ?? 'production';
  if (deps !== 'production' && deps !== 'link' && deps !== 'none') {
    process.stderr.write(`package: --deps must be production, link or none, got "${deps}"\n`);
    process.exit(2);
  }
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const { artifact } = packageEdge({
    repo,
    outDir: path.resolve(values.out ?? repo),
    build: !values['no-build'],
    deps,
    fromSource: values['from-source'] ?? false,
    ...(values.version ? { version: values.version } : {}),
    log: (message) => process.stderr.write(`package: ${message}\n`),
  });
  process.stdout.write(artifact + '\n');
}
