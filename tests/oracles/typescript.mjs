// The TypeScript compiler's own reading of JS/TS and JSONC, for tests/test_jsread_oracle.py.
// Usage: node typescript.mjs <path to the typescript package>; stdin: {"imports": [text],
// "next": [text], "jsonc": [text]}; stdout: the answers, in the same order.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const ts = createRequire(import.meta.url)(process.argv[2]);
const input = JSON.parse(readFileSync(0, "utf8"));

// (a) what ts.preProcessFile lists as imported, and what the syntax tree says is imported
function imports(text) {
  const pre = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  const tree = [];
  const visit = (node) => {
    const spec = moduleSpecifier(node);
    if (spec !== undefined) tree.push(spec);
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile("x.ts", text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS));
  return { preProcessFile: pre, tree };
}

function moduleSpecifier(node) {
  const literal = (n) => (n && ts.isStringLiteralLike(n) ? n.text : undefined);
  if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return literal(node.moduleSpecifier);
  if (ts.isExternalModuleReference(node)) return literal(node.expression);
  if (ts.isCallExpression(node) && node.arguments.length >= 1) {
    const callee = node.expression;
    const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
    const isRequire = ts.isIdentifier(callee) && callee.text === "require";
    if (isImport || isRequire) return literal(node.arguments[0]);
  }
  return undefined;
}

// (b) whether some object literal property `output` is the string "standalone" (parentheses,
// `as` and `satisfies` around it taken off)
function standalone(text) {
  let found = false;
  const visit = (node) => {
    if (ts.isPropertyAssignment(node) && propertyName(node.name) === "output") {
      const value = ts.skipOuterExpressions(node.initializer);
      if (ts.isStringLiteralLike(value) && value.text === "standalone") found = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile("next.config.ts", text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS));
  return found;
}

function propertyName(name) {
  return ts.isIdentifier(name) || ts.isStringLiteralLike(name) ? name.text : undefined;
}

// (c) a tsconfig-like file as the compiler reads it; error: whether it reported one
function jsonc(text) {
  const { config, error } = ts.parseConfigFileTextToJson("tsconfig.json", text);
  return { config: config === undefined ? null : config, error: error !== undefined };
}

// JSON has no Infinity or NaN: they travel as {"$number": "Infinity"}
const numbers = (_key, value) => (typeof value === "number" && !Number.isFinite(value) ? { $number: String(value) } : value);

process.stdout.write(
  JSON.stringify(
    {
      imports: (input.imports ?? []).map(imports),
      next: (input.next ?? []).map(standalone),
      jsonc: (input.jsonc ?? []).map(jsonc),
    },
    numbers,
  ),
);
