import { passwordProblem } from './password-policy';

describe('passwordProblem', () => {
  it.each([
    ['short', /at least 10/],
    ['aaaaaaaaaaaa', /4 different/],
    ['x'.repeat(300), /at most 256/],
    [42, /string/],
  ])('refuses %p', (password, message) => {
    expect(passwordProblem(password)).toMatch(message);
  });

  it('accepts a reasonable password', () => {
    expect(passwordProblem('correct-horse-battery')).toBeUndefined();
  });
});
