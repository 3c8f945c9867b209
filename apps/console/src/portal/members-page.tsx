import { useState, type FormEvent } from 'react';
import { unwrap, type Schemas } from '@tenantry/client';
import { messagesOf, useAction, useResource } from '../data';
import { formatDateTime } from '../lib/dates';
import { tenantApi } from '../session';
import { Button, Empty, ErrorMessage, Field, Loading, Section, Select, Table } from '../ui';
import { isAtLeast, usePortal, type Role } from './portal-context';

const ROLES: Array<[Role, string]> = [['viewer', 'Viewer'], ['member', 'Member'], ['admin', 'Admin'], ['owner', 'Owner']];

function MemberRow({ user, onChanged }: { user: Schemas['UserResponse']; onChanged: () => void }) {
  const portal = usePortal();
  const [role, setRole] = useState(user.role);
  const change = useAction(async () => {
    await unwrap(tenantApi.PATCH('/v1/users/{id}', { params: { path: { id: user.id } }, body: { role } }));
    onChanged();
  });
  const remove = useAction(async () => {
    await unwrap(tenantApi.DELETE('/v1/users/{id}', { params: { path: { id: user.id } } }));
    onChanged();
  });
  const isSelf = portal.me.user?.id === user.id;
  const roles = ROLES.filter(([value]) => value !== 'owner' || isAtLeast(portal.role, 'owner'));
  return (
    <tr>
      <td>{user.email}{isSelf ? ' (you)' : ''}</td>
      <td>{user.isInvited ? 'Invited' : 'Active'}</td>
      <td>
        <form className="row" onSubmit={(event) => { event.preventDefault(); void change.run(); }}>
          <Select label={`Role of ${user.email}`} value={role} onChange={(value) => setRole(value as Role)} options={roles} />
          <button type="submit" className="button secondary" disabled={role === user.role || change.isPending}>Change role</button>
        </form>
        <ErrorMessage error={change.error ?? remove.error} />
      </td>
      <td>{formatDateTime(user.createdAt, portal.timeZone, portal.locale)}</td>
      <td>{!isSelf && <Button variant="danger" onClick={() => void remove.run()} aria-label={`Remove ${user.email}`}>Remove</Button>}</td>
    </tr>
  );
}

/** Members and invitations: invite, change role, remove. */
export function MembersPage() {
  const users = useResource(() => unwrap(tenantApi.GET('/v1/users', { params: { query: { limit: 100 } } })), []);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [invited, setInvited] = useState<string>();
  const invite = useAction(async () => {
    const user = await unwrap(tenantApi.POST('/v1/users', { body: { email, role } }));
    setInvited(user.email);
    setEmail('');
    users.reload();
  });
  const messages = messagesOf(invite.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setInvited(undefined);
    void invite.run();
  };
  return (
    <>
      <h1>Members</h1>
      <Section title="Invite a member">
        <form className="filters" onSubmit={submit}>
          <Field label="Email to invite" type="email" value={email} onChange={setEmail} required errors={messages.filter((message) => message.startsWith('email'))} />
          <Select label="Role" value={role} onChange={(value) => setRole(value as Role)} options={ROLES.filter(([value]) => value !== 'owner')} />
          <button type="submit" className="button primary" disabled={invite.isPending}>Invite</button>
        </form>
        <ErrorMessage messages={messages.filter((message) => !message.startsWith('email'))} />
        {invited && <p role="status" className="success">Invited {invited}.</p>}
      </Section>
      <Section title="People">
        <ErrorMessage error={users.error} />
        {users.isLoading && !users.data ? <Loading /> : (users.data?.data.length ?? 0) === 0 ? <Empty>No members yet.</Empty> : (
          <Table caption="Members" head={['Email', 'State', 'Role', 'Joined', '']}>
            {users.data!.data.map((user) => <MemberRow key={`${user.id}-${user.role}`} user={user} onChanged={users.reload} />)}
          </Table>
        )}
      </Section>
    </>
  );
}
