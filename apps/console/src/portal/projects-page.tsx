import { useState, type FormEvent } from 'react';
import { unwrap, type Schemas } from '@tenantry/client';
import { useAction, useResource } from '../data';
import { formatDateTime } from '../lib/dates';
import { Link, navigate } from '../router';
import { tenantApi } from '../session';
import { Button, Empty, ErrorMessage, Field, Loading, Section, Select, Table } from '../ui';
import { isAtLeast, usePortal } from './portal-context';
import { portalPath } from './tenant-portal';

type Task = Schemas['TaskResponse'];

/** The example domain: a tenant's projects. Viewers read; members and up create and edit. */
export function ProjectsPage() {
  const portal = usePortal();
  const canWrite = isAtLeast(portal.role, 'member');
  const [more, setMore] = useState<{ projects: Schemas['ProjectResponse'][]; cursor: string | null }>();
  const page = useResource(() => unwrap(tenantApi.GET('/v1/projects', { params: { query: { limit: 20 } } })), []);
  const [form, setForm] = useState({ name: '', description: '' });
  const create = useAction(async () => {
    const project = await unwrap(tenantApi.POST('/v1/projects', { body: { name: form.name, ...(form.description ? { description: form.description } : {}) } }));
    navigate(portalPath(`projects/${project.id}`));
  });
  const loadMore = useAction(async (cursor: string) => {
    const next = await unwrap(tenantApi.GET('/v1/projects', { params: { query: { limit: 20, cursor } } }));
    setMore({ projects: [...(more?.projects ?? []), ...next.data], cursor: next.nextCursor });
  });
  const projects = [...(page.data?.data ?? []), ...(more?.projects ?? [])];
  const cursor = more ? more.cursor : page.data?.nextCursor ?? null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void create.run();
  };
  return (
    <>
      <h1>Projects</h1>
      {canWrite && (
        <Section title="New project">
          <form className="filters" onSubmit={submit}>
            <Field label="Project name" value={form.name} onChange={(name) => setForm({ ...form, name })} required />
            <Field label="Description" value={form.description} onChange={(description) => setForm({ ...form, description })} />
            <button type="submit" className="button primary" disabled={create.isPending}>Create project</button>
          </form>
          <ErrorMessage error={create.error} />
        </Section>
      )}
      <Section title="All projects">
        <ErrorMessage error={page.error ?? loadMore.error} />
        {page.isLoading && !page.data ? <Loading /> : projects.length === 0 ? <Empty>No projects yet.</Empty> : (
          <Table caption="Projects" head={['Name', 'Description', 'Created']}>
            {projects.map((project) => (
              <tr key={project.id}>
                <td><Link to={portalPath(`projects/${project.id}`)}>{project.name}</Link></td>
                <td>{project.description ?? '—'}</td>
                <td>{formatDateTime(project.createdAt, portal.timeZone, portal.locale)}</td>
              </tr>
            ))}
          </Table>
        )}
        {cursor && <Button variant="secondary" onClick={() => void loadMore.run(cursor)}>Load more projects</Button>}
      </Section>
    </>
  );
}

function TaskRow({ projectId, task, canWrite, onChanged }: { projectId: string; task: Task; canWrite: boolean; onChanged: () => void }) {
  const update = useAction(async (status: Task['status']) => {
    await unwrap(tenantApi.PATCH('/v1/projects/{projectId}/tasks/{id}', { params: { path: { projectId, id: task.id } }, body: { status } }));
    onChanged();
  });
  return (
    <tr>
      <td>{task.title}</td>
      <td>
        {canWrite ? (
          <Select label={`Status of ${task.title}`} value={task.status} onChange={(status) => void update.run(status as Task['status'])} options={[['todo', 'To do'], ['doing', 'Doing'], ['done', 'Done']]} />
        ) : task.status}
        <ErrorMessage error={update.error} />
      </td>
    </tr>
  );
}

/** One project: edit it, list and add its tasks. */
export function ProjectPage({ id }: { id: string }) {
  const portal = usePortal();
  const canWrite = isAtLeast(portal.role, 'member');
  const project = useResource(() => unwrap(tenantApi.GET('/v1/projects/{id}', { params: { path: { id } } })), [id]);
  const tasks = useResource(() => unwrap(tenantApi.GET('/v1/projects/{projectId}/tasks', { params: { path: { projectId: id }, query: { limit: 100 } } })), [id]);
  const [edit, setEdit] = useState<{ name: string; description: string }>();
  const [title, setTitle] = useState('');
  const save = useAction(async () => {
    await unwrap(tenantApi.PATCH('/v1/projects/{id}', { params: { path: { id } }, body: { name: edit!.name, description: edit!.description || null } as never }));
    setEdit(undefined);
    project.reload();
  });
  const addTask = useAction(async () => {
    await unwrap(tenantApi.POST('/v1/projects/{projectId}/tasks', { params: { path: { projectId: id } }, body: { title } }));
    setTitle('');
    tasks.reload();
  });
  if (project.error && !project.data) return <><h1>Project</h1><ErrorMessage error={project.error} /><p><Link to={portalPath('projects')}>All projects</Link></p></>;
  if (!project.data) return <Loading />;
  return (
    <>
      <p><Link to={portalPath('projects')}>← All projects</Link></p>
      <div className="page-head">
        <h1>{project.data.name}</h1>
        {canWrite && !edit && <Button variant="secondary" onClick={() => setEdit({ name: project.data!.name, description: project.data!.description ?? '' })}>Edit project</Button>}
      </div>
      {edit ? (
        <form className="card stack" onSubmit={(event) => { event.preventDefault(); void save.run(); }} aria-label="Edit project">
          <Field label="Project name" value={edit.name} onChange={(name) => setEdit({ ...edit, name })} required />
          <Field label="Description" value={edit.description} onChange={(description) => setEdit({ ...edit, description })} />
          <ErrorMessage error={save.error} />
          <div className="row">
            <button type="submit" className="button primary" disabled={save.isPending}>Save project</button>
            <Button variant="secondary" onClick={() => setEdit(undefined)}>Cancel</Button>
          </div>
        </form>
      ) : (
        <p>{project.data.description ?? 'No description.'} <span className="muted">Created {formatDateTime(project.data.createdAt, portal.timeZone, portal.locale)}</span></p>
      )}
      <Section title="Tasks">
        {canWrite && (
          <form className="filters" onSubmit={(event) => { event.preventDefault(); void addTask.run(); }}>
            <Field label="Task title" value={title} onChange={setTitle} required />
            <button type="submit" className="button primary" disabled={addTask.isPending}>Add task</button>
          </form>
        )}
        <ErrorMessage error={tasks.error ?? addTask.error} />
        {tasks.isLoading && !tasks.data ? <Loading /> : (tasks.data?.data.length ?? 0) === 0 ? <Empty>No tasks yet.</Empty> : (
          <Table caption="Tasks" head={['Title', 'Status']}>
            {tasks.data!.data.map((task) => <TaskRow key={task.id} projectId={id} task={task} canWrite={canWrite} onChanged={tasks.reload} />)}
          </Table>
        )}
      </Section>
    </>
  );
}
