import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..');

/** Where the BYPASSRLS pool may be used: the admin module and the worker's cross-tenant sweeps. */
const ALLOWED = [/^apps\/api\/src\/admin\//, /^apps\/worker\//, /^libs\/system-db\//];
const USES_SYSTEM_DB = /from\s+['"](@tenantry\/system-db|[./][^'"]*system-db[^'"]*)['"]|require\(['"][^'"]*system-db/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('the system (BYPASSRLS) database', () => {
  it('is imported only by the admin module and the worker', () => {
    const files = ['apps', 'libs'].flatMap((dir) => sourceFiles(join(root, dir)));
    expect(files.length).toBeGreaterThan(20);
    const offenders = files
      .map((file) => relative(root, file).split('\\').join('/'))
      .filter((file) => !ALLOWED.some((pattern) => pattern.test(file)))
      .filter((file) => USES_SYSTEM_DB.test(readFileSync(join(root, file), 'utf8')));
    expect(offenders).toEqual([]);
    // The check itself recognises an import when it sees one.
    expect(USES_SYSTEM_DB.test("import { SYSTEM_DATABASE } from '@tenantry/system-db';")).toBe(true);
    expect(USES_SYSTEM_DB.test("import { x } from '../../libs/system-db/src';")).toBe(true);
  });
});
