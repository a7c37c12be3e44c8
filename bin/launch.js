// Shared by the bins: run the compiled build when it is there and up to date, else the TypeScript
// sources through tsx (right after `npm install`, and while developing).
//
// "Up to date" means dist/<entry>.js is newer than every source file: a build older than an edit
// never runs by surprise. OKTO_RUN_FROM=source forces tsx; OKTO_RUN_FROM=dist refuses to fall back.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['src', 'api', 'adapters', 'machines', 'migrations'];

function newestSourceMtime() {
  let newest = 0;
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) walk(path.join(ROOT, dir));
  return newest;
}

/** Which file runs `entry` (e.g. 'src/edge/main'): the compiled one, or null for the sources. */
export function compiledEntry(entry) {
  const compiled = path.join(ROOT, 'dist', `${entry}.js`);
  const mode = process.env.OKTO_RUN_FROM;
  if (mode === 'source') return null;
  let built;
  try {
    built = fs.statSync(compiled).mtimeMs;
  } catch {
    if (mode === 'dist') throw new Error(`OKTO_RUN_FROM=dist but ${compiled} does not exist: run npm run build`);
    return null;
  }
  // A deployment may ship dist/ without the sources: then there is nothing to be stale against.
  if (mode === 'dist' || built >= newestSourceMtime()) return compiled;
  return null;
}

export async function launch(entry) {
  const compiled = compiledEntry(entry);
  if (compiled) {
    // Stack traces point at the TypeScript lines (tsconfig.build.json emits source maps).
    process.setSourceMapsEnabled(true);
    await import(pathToFileURL(compiled).href);
    return;
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(path.join(ROOT, `${entry}.ts`)).href);
}
