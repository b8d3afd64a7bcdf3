import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

/*
 * The doc comments of the contract classes, read from their source with the
 * TypeScript compiler's parser: what a field means lives once, beside its
 * validation rules, and the AsyncAPI document carries it from there.
 */

export interface ClassDocs {
  description?: string;
  /** The class it extends, whose fields' comments it inherits. */
  base?: string;
  fields: Map<string, string>;
}

/** The contracts' source folder, found from the package the generator imports. */
export function contractsSourceDir(): string {
  const entry = createRequire(import.meta.url).resolve('@gridwork/contracts');
  return resolve(dirname(entry), '../src');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The text of a node's doc comment (`/** … *\/` just before it), without tags; undefined without one. */
function docOf(node: ts.Node): string | undefined {
  const texts = ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((doc) => ts.getTextOfJSDocComment(doc.comment)?.trim())
    .filter((text): text is string => Boolean(text));
  return texts.length > 0 ? texts.join('\n\n') : undefined;
}

/** Every class in the files with its own doc comment, its fields' comments and the class it extends. */
export function readClassDocs(dir = contractsSourceDir()): Map<string, ClassDocs> {
  const classes = new Map<string, ClassDocs>();
  for (const file of sourceFiles(dir).sort()) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    for (const statement of source.statements) {
      if (!ts.isClassDeclaration(statement) || !statement.name) continue;
      const fields = new Map<string, string>();
      for (const member of statement.members) {
        if (!ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name)) continue;
        const doc = docOf(member);
        if (doc) fields.set(member.name.text, doc);
      }
      const extended = statement.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
      classes.set(statement.name.text, {
        description: docOf(statement),
        base: extended && ts.isIdentifier(extended) ? extended.text : undefined,
        fields,
      });
    }
  }
  return classes;
}

/** A field's comment in a class or the nearest class it extends that has one. */
export function fieldDoc(classes: Map<string, ClassDocs>, className: string, field: string): string | undefined {
  for (let docs = classes.get(className); docs; docs = docs.base ? classes.get(docs.base) : undefined) {
    const doc = docs.fields.get(field);
    if (doc) return doc;
  }
  return undefined;
}
