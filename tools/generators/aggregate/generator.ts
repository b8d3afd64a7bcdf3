import { join } from 'node:path';
import { ChangeType, applyChangesToString, generateFiles, names, readJson, updateJson, type StringChange, type Tree } from '@nx/devkit';
import ts from 'typescript';

/*
 * `nx g @gridwork/tools:aggregate --service timebank --name volunteer-hour`
 * writes a new aggregate the way grid's and dispatch's are written: one folder
 * with its module, endpoints, service, rows and migration, its contract file,
 * and a test against the real servers. The code is a small but working slice
 * (create, get, list by cursor, a created event through the outbox) to grow
 * into the real aggregate, not a set of stubs.
 */

export interface AggregateOptions {
  service: string;
  /** Singular, as the subjects name it: `volunteer-hour`. */
  name: string;
  /** Folder, module and contract file: `volunteer-hours`. */
  plural?: string;
}

const TOKEN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** English plural of the last word: hour → hours, class → classes, category → categories. */
export function pluralOf(name: string): string {
  if (/[^aeiou]y$/.test(name)) return `${name.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(name)) return `${name}es`;
  return `${name}s`;
}

/** Everything the templates are filled with, from the service and the two names. */
export function substitutionsFor(options: AggregateOptions, definitionName: string, timestamp: number) {
  const one = names(options.name);
  const many = names(options.plural ?? pluralOf(options.name));
  return {
    service: options.service,
    serviceProperty: names(options.service).propertyName,
    /** `timebankService`: what `<service>.definition.ts` exports. */
    definitionName,
    /** `volunteer-hour`: the subject token and the rows file. */
    singularFile: one.fileName,
    /** `VolunteerHour`: the message classes. */
    singularClass: one.className,
    /** `volunteerHour`: the key under `subjects.<service>` and the event's field. */
    singularProperty: one.propertyName,
    /** `VOLUNTEER_HOUR`: the column list's constant. */
    singularConstant: one.constantName,
    /** `volunteer_hour`: the table. */
    table: one.fileName.replace(/-/g, '_'),
    /** `volunteer hour`: in sentences, after `a` (`an` before a vowel). */
    singularWords: one.fileName.replace(/-/g, ' '),
    a: /^[aeiou]/.test(one.fileName) ? 'an' : 'a',
    A: /^[aeiou]/.test(one.fileName) ? 'An' : 'A',
    pluralFile: many.fileName,
    pluralClass: many.className,
    pluralProperty: many.propertyName,
    pluralWords: many.fileName.replace(/-/g, ' '),
    /** `Volunteer hours`: starting a sentence. */
    PluralWords: many.fileName.charAt(0).toUpperCase() + many.fileName.slice(1).replace(/-/g, ' '),
    timestamp,
  };
}
type Substitutions = ReturnType<typeof substitutionsFor>;

export default async function aggregateGenerator(tree: Tree, options: AggregateOptions) {
  const { service } = options;
  const definitionPath = `apps/${service}/src/${service}.definition.ts`;
  if (!tree.exists(definitionPath)) {
    const services = tree.children('apps').filter((app) => tree.exists(`apps/${app}/src/${app}.definition.ts`));
    throw new Error(`There is no service '${service}' (no ${definitionPath}). Services: ${services.join(', ')}.`);
  }
  for (const [option, value] of [['name', options.name], ['plural', options.plural]] as const) {
    if (value !== undefined && !TOKEN.test(value)) {
      throw new Error(`--${option} '${value}' must be lower case words joined by '-', e.g. volunteer-hour (it becomes a subject token).`);
    }
  }
  const definition = findVariable(ts.createSourceFile(definitionPath, tree.read(definitionPath, 'utf-8')!, ts.ScriptTarget.Latest, true), (name) => name.endsWith('Service'));
  if (!definition) throw new Error(`${definitionPath} exports no '<service>Service' definition.`);
  // Fresh, so TypeORM runs the new table's migration after every migration already there.
  const s = substitutionsFor(options, definition.name, Date.now());
  refuseExisting(tree, s);

  generateFiles(tree, join(tree.root, 'tools/generators/aggregate/files'), '.', { ...s, template: '' });
  addFeature(tree, definitionPath, s);
  addContract(tree, s);
  addDependencies(tree, s);

  return () => {
    console.log(
      [
        '',
        `The ${s.singularWords} aggregate is in apps/${service}/src/${s.pluralFile}/, its contract in libs/contracts/src/${service}/${s.pluralFile}.ts. Next:`,
        `- run its test (PostgreSQL and a private nats-server): npx vitest run apps/${service}/test/${s.pluralFile}.spec.ts`,
        '- write its subjects into the AsyncAPI document: npm run asyncapi',
        '- give it its real fields and rules, in the words of domain.md, and keep the test in step.',
      ].join('\n'),
    );
  };
}

/** Running the generator twice with one name, or with a name another aggregate's contract already uses, stops before writing anything. */
function refuseExisting(tree: Tree, s: Substitutions): void {
  const folder = `apps/${s.service}/src/${s.pluralFile}`;
  const contract = `libs/contracts/src/${s.service}/${s.pluralFile}.ts`;
  for (const path of [folder, contract, `apps/${s.service}/test/${s.pluralFile}.spec.ts`]) {
    if (tree.exists(path)) throw new Error(`${path} already exists: the ${s.service} service has a ${s.singularWords} aggregate. Pick another --name, or remove it first.`);
  }
  // Every contract is exported from one index, so a class name may be used once in all of them.
  const exported = [
    `Create${s.singularClass}Request`,
    s.singularClass,
    `Get${s.singularClass}Request`,
    `List${s.pluralClass}Request`,
    `${s.singularClass}Page`,
    `${s.singularClass}Created`,
    `${s.singularProperty}Subjects`,
    `MAX_${s.singularConstant}_PAGE`,
  ];
  const declared = new RegExp(`export (?:abstract )?(?:class|const|function|interface|type|enum) (${exported.join('|')})\\b`);
  for (const path of filesUnder(tree, 'libs/contracts/src')) {
    const clash = declared.exec(tree.read(path, 'utf-8') ?? '');
    if (clash) throw new Error(`${path} already exports ${clash[1]}, which the ${s.singularWords} contract would export too. Pick a more specific --name.`);
  }
}

function filesUnder(tree: Tree, dir: string): string[] {
  return tree.children(dir).flatMap((child) => {
    const path = `${dir}/${child}`;
    return tree.isFile(path) ? (path.endsWith('.ts') ? [path] : []) : filesUnder(tree, path);
  });
}

/** `features: [..., volunteerHoursFeature]` in the service definition, with its import. */
function addFeature(tree: Tree, definitionPath: string, s: Substitutions): void {
  edit(tree, definitionPath, (source) => {
    const features = findProperty(findObject(source, (name) => name.endsWith('Service')), 'features');
    if (!features || !ts.isArrayLiteralExpression(features.initializer)) throw new Error(`${definitionPath} has no 'features: [...]' to add the feature to.`);
    return [
      afterImports(source, `import { ${s.pluralProperty}Feature } from './${s.pluralFile}/${s.pluralFile}.module.js';`),
      appendTo(source, features.initializer, `${s.pluralProperty}Feature`),
    ];
  });
}

/**
 * The contract file joins its service's index, which `subjects` spreads into
 * the service's entry; `allDefinitions()`, and so the AsyncAPI document, read
 * the subjects from there. A service without contracts yet gets its index
 * (with this aggregate in it), exported from the contracts and spread into
 * `subjects`.
 */
function addContract(tree: Tree, s: Substitutions): void {
  const index = `libs/contracts/src/${s.service}/index.ts`;
  const domainSubjects = `${s.serviceProperty}DomainSubjects`;
  if (!tree.exists(index)) {
    generateFiles(tree, join(tree.root, 'tools/generators/aggregate/service-index'), '.', { ...s, template: '' });
    edit(tree, 'libs/contracts/src/index.ts', (source) => [afterLast(source, ts.isExportDeclaration, `export * from './${s.service}/index.js';`)]);
    edit(tree, 'libs/contracts/src/subjects.ts', (source) => {
      const entry = findProperty(findObject(source, (name) => name === 'subjects'), s.service);
      if (!entry || !ts.isObjectLiteralExpression(entry.initializer)) throw new Error(`libs/contracts/src/subjects.ts has no '${s.service}: { ... }' in subjects.`);
      return [afterImports(source, `import { ${domainSubjects} } from './${s.service}/index.js';`), appendTo(source, entry.initializer, `...${domainSubjects}`)];
    });
    return;
  }
  edit(tree, index, (source) => {
    const object = findObject(source, (name) => name === domainSubjects);
    if (!object) throw new Error(`${index} has no 'export const ${domainSubjects} = { ... }' to add the aggregate to.`);
    if (findProperty(object, s.singularProperty)) throw new Error(`${index} already has '${s.singularProperty}' in ${domainSubjects}. Pick another --name.`);
    return [
      afterImports(source, `import { ${s.singularProperty}Subjects } from './${s.pluralFile}.js';`),
      afterLast(source, ts.isExportDeclaration, `export * from './${s.pluralFile}.js';`),
      appendTo(source, object, `${s.singularProperty}: ${s.singularProperty}Subjects`),
    ];
  });
}

/**
 * The packages the generated code imports, in the service's package.json like
 * grid's and dispatch's (lint checks each project declares what it imports).
 * Third-party ranges are messaging's, so every project asks for the same version.
 */
function addDependencies(tree: Tree, s: Substitutions): void {
  const messaging = readJson<{ dependencies: Record<string, string> }>(tree, 'libs/messaging/package.json').dependencies;
  updateJson(tree, `apps/${s.service}/package.json`, (json: { dependencies?: Record<string, string> }) => {
    const dependencies = { ...json.dependencies };
    for (const library of ['@gridwork/contracts', '@gridwork/messaging', '@gridwork/persistence', '@gridwork/runtime']) dependencies[library] ??= '*';
    for (const external of ['@nestjs/common', 'typeorm']) dependencies[external] ??= messaging[external]!;
    json.dependencies = Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b)));
    return json;
  });
}

function edit(tree: Tree, path: string, changesOf: (source: ts.SourceFile) => StringChange[]): void {
  const text = tree.read(path, 'utf-8');
  if (text === null) throw new Error(`${path} is missing.`);
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  tree.write(path, applyChangesToString(text, changesOf(source)));
}

/** A top-level `const` whose name passes `test`, with the object literal it is set to (through `satisfies` or `as`). */
function findVariable(source: ts.SourceFile, test: (name: string) => boolean): { name: string; object: ts.ObjectLiteralExpression } | undefined {
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || !test(declaration.name.text)) continue;
      let value = declaration.initializer;
      while (value && (ts.isSatisfiesExpression(value) || ts.isAsExpression(value) || ts.isParenthesizedExpression(value))) value = value.expression;
      if (value && ts.isObjectLiteralExpression(value)) return { name: declaration.name.text, object: value };
    }
  }
  return undefined;
}

const findObject = (source: ts.SourceFile, test: (name: string) => boolean) => findVariable(source, test)?.object;

function findProperty(object: ts.ObjectLiteralExpression | undefined, name: string): ts.PropertyAssignment | undefined {
  return object?.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name);
}

function afterImports(source: ts.SourceFile, line: string): StringChange {
  return afterLast(source, ts.isImportDeclaration, line);
}

function afterLast(source: ts.SourceFile, test: (node: ts.Node) => boolean, line: string): StringChange {
  const last = source.statements.filter(test).at(-1);
  return last ? { type: ChangeType.Insert, index: last.getEnd(), text: `\n${line}` } : { type: ChangeType.Insert, index: 0, text: `${line}\n` };
}

/** Adds an element to an array or object literal, on its own line when the literal has one per line. */
function appendTo(source: ts.SourceFile, literal: ts.ArrayLiteralExpression | ts.ObjectLiteralExpression, text: string): StringChange {
  const elements: ts.NodeArray<ts.Node> = ts.isArrayLiteralExpression(literal) ? literal.elements : literal.properties;
  const last = elements.at(-1);
  if (!last) return { type: ChangeType.Insert, index: literal.getEnd() - 1, text: ts.isArrayLiteralExpression(literal) ? text : ` ${text} ` };
  const multiline = source.text.slice(literal.getStart(source), literal.getEnd()).includes('\n');
  if (!multiline) return { type: ChangeType.Insert, index: last.getEnd(), text: `, ${text}` };
  const indent = source.text.slice(source.text.lastIndexOf('\n', last.getStart(source)) + 1, last.getStart(source));
  // Keeps a trailing comma where the literal has one.
  const trailingComma = elements.hasTrailingComma;
  return { type: ChangeType.Insert, index: trailingComma ? source.text.indexOf(',', last.getEnd()) + 1 : last.getEnd(), text: trailingComma ? `\n${indent}${text},` : `,\n${indent}${text}` };
}
