import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One instruction of a Dockerfile, its arguments as written (JSON form parsed). */
export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  name: string;
  image: string;
  workdir: string;
  instructions: Instruction[];
}

export const ROOT = join(__dirname, '../..');

/** The repository's Dockerfile as stages of instructions (comments and blank lines dropped; no line continuations). */
export function readDockerfile(path = join(ROOT, 'Dockerfile')): Stage[] {
  const stages: Stage[] = [];
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.endsWith('\\')) throw new Error(`Dockerfile: keep each instruction on one line (${line})`);
    const [, keyword, args] = /^([A-Z]+)\s+(.*)$/.exec(line) ?? [];
    if (!keyword || args === undefined) throw new Error(`Dockerfile: cannot read "${line}"`);
    if (keyword === 'FROM') {
      const [, image, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      stages.push({ name: name ?? String(stages.length), image: image!, workdir: '/', instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error('Dockerfile: an instruction before FROM');
    if (keyword === 'WORKDIR') stage.workdir = args;
    stage.instructions.push({ keyword, args });
  }
  return stages;
}

/** The argument vector of an exec-form (JSON array) CMD or ENTRYPOINT. */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) throw new Error(`not an exec form: ${args}`);
  return parsed as string[];
}

/** The last value of an instruction in a stage (CMD, ENTRYPOINT, USER...). */
export function lastOf(stage: Stage, keyword: string): string | undefined {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword).at(-1)?.args;
}

/** `.dockerignore` patterns as predicates on a context path (`a/b/c`): a path is left out when it or a parent matches. */
export function dockerignore(path = join(ROOT, '.dockerignore')): (file: string) => boolean {
  const patterns = readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((pattern) => {
      if (pattern.startsWith('!')) throw new Error('.dockerignore: exceptions (!) are not read by the tests');
      const source = pattern
        .replace(/^\/+|\/+$/g, '')
        .split('**/')
        .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))
        .join('(?:.*/)?');
      return new RegExp(`^${source}$`);
    });
  return (file) => {
    const parts = file.split('/');
    return parts.some((_, index) => {
      const prefix = parts.slice(0, index + 1).join('/');
      return patterns.some((pattern) => pattern.test(prefix));
    });
  };
}
