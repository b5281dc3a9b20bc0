import * as ts from 'typescript';

/** One edit of a source text: replace `[start, end)` with `text`. */
interface TextChange {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

function parse(fileName: string, source: string): ts.SourceFile {
  return ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function apply(source: string, change: TextChange): string {
  return source.slice(0, change.start) + change.text + source.slice(change.end);
}

/** The leading whitespace of the line `position` is on. */
function indentationAt(source: string, position: number): string {
  const lineStart = source.lastIndexOf('\n', position - 1) + 1;
  return /^[ \t]*/.exec(source.slice(lineStart))?.[0] ?? '';
}

/** Indents every line of `text` after the first with `indent`. */
function indentFollowingLines(text: string, indent: string): string {
  return text.split('\n').join(`\n${indent}`);
}

/**
 * Whether the file imports `name` (a value or a type) from any module.
 *
 * @example
 * importsName('app.module.ts', "import { SecurityModule } from '@rampart/security';", 'SecurityModule'); // true
 */
export function importsName(fileName: string, source: string, name: string): boolean {
  return parse(fileName, source).statements.some(
    (statement) =>
      ts.isImportDeclaration(statement) &&
      statement.importClause?.namedBindings !== undefined &&
      ts.isNamedImports(statement.importClause.namedBindings) &&
      statement.importClause.namedBindings.elements.some((element) => element.name.text === name),
  );
}

/**
 * Adds `names` to the named imports from `from`: merged into an existing `import { ... } from`
 * of that module, otherwise a new import line after the last import. Names already imported
 * are left alone.
 *
 * @example
 * addNamedImports('app.module.ts', source, ['SecurityModule'], '@rampart/security');
 */
export function addNamedImports(
  fileName: string,
  source: string,
  names: readonly string[],
  from: string,
): string {
  const file = parse(fileName, source);
  const imports = file.statements.filter(ts.isImportDeclaration);
  const existing = imports.find(
    (declaration) =>
      ts.isStringLiteral(declaration.moduleSpecifier) &&
      declaration.moduleSpecifier.text === from &&
      declaration.importClause !== undefined &&
      declaration.importClause.phaseModifier !== ts.SyntaxKind.TypeKeyword &&
      declaration.importClause.namedBindings !== undefined &&
      ts.isNamedImports(declaration.importClause.namedBindings),
  );
  const bindings = existing?.importClause?.namedBindings;
  if (bindings !== undefined && ts.isNamedImports(bindings)) {
    const present = new Set(bindings.elements.map((element) => element.name.text));
    const missing = names.filter((name) => !present.has(name));
    const last = bindings.elements[bindings.elements.length - 1];
    if (missing.length === 0) return source;
    if (last === undefined) {
      const start = bindings.getStart(file);
      return apply(source, {
        start,
        end: bindings.getEnd(),
        text: `{ ${missing.join(', ')} }`,
      });
    }
    return apply(source, {
      start: last.getEnd(),
      end: last.getEnd(),
      text: missing.map((name) => `, ${name}`).join(''),
    });
  }
  const line = `import { ${names.join(', ')} } from '${from}';`;
  const lastImport = imports[imports.length - 1];
  if (lastImport === undefined) return `${line}\n${source}`;
  return apply(source, { start: lastImport.getEnd(), end: lastImport.getEnd(), text: `\n${line}` });
}

/** The object literal of the first `@Module({ ... })` decorator in the file. */
function findModuleMetadata(file: ts.SourceFile): ts.ObjectLiteralExpression | undefined {
  let found: ts.ObjectLiteralExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (found !== undefined) return;
    if (
      ts.isDecorator(node) &&
      ts.isCallExpression(node.expression) &&
      ts.isIdentifier(node.expression.expression) &&
      node.expression.expression.text === 'Module'
    ) {
      const [argument] = node.expression.arguments;
      if (argument !== undefined && ts.isObjectLiteralExpression(argument)) found = argument;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function propertyNamed(
  metadata: ts.ObjectLiteralExpression,
  name: string,
  file: ts.SourceFile,
): ts.PropertyAssignment | undefined {
  return metadata.properties
    .filter(ts.isPropertyAssignment)
    .find(
      (property) =>
        (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) &&
        property.name.getText(file).replace(/['"]/g, '') === name,
    );
}

/**
 * Appends `expression` (which may span several lines, indented from column 0) to the `imports`
 * array of the file's `@Module({ ... })`, creating the array when missing. Returns `undefined`
 * when the file has no `@Module({ ... })` or its `imports` is not an array literal.
 *
 * @example
 * addToModuleImports('app.module.ts', source, 'SecurityModule.forRoot({ ... })');
 */
export function addToModuleImports(
  fileName: string,
  source: string,
  expression: string,
): string | undefined {
  const file = parse(fileName, source);
  const metadata = findModuleMetadata(file);
  if (metadata === undefined) return undefined;
  const property = propertyNamed(metadata, 'imports', file);
  if (property === undefined) {
    const first = metadata.properties[0];
    if (first === undefined) {
      const entry = indentFollowingLines(expression, '    ');
      return apply(source, {
        start: metadata.getStart(file),
        end: metadata.getEnd(),
        text: `{\n  imports: [\n    ${entry},\n  ],\n}`,
      });
    }
    const start = first.getStart(file);
    const indent = indentationAt(source, start);
    const entry = indentFollowingLines(expression, `${indent}  `);
    return apply(source, {
      start,
      end: start,
      text: `imports: [\n${indent}  ${entry},\n${indent}],\n${indent}`,
    });
  }
  const array = property.initializer;
  if (!ts.isArrayLiteralExpression(array)) return undefined;
  const indent = indentationAt(source, property.getStart(file));
  const elementIndent = `${indent}  `;
  const last = array.elements[array.elements.length - 1];
  if (last !== undefined && array.getText(file).includes('\n')) {
    const lastIndent = indentationAt(source, last.getStart(file));
    return apply(source, {
      start: last.getEnd(),
      end: last.getEnd(),
      text: `,\n${lastIndent}${indentFollowingLines(expression, lastIndent)}`,
    });
  }
  const entries = [
    ...array.elements.map((element) => element.getText(file)),
    indentFollowingLines(expression, elementIndent),
  ];
  return apply(source, {
    start: array.getStart(file),
    end: array.getEnd(),
    text: `[\n${entries.map((entry) => `${elementIndent}${entry},\n`).join('')}${indent}]`,
  });
}
