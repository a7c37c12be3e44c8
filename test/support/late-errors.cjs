// Loaded in every mocha worker (.mocharc `require`). In parallel mode an error thrown, or a promise
// rejected, after a test file has finished (a timer or socket it left behind) ends its worker, and
// the files queued on that worker go unreported ("Workerpool Worker terminated Unexpectedly").
// Such an error is printed loudly here instead, with its stack, and the run goes on; during a test,
// mocha's own handler still fails that test.
'use strict';
process.on('unhandledRejection', (reason) => {
  console.error('[late error] a promise rejected outside any test:', reason);
});
process.on('uncaughtException', (error) => {
  console.error('[late error] an error thrown outside any test:', error);
});
