import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

const files = ['apps', 'libs'].flatMap((dir) => sourceFiles(join(root, dir))).map((file) => relative(root, file).split('\\').join('/'));

const IMPORT = /(?:from\s+|import\s*\(\s*|require\(\s*)['"]([^'"]+)['"]/g;

/** What a file imports, relative specifiers resolved against the repository root (`apps/worker/src/x`). */
function importsOf(file: string, text = readFileSync(join(root, file), 'utf8')): string[] {
  return [...text.matchAll(IMPORT)].map(([, specifier]) =>
    specifier.startsWith('.') ? relative(root, resolve(root, dirname(file), specifier)).split('\\').join('/') : specifier,
  );
}

/** The files whose imports break a rule: [file, import] pairs. */
const breaking = (scope: RegExp, forbidden: RegExp) =>
  files.filter((file) => scope.test(file)).flatMap((file) => importsOf(file).filter((target) => forbidden.test(target)).map((target) => [file, target]));

describe('the code boundaries', () => {
  it('finds the source tree and reads imports, relative ones resolved', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(importsOf('apps/api/src/main.ts', "const { WorkerModule } = await import('../../worker/src/worker.module');")).toEqual([
      'apps/worker/src/worker.module',
    ]);
    expect(importsOf('libs/db/src/x.ts', "import { hashPassword } from '@tenantry/auth';")).toEqual(['@tenantry/auth']);
  });

  it('no library imports an application', () => {
    expect(breaking(/^libs\//, /^apps\//)).toEqual([]);
  });

  it('the database library stands below auth (the operator commands live in apps/cli)', () => {
    expect(breaking(/^libs\/db\//, /^@tenantry\/auth$|^libs\/auth\//)).toEqual([]);
  });
});
