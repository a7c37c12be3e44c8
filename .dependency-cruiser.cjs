// The import directions of docs/DESIGN (issue 11), checked by test/ops/dependency-rules.test.ts on
// every `npm test`. Type-only imports count: a type is a dependency too. No exceptions.
// Run it by hand with `npx depcruise src machines adapters api`.
const COMPOSITION_ROOTS = '^src/(edge|factory|cloud-sim|line-sim|demo)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'machines-stay-pure',
      comment: 'A machine imports only src/domain, other machines (and xstate): no adapters, api, runtime or composition roots.',
      severity: 'error',
      from: { path: '^machines/' },
      to: { path: '^(src|adapters|api|migrations)/', pathNot: '^src/domain/' },
    },
    {
      name: 'domain-imports-only-domain',
      comment: 'src/domain is the core: it imports nothing of ours outside src/domain.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^(src|machines|adapters|api|migrations)/', pathNot: '^src/domain/' },
    },
    {
      name: 'adapters-stay-below',
      comment: 'An adapter implements a port of the core; it never imports api, machines or a composition root.',
      severity: 'error',
      from: { path: '^adapters/' },
      to: { path: `^(api|machines)/|${COMPOSITION_ROOTS}` },
    },
    {
      name: 'api-declares-what-it-needs',
      comment: 'A router takes a narrow interface it declares itself; the composition root passes the object.',
      severity: 'error',
      from: { path: '^api/' },
      to: { path: COMPOSITION_ROOTS },
    },
    {
      name: 'runtime-below-api',
      comment: 'src/runtime is plumbing the api uses, never the other way round.',
      severity: 'error',
      from: { path: '^src/runtime/' },
      to: { path: '^api/' },
    },
    {
      name: 'no-cycles',
      comment: 'No import cycles, type-only ones included.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    // TypeScript 7 has no compiler API for the cruiser to use; swc parses the sources instead, and with
    // tsPreCompilationDeps `import type` is kept as a dependency.
    parser: 'swc',
    tsPreCompilationDeps: true,
    moduleSystems: ['es6', 'cjs'],
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
