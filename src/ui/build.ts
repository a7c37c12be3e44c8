import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync, readdirSync, unlinkSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds the two browser apps (edge HMI, factory console) with esbuild into `dist/ui/<app>/`:
 * content-hashed `app-<hash>.js` / `.css` and an `index.html` that names them. Runs at `npm install`
 * (the `prepare` script) and again at service start-up when the bundle is missing or older than any
 * of its sources, so a fresh clone and an edited source both serve a current bundle with no extra
 * command. Nothing is fetched at run time.
 */

export const UI_APPS = ['edge-hmi', 'factory-console'] as const;
export type UiApp = (typeof UI_APPS)[number];

/** The repository (the nearest folder with a package.json): right from src/ui and from a tsc build under dist/. */
function findRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return resolve(from, '../..');
    dir = parent;
  }
  return dir;
}
const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
export const UI_DIST = join(ROOT, 'dist', 'ui');

export interface UiManifest {
  app: UiApp;
  builtAt: number;
  /** Hashed asset names, relative to the app's dist dir. */
  script: string;
  style: string | null;
  /** Every source file the bundle was made from (relative to the repository), for the staleness check. */
  inputs: string[];
  /** Bytes of each asset: raw and gzip. */
  sizes: Record<string, { bytes: number; gzip: number }>;
}

const TITLES: Record<UiApp, string> = { 'edge-hmi': 'OKTO · HMI', 'factory-console': 'OKTO · Factory console' };

export function appDist(app: UiApp): string {
  return join(UI_DIST, app);
}

export function readManifest(app: UiApp): UiManifest | null {
  try {
    return JSON.parse(readFileSync(join(appDist(app), 'manifest.json'), 'utf8')) as UiManifest;
  } catch {
    return null;
  }
}

/** True when the app has no bundle, or a source it was built from changed (or vanished) since. */
export function isStale(app: UiApp): boolean {
  const manifest = readManifest(app);
  if (!manifest || !existsSync(join(appDist(app), manifest.script))) return true;
  // A deployment that ships dist/ without the sources: the bundle it ships is the one to serve.
  if (!existsSync(join(ROOT, 'src/ui'))) return false;
  for (const input of manifest.inputs) {
    try {
      if (statSync(join(ROOT, input)).mtimeMs > manifest.builtAt) return true;
    } catch {
      return true;
    }
  }
  // A new file next to the entry point is not among the inputs yet: look at the app's own dir too.
  return newestMtime(join(ROOT, 'src/ui')) > manifest.builtAt;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Writes through a temporary file and a rename, so a concurrent reader never sees half a file. */
function writeAtomically(path: string, content: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

export async function buildApp(app: UiApp): Promise<UiManifest> {
  const { build } = await import('esbuild');
  const { gzipSync } = await import('node:zlib');
  const startedAt = Date.now();
  const result = await build({
    entryPoints: { app: join(ROOT, 'src/ui', app, 'main.ts') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome100', 'firefox100', 'safari15'],
    write: false,
    outdir: '/',
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const dir = appDist(app);
  mkdirSync(dir, { recursive: true });
  const sizes: UiManifest['sizes'] = {};
  let script = '';
  let style: string | null = null;
  for (const file of result.outputFiles) {
    const hash = createHash('sha256').update(file.contents).digest('hex').slice(0, 12);
    const ext = file.path.endsWith('.css') ? 'css' : 'js';
    const name = `app-${hash}.${ext}`;
    writeAtomically(join(dir, name), file.contents);
    sizes[name] = { bytes: file.contents.byteLength, gzip: gzipSync(file.contents).byteLength };
    if (ext === 'js') script = name;
    else style = name;
  }
  const html = indexHtml(app, script, style);
  writeAtomically(join(dir, 'index.html'), html);
  const inputs = Object.keys(result.metafile!.inputs).map((input) => relative(ROOT, resolve(process.cwd(), input)));
  const manifest: UiManifest = { app, builtAt: startedAt, script, style, inputs, sizes };
  writeAtomically(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1));
  pruneOldAssets(dir, new Set([script, style ?? '']));
  return manifest;
}

function indexHtml(app: UiApp, script: string, style: string | null): string {
  return [
    '<!doctype html>',
    '<html lang="ru">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${TITLES[app]}</title>`,
    style ? `<link rel="stylesheet" href="assets/${style}">` : '',
    `<script type="module" src="assets/${script}"></script>`,
    '</head>',
    '<body><div id="app"></div></body>',
    '</html>',
    '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** Hashed assets of earlier builds; kept a minute so a page loading during a rebuild still gets its files. */
function pruneOldAssets(dir: string, keep: Set<string>): void {
  for (const name of readdirSync(dir)) {
    if (!/^app-[0-9a-f]{12}\.(js|css)$/.test(name) || keep.has(name)) continue;
    try {
      if (Date.now() - statSync(join(dir, name)).mtimeMs > 60_000) unlinkSync(join(dir, name));
    } catch {
      /* another process pruned it first */
    }
  }
}

const pending = new Map<UiApp, Promise<UiManifest>>();

/** The app's current bundle, built first when missing or stale; one build at a time per process. */
export function ensureBuilt(app: UiApp): Promise<UiManifest> {
  const running = pending.get(app);
  if (running) return running;
  const job = (async () => {
    if (!isStale(app)) return readManifest(app)!;
    return buildApp(app);
  })().finally(() => pending.delete(app));
  pending.set(app, job);
  return job;
}

// `tsx src/ui/build.ts` (the `prepare` script): build both apps and print their sizes.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const app of UI_APPS) {
    const manifest = await buildApp(app);
    const total = Object.values(manifest.sizes).reduce((sum, s) => sum + s.gzip, 0);
    console.log(`ui: ${app} → dist/ui/${app} (${(total / 1024).toFixed(1)} KB gzip)`);
  }
}
