import { getMetadataStorage } from 'class-validator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Environment } from './environment';

const ROOT = join(__dirname, '../../..');

/** Every variable of the schema: each property carries at least one validation decorator. */
const schemaVariables = (): string[] =>
  [...new Set(getMetadataStorage().getTargetValidationMetadatas(Environment, '', true, false).map((rule) => rule.propertyName))].sort();

/** `.env.example`: `NAME=default` lines, and `# NAME=...` lines for variables unset by default. */
function exampleEntries(): Map<string, { value: string; isSet: boolean }> {
  const entries = new Map<string, { value: string; isSet: boolean }>();
  for (const line of readFileSync(join(ROOT, '.env.example'), 'utf8').split('\n')) {
    const match = /^(# )?([A-Z][A-Z0-9_]+)=(.*)$/.exec(line);
    if (!match) continue;
    if (entries.has(match[2]!)) throw new Error(`.env.example lists ${match[2]} twice`);
    entries.set(match[2]!, { value: match[3]!, isSet: match[1] === undefined });
  }
  return entries;
}

/** Variable names in the first column of the README's configuration table. */
function readmeVariables(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((match) => match[1]!))
    .sort();
}

describe('configuration documentation', () => {
  it('finds the variables of the schema', () => {
    expect(schemaVariables()).toEqual(expect.arrayContaining(['NODE_ENV', 'DATABASE_URL', 'JWT_SECRET', 'METRICS_TOKEN']));
  });

  it('.env.example lists exactly the variables of environment.ts, each with a comment above', () => {
    expect([...exampleEntries().keys()].sort()).toEqual(schemaVariables());
    const lines = readFileSync(join(ROOT, '.env.example'), 'utf8').split('\n');
    const isVariable = (line: string | undefined) => /^(# )?[A-Z][A-Z0-9_]+=/.test(line ?? '');
    for (const [index, line] of lines.entries()) {
      const comment = lines[index - 1] ?? '';
      if (isVariable(line)) expect({ line, hasComment: comment.startsWith('# ') && !isVariable(comment) }).toEqual({ line, hasComment: true });
    }
  });

  it('.env.example gives each variable its default, and leaves unset (commented) those without one', () => {
    const defaults = new Environment() as unknown as Record<string, unknown>;
    for (const [name, entry] of exampleEntries()) {
      if (entry.isSet) expect(`${name}=${entry.value}`).toBe(`${name}=${String(defaults[name])}`);
      else expect(`${name}: ${String(defaults[name])}`).toBe(`${name}: undefined`);
    }
  });

  it("the README's configuration table names exactly the variables of environment.ts", () => {
    expect([...new Set(readmeVariables())].sort()).toEqual(schemaVariables());
  });
});
