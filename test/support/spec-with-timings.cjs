// Mocha's spec reporter, plus the ten slowest test files at the end (wall time of each file's
// top-level suites, hooks included), so the suite's growth shows where it goes. Used by .ci/run.
'use strict';
const path = require('node:path');
const Mocha = require('mocha');
const { EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_RUN_END } = Mocha.Runner.constants;

class SpecWithTimings extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const started = new Map();
    const perFile = new Map();
    runner.on(EVENT_SUITE_BEGIN, (suite) => {
      if (suite.parent && suite.parent.root && suite.file) started.set(suite, process.hrtime.bigint());
    });
    runner.on(EVENT_SUITE_END, (suite) => {
      const start = started.get(suite);
      if (start === undefined) return;
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const file = path.relative(process.cwd(), suite.file);
      perFile.set(file, (perFile.get(file) || 0) + ms);
    });
    runner.once(EVENT_RUN_END, () => {
      const slowest = [...perFile].sort((a, b) => b[1] - a[1]).slice(0, 10);
      if (slowest.length === 0) return;
      console.log('\n  slowest test files:');
      for (const [file, ms] of slowest) console.log(`  ${(ms / 1000).toFixed(1).padStart(7)} s  ${file}`);
    });
  }
}

module.exports = SpecWithTimings;
