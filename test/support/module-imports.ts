import ts from 'typescript';

/** One module a source file reaches: how it reaches it decides which rules of the layering apply. */
export interface ModuleImport {
  specifier: string;
  /** `type`: erased at build (import type, `import('x').T`); `lazy`: loaded when called; `static`: at load. */
  kind: 'static' | 'type' | 'lazy';
}

export interface FileImports {
  imports: ModuleImport[];
  /** Loads whose module is not written literally: the layering cannot see them, so they are refused. */
  unnamed: string[];
  /** The members of `process` the code reads (`env`, `argv`, `exit`...), text in strings aside. */
  processMembers: string[];
}

const literalText = (node: ts.Node | undefined): string | undefined =>
  node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;

/** `process`, `globalThis.process` or `global.process` (parentheses aside). */
function isProcess(node: ts.Expression): boolean {
  while (ts.isParenthesizedExpression(node)) node = node.expression;
  if (ts.isIdentifier(node)) return node.text === 'process';
  return ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && ['globalThis', 'global'].includes(node.expression.text) && node.name.text === 'process';
}

/** `require`, `createRequire(...)` or `process.getBuiltinModule`: the loads that are not import syntax. */
function isLoader(callee: ts.Expression, loaderNames: ReadonlySet<string>): boolean {
  if (ts.isIdentifier(callee)) return callee.text === 'require' || loaderNames.has(callee.text);
  if (ts.isCallExpression(callee)) return /\bcreateRequire$/.test(callee.expression.getText());
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 'getBuiltinModule';
}

/**
 * Every module a TypeScript source file reaches, read from its syntax tree rather than by pattern,
 * so no spelling escapes the layering: either quote, side-effect imports, `export ... from`,
 * import types, `import()`, `require`, a `createRequire` result, `process.getBuiltinModule`, and a
 * local name bound to one of them (`const load = require`).
 */
export function moduleImports(fileName: string, text: string): FileImports {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const imports: ModuleImport[] = [];
  const unnamed: string[] = [];
  const loaderNames = new Set<string>();
  const processMembers = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const typeOnly = node.importClause?.isTypeOnly === true;
      imports.push({ specifier: (node.moduleSpecifier as ts.StringLiteral).text, kind: typeOnly ? 'type' : 'static' });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      imports.push({ specifier: (node.moduleSpecifier as ts.StringLiteral).text, kind: node.isTypeOnly ? 'type' : 'static' });
    } else if (ts.isImportTypeNode(node)) {
      const specifier = ts.isLiteralTypeNode(node.argument) ? literalText(node.argument.literal) : undefined;
      if (specifier) imports.push({ specifier, kind: 'type' });
    } else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && /\b(require|createRequire)\b/.test(node.initializer.getText())) {
      loaderNames.add(node.name.text);
    } else if (ts.isPropertyAccessExpression(node) && isProcess(node.expression)) {
      processMembers.add(node.name.text);
    } else if (ts.isElementAccessExpression(node) && isProcess(node.expression)) {
      processMembers.add(literalText(node.argumentExpression) ?? '[computed]');
    } else if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer && isProcess(node.initializer)) {
      for (const element of node.name.elements) processMembers.add((element.propertyName ?? element.name).getText());
    }
    if (ts.isCallExpression(node)) {
      const dynamic = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      if (dynamic || isLoader(node.expression, loaderNames)) {
        const specifier = literalText(node.arguments[0]);
        if (specifier) imports.push({ specifier, kind: 'lazy' });
        else unnamed.push(node.getText().slice(0, 80));
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { imports, unnamed, processMembers: [...processMembers] };
}
