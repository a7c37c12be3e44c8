// Prints the test files for `npm test`, the slowest first: mocha --parallel hands files to its
// workers in this order, and a long file started last would run alone at the end while the other
// workers sit idle. The list is what `.ci/run` reports as the slowest files; a file missing here
// still runs, in alphabetical order after these. Node ≥ 20.19 has no fs.glob: a plain walk.
import fs from 'node:fs';
import path from 'node:path';

const SLOWEST_FIRST = [
  'test/reliability/crash.test.ts',
  'test/ops/cli-manners.test.ts',
  'test/reliability/factory-crash.test.ts',
  'test/ops/backup-restore.test.ts',
  'test/api/edge/upstream.test.ts',
  'test/api/http/login-throttle.test.ts',
  'test/e2e/fleet-management.test.ts',
  'test/ops/build.test.ts',
  'test/edge/cli.test.ts',
  'test/api/edge/provisioning.test.ts',
  'test/ui/edge-hmi.browser.test.ts',
  'test/ui/factory-console.browser.test.ts',
  'test/api/factory/commands.test.ts',
  'test/runtime/data-file-modes.test.ts',
  'test/reliability/factory-link-faults.test.ts',
  'test/adapters/store/user-store.test.ts',
  'test/api/http/users.test.ts',
  'test/factory/cli.test.ts',
  'test/edge/commands/executor.test.ts',
  'test/cloud-sim/main.test.ts',
  'test/e2e/via-factory.test.ts',
];

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return walk(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const all = walk('test').sort();
const first = SLOWEST_FIRST.filter((file) => all.includes(file));
const rest = all.filter((file) => !first.includes(file));
process.stdout.write([...first, ...rest].join('\n') + '\n');
