import { csvField } from './projects.service';

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['=SUM(A1)', "'=SUM(A1)"],
    ['-1', "'-1"],
  ])('%j becomes %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});
