import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The checkout's root, for tests that read the source tree. */
export const repositoryRoot = join(__dirname, '..', '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/** The product's TypeScript (apps/ and libs/, unit specs left out), as `apps/api/src/main.ts`-style paths. */
export function productSourceFiles(): string[] {
  return ['apps', 'libs'].flatMap((dir) => tsFiles(join(repositoryRoot, dir))).map((file) => relative(repositoryRoot, file).split('\\').join('/'));
}

export const readSource = (file: string): string => readFileSync(join(repositoryRoot, file), 'utf8');
