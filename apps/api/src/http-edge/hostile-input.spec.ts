import { hostileInputProblem, MAX_INPUT_DEPTH } from './hostile-input';

const nest = (depth: number): unknown => {
  let value: unknown = 1;
  for (let level = 0; level < depth; level += 1) value = [value];
  return value;
};

describe('hostileInputProblem', () => {
  it('takes ordinary JSON, emoji, newlines and tabs', () => {
    expect(hostileInputProblem({ name: 'rocket \u{1F680}', list: [1, { a: 'b\n\tc' }], n: null, ok: true })).toBeUndefined();
    expect(hostileInputProblem('plain')).toBeUndefined();
    expect(hostileInputProblem(undefined)).toBeUndefined();
  });

  it('bounds the depth without recursing', () => {
    expect(hostileInputProblem(nest(MAX_INPUT_DEPTH))).toBeUndefined();
    expect(hostileInputProblem(nest(MAX_INPUT_DEPTH + 1))).toMatch(/nested deeper than 32/);
    expect(hostileInputProblem({ a: nest(100_000) })).toMatch(/nested deeper/);
  });

  it('refuses NUL and lone surrogates in values and keys, naming where', () => {
    expect(hostileInputProblem({ a: { b: 'x\u0000y' } })).toBe('The value at a.b contains a NUL character');
    expect(hostileInputProblem({ list: ['ok', 'a\ud800'] })).toMatch(/at list\[1\] contains a lone UTF-16 surrogate/);
    expect(hostileInputProblem({ x: '\udc00' })).toMatch(/lone UTF-16 surrogate/);
    expect(hostileInputProblem({ x: 'end \ud83d' })).toMatch(/lone UTF-16 surrogate/);
    expect(hostileInputProblem({ 'k\u0000': 1 })).toMatch(/A key in the input contains a NUL/);
  });

  it('refuses prototype keys at any depth', () => {
    expect(hostileInputProblem(JSON.parse('{"__proto__": {"x": 1}}'))).toMatch(/__proto__ is not allowed/);
    expect(hostileInputProblem({ a: [{ constructor: 1 }] })).toMatch(/constructor is not allowed \(at a\[0\]\)/);
    expect(hostileInputProblem({ prototype: 1 })).toMatch(/prototype/);
  });
});
