import { orderChildrenFirst } from './tenant-catalog';

describe('orderChildrenFirst', () => {
  it('puts every referencing table before the table it references', () => {
    const order = orderChildrenFirst(
      ['projects', 'tasks', 'users', 'comments'],
      [
        { child: 'tasks', parent: 'projects' },
        { child: 'comments', parent: 'tasks' },
        { child: 'tasks', parent: 'users' },
        { child: 'projects', parent: 'tenants' },
      ],
    );
    expect(order.indexOf('comments')).toBeLessThan(order.indexOf('tasks'));
    expect(order.indexOf('tasks')).toBeLessThan(order.indexOf('projects'));
    expect(order.indexOf('tasks')).toBeLessThan(order.indexOf('users'));
    expect(order).toHaveLength(4);
  });

  it('refuses a cycle rather than guessing', () => {
    expect(() => orderChildrenFirst(['a', 'b'], [{ child: 'a', parent: 'b' }, { child: 'b', parent: 'a' }])).toThrow(/cycle/);
  });
});
