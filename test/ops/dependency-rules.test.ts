import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { ICruiseResult, IViolation } from 'dependency-cruiser';
import { tempDir } from '../support/temp-dir.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const CLI = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

/**
 * The cruiser's own CLI in a plain node process: under the tsx loader mocha runs with, its swc visitor
 * does not load.
 */
function cruise(cwd: string, paths: string[]): ICruiseResult {
  const run = spawnSync(process.execPath, [CLI, '--config', CONFIG, '--output-type', 'json', ...paths], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (!run.stdout) throw new Error(`dependency-cruiser printed nothing (exit ${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as ICruiseResult;
}

/** One line per violation: the rule, then the import (or the cycle) that breaks it. */
function describeViolation(v: IViolation): string {
  const cycle = v.cycle?.length ? ` (cycle: ${[v.from, ...v.cycle.map((c) => c.name)].join(' → ')})` : '';
  return `${v.rule.name}: ${v.from} → ${v.to}${cycle}`;
}

describe('import directions (.dependency-cruiser.cjs)', function () {
  // Parses every source file once with swc: a few seconds on a busy machine.
  this.timeout(120_000);
  let result: ICruiseResult;

  before(() => {
    result = cruise(ROOT, ['src', 'machines', 'adapters', 'api']);
  });

  it('sees the sources and resolves every import of ours (a blind check would pass anything)', () => {
    expect(result.summary.totalCruised).to.be.greaterThan(300);
    const unresolved = result.modules.flatMap((m) =>
      m.dependencies.filter((d) => d.couldNotResolve && d.module.startsWith('.')).map((d) => `${m.source} → ${d.module}`),
    );
    expect(unresolved, unresolved.join('\n')).to.deep.equal([]);
  });

  it('counts a type-only import across a forbidden boundary', () => {
    const { dir, cleanup } = tempDir('okto-depcruise-');
    try {
      fs.mkdirSync(path.join(dir, 'machines'));
      fs.mkdirSync(path.join(dir, 'adapters'));
      fs.writeFileSync(path.join(dir, 'adapters', 'port.ts'), 'export interface Frame { bytes: number }\n');
      fs.writeFileSync(
        path.join(dir, 'machines', 'uses-port.ts'),
        "import type { Frame } from '../adapters/port.js';\nexport const size = (f: Frame) => f.bytes;\n",
      );
      const fixture = cruise(dir, ['machines', 'adapters']);
      expect(fixture.summary.violations.map(describeViolation)).to.deep.equal([
        'machines-stay-pure: machines/uses-port.ts → adapters/port.ts',
      ]);
    } finally {
      cleanup();
    }
  });

  it('has no violation: machines → domain only, domain → domain only, adapters below api/machines/roots, api never imports a composition root, runtime never imports api, no cycles', () => {
    const lines = result.summary.violations.map(describeViolation);
    for (const line of lines) console.log(`    ${line}`);
    expect(lines, `${lines.length} import rule violations`).to.deep.equal([]);
  });
});
