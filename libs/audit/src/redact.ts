/** Field names whose values never enter an audit row, at any depth. */
const SECRET_FIELD = /(password|hash|token|secret)|^key$/i;

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !SECRET_FIELD.test(key))
      .map(([key, item]) => [key, redactSecrets(item)]),
  );
}

export function pick(source: Record<string, unknown> | undefined, keys: string[]): Record<string, unknown> | undefined {
  if (!source) return undefined;
  return Object.fromEntries(keys.filter((key) => key in source).map((key) => [key, source[key]]));
}
