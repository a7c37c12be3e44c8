import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { SyntaxKind } from 'typescript/unstable/ast';
import { API } from 'typescript/unstable/sync';

/**
 * "Smaller rooms" (issue 11): no function in src/ runs over MAX_LINES lines of its own unless a
 * comment says why — `long-function: <reason>` in the few lines above it or on its first lines.
 * Functions are found with the TypeScript compiler (the project's own tsconfig), not by pattern:
 * declarations, expressions, arrows, methods, constructors and accessors. A function's own lines
 * leave out the functions written inside it, which are measured on their own (a factory that
 * returns ten short methods is ten short functions, not one long one). Nothing is allowlisted
 * here: a reason lives beside the code it excuses, where a reviewer sees it.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAX_LINES = 80;
const REASON = /long-function:\s*\S/;
/** How far above a function its reason may stand (a doc comment over an exported const). */
const REASON_LOOKBACK_LINES = 12;
const FUNCTION_KINDS = new Set<number>([
  SyntaxKind.FunctionDeclaration,
  SyntaxKind.FunctionExpression,
  SyntaxKind.ArrowFunction,
  SyntaxKind.MethodDeclaration,
  SyntaxKind.Constructor,
  SyntaxKind.GetAccessor,
  SyntaxKind.SetAccessor,
]);

interface AstNode {
  kind: number;
  pos: number;
  end: number;
  parent?: AstNode;
  name?: { text?: string };
  forEachChild<T>(visitor: (node: AstNode) => T): T | undefined;
}

export interface LongFunction {
  file: string;
  line: number;
  name: string;
  /** Its own lines: nested functions left out. */
  lines: number;
  reason: boolean;
}

function nameOf(node: AstNode): string {
  if (node.name?.text) return node.name.text;
  const parent = node.parent;
  if (parent?.name?.text) return parent.name.text;
  return '(anonymous)';
}

/** Every function in `src/` with more than MAX_LINES lines of its own, with whether it carries a reason. */
export function longFunctions(): LongFunction[] {
  const api = new API({ cwd: ROOT } as never);
  try {
    const snapshot = api.updateSnapshot({ openProjects: [path.join(ROOT, 'tsconfig.json')] } as never);
    const program = snapshot.getProjects()[0]!.program;
    const found: LongFunction[] = [];
    for (const fileName of program.getSourceFileNames()) {
      const relative = path.relative(ROOT, fileName);
      if (!relative.startsWith(`src${path.sep}`) || relative.endsWith('.d.ts')) continue;
      const sourceFile = program.getSourceFile(fileName) as unknown as AstNode & { text: string };
      const text = sourceFile.text;
      const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
      const lines = text.split('\n');
      const span = (node: AstNode) => {
        // `pos` includes the leading trivia (comments, blank lines): start at the first token.
        const leading = /^(?:\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*/.exec(text.slice(node.pos))![0].length;
        const first = lineOf(node.pos + leading);
        return { first, lines: lineOf(node.end) - first + 1 };
      };
      /** Lines of the functions directly inside `node` (each is measured on its own). */
      const nestedLines = (node: AstNode): number => {
        let total = 0;
        node.forEachChild((child): undefined => {
          total += FUNCTION_KINDS.has(child.kind) ? span(child).lines : nestedLines(child);
          return undefined;
        });
        return total;
      };
      const visit = (node: AstNode): undefined => {
        if (FUNCTION_KINDS.has(node.kind)) {
          const { first, lines: length } = span(node);
          const own = length - nestedLines(node);
          if (own > MAX_LINES) {
            const around = lines.slice(Math.max(0, first - 1 - REASON_LOOKBACK_LINES), first + 3).join('\n');
            found.push({ file: relative, line: first, name: nameOf(node), lines: own, reason: REASON.test(around) });
          }
        }
        node.forEachChild(visit);
        return undefined;
      };
      visit(sourceFile);
    }
    return found;
  } finally {
    api.close();
  }
}

describe(`no function in src/ over ${MAX_LINES} lines without a reason in a comment`, function () {
  // The compiler runs as a separate process and reads the whole project: seconds on a shared machine.
  this.timeout(120_000);
  let found: LongFunction[];
  before(() => {
    found = longFunctions();
  });

  it('finds functions of every kind (the check itself works: a long one is known)', () => {
    // startEdgeSystem is long by nature (a composition root) and says why; if this fails, the walk broke.
    expect(found.map((f) => f.name)).to.include('startEdgeSystem');
  });

  it('every function over the limit says why (`long-function: <reason>`)', () => {
    const unexplained = found.filter((f) => !f.reason).map((f) => `${f.file}:${f.line} ${f.name} (${f.lines} lines)`);
    expect(unexplained, `split these into named steps, or say why not:\n${unexplained.join('\n')}`).to.deep.equal([]);
  });
});
