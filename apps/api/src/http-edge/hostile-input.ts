/** How deep a request body may nest; no body of this API needs more than a handful of levels. */
export const MAX_INPUT_DEPTH = 32;

/** Keys that name Object.prototype machinery: refused rather than silently dropped or merged. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** NUL (PostgreSQL refuses it in text and jsonb) and a UTF-16 surrogate without its partner. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const describe = (path: string) => (path ? `at ${path}` : 'in the input');

function stringProblem(value: string, path: string, what: string): string | undefined {
  const match = UNSTORABLE.exec(value);
  if (!match) return undefined;
  return match[0] === '\u0000'
    ? `${what} ${describe(path)} contains a NUL character`
    : `${what} ${describe(path)} contains a lone UTF-16 surrogate (not valid Unicode)`;
}

/**
 * The first reason a parsed JSON body or query cannot be taken, or undefined. Walks iteratively
 * (a recursive walk would itself overflow on the input it exists to refuse) and stops at the
 * first problem. Runs before validation, so nothing downstream (class-transformer, drizzle,
 * PostgreSQL) ever sees a value it would crash on.
 */
export function hostileInputProblem(input: unknown): string | undefined {
  const stack: [value: unknown, path: string, depth: number][] = [[input, '', 0]];
  while (stack.length > 0) {
    const [value, path, depth] = stack.pop()!;
    if (typeof value === 'string') {
      const problem = stringProblem(value, path, 'The value');
      if (problem) return problem;
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_INPUT_DEPTH) return `The input is nested deeper than ${MAX_INPUT_DEPTH} levels`;
    for (const [key, child] of Object.entries(value)) {
      const childPath = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (!Array.isArray(value)) {
        if (PROTOTYPE_KEYS.has(key)) return `The key ${key} is not allowed (${describe(path)})`;
        const problem = stringProblem(key, path, 'A key');
        if (problem) return problem;
      }
      stack.push([child, childPath, depth + 1]);
    }
  }
  return undefined;
}
