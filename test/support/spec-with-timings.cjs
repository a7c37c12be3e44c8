// Mocha's spec reporter, plus the slowest test files at the end, so the suite's growth shows where
// it goes. Used by .ci/run. A file's time is the sum of its tests' and hooks' durations: mocha
// reports both with their file in serial AND parallel mode (in parallel mode a worker's events
// arrive in one burst when its file ends, so wall clocks taken here would measure nothing).
// SLOWEST_FILES=N prints N files instead of 10 (0: none).
'use strict';
const path = require('node:path');
const Mocha = require('mocha');
const { EVENT_TEST_END, EVENT_HOOK_END, EVENT_RUN_END } = Mocha.Runner.constants;

class SpecWithTimings extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const perFile = new Map();
    const add = (runnable) => {
      if (!runnable || !runnable.file || typeof runnable.duration !== 'number') return;
      const file = path.relative(process.cwd(), runnable.file);
      perFile.set(file, (perFile.get(file) || 0) + runnable.duration);
    };
    runner.on(EVENT_TEST_END, add);
    runner.on(EVENT_HOOK_END, add);
    runner.once(EVENT_RUN_END, () => {
      const count = Number(process.env.SLOWEST_FILES ?? 10);
      const slowest = [...perFile].sort((a, b) => b[1] - a[1]).slice(0, Number.isFinite(count) ? count : 10);
      if (slowest.length === 0) return;
      console.log(`\n  slowest test files (tests + hooks${runner.isParallelMode?.() ? ', files ran in parallel' : ''}):`);
      for (const [file, ms] of slowest) console.log(`  ${(ms / 1000).toFixed(1).padStart(7)} s  ${file}`);
    });
  }
}

module.exports = SpecWithTimings;
