import { dirname, relative, resolve } from 'node:path';
import { productSourceFiles, readSource, repositoryRoot as root } from '../support/source-files';

const files = productSourceFiles();

const IMPORT = /(?:from\s+|import\s*\(\s*|require\(\s*)['"]([^'"]+)['"]/g;

/** What a file imports, relative specifiers resolved against the repository root (`apps/worker/src/x`). */
function importsOf(file: string, text = readSource(file)): string[] {
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

  it('no application imports another: only apps/dev, the development all-in-one, composes the API and the worker', () => {
    expect(breaking(/^apps\/api\//, /^apps\/(?!api\/)/)).toEqual([]);
    expect(breaking(/^apps\/worker\//, /^apps\/(?!worker\/)/)).toEqual([]);
    expect(breaking(/^apps\/cli\//, /^apps\/(?!cli\/)/)).toEqual([]);
    // The composition itself is where it should be.
    expect(breaking(/^apps\/dev\//, /^apps\/worker\//).length).toBeGreaterThan(0);
  });

  it('the database library stands below auth (the operator commands live in apps/cli)', () => {
    expect(breaking(/^libs\/db\//, /^@tenantry\/auth$|^libs\/auth\//)).toEqual([]);
  });
});
