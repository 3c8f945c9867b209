import { hasAtLeastRole } from './roles';

describe('hasAtLeastRole', () => {
  it.each([
    ['owner', 'viewer', true],
    ['owner', 'owner', true],
    ['admin', 'owner', false],
    ['admin', 'admin', true],
    ['member', 'admin', false],
    ['member', 'member', true],
    ['viewer', 'member', false],
    ['viewer', 'viewer', true],
  ] as const)('%s meets %s: %s', (role, minimum, expected) => {
    expect(hasAtLeastRole(role, minimum)).toBe(expected);
  });
});
