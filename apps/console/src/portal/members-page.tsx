import { useState, type FormEvent } from 'react';
import { unwrap, type Schemas } from '@tenantry/client';
import { messagesOf, useAction, useResource } from '../data';
import { formatDateTime } from '../lib/dates';
import { tenantApi } from '../session';
import { Button, Empty, ErrorMessage, Field, Loading, Section, Select, Table } from '../ui';
import { isAtLeast, usePortal, type Role } from './portal-context';

const ROLES: Array<[Role, string]> = [['viewer', 'Viewer'], ['member', 'Member'], ['admin', 'Admin'], ['owner', 'Owner']];

/** The roles `role` may hand out: at most its own (what the API also checks). */
const rolesUpTo = (role: Role) => ROLES.filter(([value]) => isAtLeast(role, value));

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

function InvitationRow({ invitation, onChanged, onResent }: { invitation: Schemas['InvitationResponse']; onChanged: () => void; onResent: (email: string) => void }) {
  const portal = usePortal();
  const resend = useAction(async () => {
    await unwrap(tenantApi.POST('/v1/invitations/{id}/resend', { params: { path: { id: invitation.id } } }));
    onResent(invitation.email);
    onChanged();
  });
  const revoke = useAction(async () => {
    await unwrap(tenantApi.DELETE('/v1/invitations/{id}', { params: { path: { id: invitation.id } } }));
    onChanged();
  });
  return (
    <tr>
      <td>{invitation.email}</td>
      <td>{invitation.role}</td>
      <td>{formatDateTime(invitation.createdAt, portal.timeZone, portal.locale)}</td>
      <td>{formatDateTime(invitation.expiresAt, portal.timeZone, portal.locale)}</td>
      <td>
        <div className="row">
          <Button variant="secondary" onClick={() => void resend.run()} disabled={resend.isPending} aria-label={`Resend the invitation to ${invitation.email}`}>Resend</Button>
          <Button variant="danger" onClick={() => void revoke.run()} disabled={revoke.isPending} aria-label={`Revoke the invitation to ${invitation.email}`}>Revoke</Button>
        </div>
        <ErrorMessage error={resend.error ?? revoke.error} />
      </td>
    </tr>
  );
}

/** Members and invitations: invite (a mailed link), resend, revoke; change role, remove. */
export function MembersPage() {
  const portal = usePortal();
  const users = useResource(() => unwrap(tenantApi.GET('/v1/users', { params: { query: { limit: 100 } } })), []);
  const invitations = useResource(() => unwrap(tenantApi.GET('/v1/invitations', { params: { query: { status: 'pending', limit: 100 } } })), []);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [notice, setNotice] = useState<string>();
  const invite = useAction(async () => {
    const invitation = await unwrap(tenantApi.POST('/v1/invitations', { body: { email, role } }));
    setNotice(`Invited ${invitation.email}: the invitation mail is on its way.`);
    setEmail('');
    invitations.reload();
  });
  const messages = messagesOf(invite.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setNotice(undefined);
    void invite.run();
  };
  const pending = invitations.data?.data ?? [];
  return (
    <>
      <h1>Members</h1>
      <Section title="Invite a member">
        <form className="filters" onSubmit={submit}>
          <Field label="Email to invite" type="email" value={email} onChange={setEmail} required errors={messages.filter((message) => message.startsWith('email'))} />
          <Select label="Role" value={role} onChange={(value) => setRole(value as Role)} options={rolesUpTo(portal.role)} errors={messages.filter((message) => message.startsWith('role'))} />
          <button type="submit" className="button primary" disabled={invite.isPending}>Invite</button>
        </form>
        <ErrorMessage messages={messages.filter((message) => !message.startsWith('email') && !message.startsWith('role'))} />
        {notice && <p role="status" className="success">{notice}</p>}
      </Section>
      <Section title="Pending invitations">
        <ErrorMessage error={invitations.error} />
        {invitations.isLoading && !invitations.data ? <Loading /> : pending.length === 0 ? <Empty>No pending invitations.</Empty> : (
          <Table caption="Pending invitations" head={['Email', 'Role', 'Invited', 'Expires', '']}>
            {pending.map((invitation) => (
              <InvitationRow key={`${invitation.id}-${invitation.expiresAt}`} invitation={invitation} onChanged={invitations.reload} onResent={(to) => setNotice(`A new invitation mail is on its way to ${to}; the old link no longer works.`)} />
            ))}
          </Table>
        )}
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
