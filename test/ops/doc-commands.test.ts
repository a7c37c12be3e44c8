import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { USAGE as CLOUD_SIM_USAGE } from '../../src/cloud-sim/config.js';
import { EDGE_USAGE } from '../../src/edge/config.js';
import { FACTORY_USAGE } from '../../src/factory/config.js';
import { USAGE as LINE_SIM_USAGE } from '../../src/line-sim/config.js';
import { dataCommandUsage } from '../../src/ops/backup-command.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };

/** Each bin's usage text, as `--help` prints it: the flags a guide may use. */
const USAGES: Record<string, string> = {
  'okto-edge': `${EDGE_USAGE}\n${dataCommandUsage('okto-edge')}`,
  'okto-factory': `${FACTORY_USAGE}\n${dataCommandUsage('okto-factory')}`,
  'okto-cloud-sim': CLOUD_SIM_USAGE,
  'okto-line-sim': LINE_SIM_USAGE,
};
const flagsOf = (usage: string) => new Set([...usage.matchAll(/(?<![\w-])(--[a-z][a-z0-9-]*|-[a-z])\b/g)].map((m) => m[1]!));

/** Every command line in the guides that runs one of ours: `npx okto-…`, `npm run …`, `npx tsx <file>`. */
function commandsIn(file: string): Array<{ line: number; text: string }> {
  const found: Array<{ line: number; text: string }> = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      if (/\bnpx okto-|\bnpm run \S|\bnpx tsx \S/.test(text)) found.push({ line: i + 1, text });
    });
  return found;
}

const DOCS = fs.existsSync(path.join(ROOT, 'docs')) ? fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')) : [];

describe('doc check: every command in docs/*.md names a real bin, script, file and flag', () => {
  it('finds the guides and commands in them', () => {
    expect(DOCS).to.include.members(['DEPLOYMENT.md', 'METRICS.md', 'SERVER_MANAGEMENT.md']);
    expect(DOCS.flatMap((doc) => commandsIn(path.join(ROOT, 'docs', doc))).length).to.be.greaterThan(5);
  });

  for (const doc of DOCS) {
    it(doc, () => {
      const problems: string[] = [];
      for (const { line, text } of commandsIn(path.join(ROOT, 'docs', doc))) {
        const where = `${doc}:${line}`;
        for (const m of text.matchAll(/\bnpx (okto-[a-z-]+)([^`|;&]*)/g)) {
          const [, bin, rest] = m;
          if (!pkg.bin[bin!]) {
            problems.push(`${where}: no bin ${bin}`);
            continue;
          }
          const known = flagsOf(USAGES[bin!]!);
          for (const flag of rest!.matchAll(/(?<![\w-])(--[a-z][a-z0-9-]*|-[a-z])\b/g)) if (!known.has(flag[1]!)) problems.push(`${where}: ${bin} has no flag ${flag[1]}`);
        }
        for (const m of text.matchAll(/\bnpm run ([\w:-]+)/g)) if (!pkg.scripts[m[1]!]) problems.push(`${where}: no npm script ${m[1]}`);
        for (const m of text.matchAll(/\bnpx tsx (\S+\.ts)/g)) if (!fs.existsSync(path.join(ROOT, m[1]!))) problems.push(`${where}: no file ${m[1]}`);
      }
      expect(problems).to.deep.equal([]);
    });
  }

  it('the check itself catches a wrong flag, bin and script', () => {
    expect(flagsOf(USAGES['okto-edge']!).has('--data-dir')).to.equal(true);
    expect(flagsOf(USAGES['okto-edge']!).has('--to')).to.equal(true);
    expect(flagsOf(USAGES['okto-edge']!).has('--no-such')).to.equal(false);
    expect(pkg.bin['okto-nothing']).to.equal(undefined);
    expect(pkg.scripts['no-such-script']).to.equal(undefined);
  });
});
