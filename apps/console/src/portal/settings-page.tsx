import { useState, type FormEvent } from 'react';
import { unwrap } from '@tenantry/client';
import { messagesOf, useAction } from '../data';
import { tenantApi } from '../session';
import { ErrorMessage, Field, Section } from '../ui';
import { ExportSection } from './export-section';
import { isAtLeast, usePortal } from './portal-context';

/** Branding, locale and time zone; saved branding is applied to the portal at once. */
export function SettingsPage() {
  const portal = usePortal();
  const settings = portal.tenant.settings;
  const canEdit = isAtLeast(portal.role, 'admin');
  const [form, setForm] = useState({
    displayName: settings.branding?.displayName ?? '',
    logoUrl: settings.branding?.logoUrl ?? '',
    primaryColor: settings.branding?.primaryColor ?? '',
    locale: settings.locale ?? '',
    timezone: settings.timezone ?? '',
  });
  const [isSaved, setSaved] = useState(false);
  const save = useAction(async () => {
    const orNull = (value: string) => (value.trim() === '' ? null : value.trim());
    await unwrap(
      tenantApi.PATCH('/v1/tenant/settings', {
        body: {
          branding: { displayName: orNull(form.displayName), logoUrl: orNull(form.logoUrl), primaryColor: orNull(form.primaryColor) },
          locale: orNull(form.locale),
          timezone: orNull(form.timezone),
        } as never,
      }),
    );
    setSaved(true);
    portal.reload();
  });
  const messages = messagesOf(save.error);
  const at = (name: string) => messages.filter((message) => message.includes(name));
  const known = new Set(['displayName', 'logoUrl', 'primaryColor', 'locale', 'timezone'].flatMap(at));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    void save.run();
  };
  if (!canEdit) {
    return (
      <>
        <h1>Settings</h1>
        <Section title="Organisation">
          <dl className="facts">
            <dt>Display name</dt><dd>{settings.branding?.displayName ?? portal.tenant.name}</dd>
            <dt>Locale</dt><dd>{portal.locale}</dd>
            <dt>Time zone</dt><dd>{portal.timeZone}</dd>
          </dl>
        </Section>
      </>
    );
  }
  return (
    <>
      <h1>Settings</h1>
      <form className="stack" onSubmit={submit}>
        <Section title="Branding">
          <div className="grid">
            <Field label="Display name" value={form.displayName} onChange={(displayName) => setForm({ ...form, displayName })} errors={at('displayName')} />
            <Field label="Logo URL" type="url" value={form.logoUrl} onChange={(logoUrl) => setForm({ ...form, logoUrl })} errors={at('logoUrl')} placeholder="https://…" />
            <Field label="Primary colour" value={form.primaryColor} onChange={(primaryColor) => setForm({ ...form, primaryColor })} errors={at('primaryColor')} placeholder="#1a73e8" hint="A hex colour such as #1a73e8" />
          </div>
        </Section>
        <Section title="Region">
          <div className="grid">
            <Field label="Locale" value={form.locale} onChange={(locale) => setForm({ ...form, locale })} errors={at('locale')} placeholder="en-GB" />
            <Field label="Time zone" value={form.timezone} onChange={(timezone) => setForm({ ...form, timezone })} errors={at('timezone')} placeholder="Europe/Paris" hint="Dates in the portal are shown in this time zone" />
          </div>
        </Section>
        <ErrorMessage messages={messages.filter((message) => !known.has(message))} />
        {isSaved && <p role="status" className="success">Settings saved.</p>}
        <div><button type="submit" className="button primary" disabled={save.isPending}>Save settings</button></div>
      </form>
      {isAtLeast(portal.role, 'owner') && <ExportSection />}
    </>
  );
}
