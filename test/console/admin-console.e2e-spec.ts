import type { Page } from 'playwright-core';
import { createSystemAdmin, createUser, randomSlug, TEST_PASSWORD } from '../factories';
import { checkPage, eventually, fieldError, hasHorizontalOverflow, startConsoleBrowser, type ConsoleBrowser } from '../support/browser';
import { useTestApp } from '../support/test-app';
import { createTestWorker } from '../support/test-worker';

/** The system-admin console in a real browser against the real API. */
describe('system-admin console (browser)', () => {
  const t = useTestApp();
  let console_: ConsoleBrowser;
  let page: Page;
  let problems: string[];
  let admin: Awaited<ReturnType<typeof createSystemAdmin>>;
  // The real worker, for the export.
  let worker: Awaited<ReturnType<typeof createTestWorker>>;

  beforeAll(async () => {
    console_ = await startConsoleBrowser(t);
    worker = await createTestWorker();
    admin = await createSystemAdmin(t);
    ({ page, problems } = await console_.open());
  });
  afterAll(async () => {
    await console_?.close();
    await worker?.close();
  });
  afterEach(() => {
    expect(problems).toEqual([]);
  });

  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });

  it('signs a system admin in, keeps no token in storage, and survives a reload', async () => {
    await page.goto('/console/admin/');
    await heading('System admin sign in').waitFor();
    expect(await checkPage(page, 'admin-sign-in')).toEqual([]);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Invalid credentials' }).waitFor();
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Tenants').waitFor();

    const cookies = await page.context().cookies();
    const session = cookies.find((cookie) => cookie.name === 'tenantry_admin_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/v1/console/admin/auth' });
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length])).toEqual([0, 0]);

    await page.reload();
    await heading('Tenants').waitFor();
    expect(await checkPage(page, 'admin-tenants')).toEqual([]);
  });

  it('finds tenants by search and status, and pages with a cursor', async () => {
    const marker = randomSlug('find');
    for (let index = 0; index < 22; index++) {
      await t.as(admin).post('/v1/admin/tenants').send({ slug: `${marker}-${index}`, name: `Findable ${index}`, plan: 'pro', admin: { email: `o${index}@${marker}.example` } }).expect(201);
    }
    await page.getByRole('searchbox', { name: 'Search' }).fill(marker);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const table = page.getByRole('table', { name: 'Tenants' });
    const rows = () => page.evaluate((m) => [...document.querySelectorAll('table tbody tr')].filter((row) => row.textContent?.includes(m)).length, marker);
    await eventually(async () => (await rows()) === 20);
    await page.getByRole('button', { name: 'Load more tenants' }).click();
    await eventually(async () => (await rows()) === 22);
    expect(await page.getByRole('button', { name: 'Load more tenants' }).count()).toBe(0);
    await page.getByLabel('Status').selectOption('suspended');
    await page.getByText('No tenants match.').waitFor();
    await page.getByLabel('Status').selectOption('');
    await table.waitFor();
    await page.getByLabel('Plan filter').selectOption('free');
    await page.getByText('No tenants match.').waitFor();
    await page.getByLabel('Plan filter').selectOption('');
    await page.getByRole('link', { name: `${marker}-21` }).waitFor();
  });

  it('creates a tenant, rejects an invalid override at its field, saves a valid one, and changes the plan', async () => {
    const slug = randomSlug('web');
    await page.getByRole('link', { name: 'Tenants' }).click();
    await page.getByRole('button', { name: 'New tenant' }).click();
    const form = page.getByRole('form', { name: 'New tenant' });
    await form.getByLabel('Slug').fill('Not A Slug!');
    await form.getByLabel('Name', { exact: true }).fill('Web Created');
    await form.getByLabel('Plan').selectOption('pro');
    await form.getByLabel('First admin email').fill(`owner@${slug}.example`);
    await form.getByLabel('First admin password').fill(TEST_PASSWORD);
    await form.getByRole('button', { name: 'Create tenant' }).click();
    expect(await fieldError(page, form.getByRole('textbox', { name: 'Slug' }))).toMatch(/slug/);
    await form.getByLabel('Slug').fill(slug);
    await form.getByRole('button', { name: 'Create tenant' }).click();
    await heading('Web Created').waitFor();
    expect(await checkPage(page, 'admin-tenant-detail')).toEqual([]);

    const seats = page.getByRole('spinbutton', { name: 'Limit seats' });
    await seats.fill('-5');
    await page.getByRole('button', { name: 'Save overrides' }).click();
    expect(await fieldError(page, seats)).toMatch(/limits\.seats/);
    await page.getByText('The overrides were not saved').waitFor();
    expect(await checkPage(page, 'admin-tenant-override-error')).toEqual([]);

    await seats.fill('42');
    await page.getByRole('button', { name: 'Save overrides' }).click();
    await page.getByRole('status').filter({ hasText: 'Overrides saved.' }).waitFor();
    const seatsRow = page.getByRole('table', { name: 'Effective config' }).getByRole('row').filter({ hasText: 'seats' });
    await page.waitForFunction(() => /seats\s+\S+\s+42\s+42/.test((document.querySelector('table') as HTMLTableElement | null)?.innerText.replace(/\t/g, ' ') ?? ''));
    expect((await seatsRow.first().innerText()).replace(/\s+/g, ' ')).toContain('42 42');

    await page.getByRole('combobox', { name: 'Plan', exact: true }).selectOption('enterprise');
    await page.getByRole('button', { name: 'Change plan' }).click();
    await page.locator('dd', { hasText: /^enterprise$/ }).waitFor();
    const [row] = await t.owner<{ plan: string; config: { limits?: Record<string, number> } }[]>`select plan, config from tenants where slug = ${slug}`;
    expect(row).toMatchObject({ plan: 'enterprise', config: { limits: { seats: 42 } } });
  });

  it('suspends and resumes the tenant', async () => {
    await page.getByRole('button', { name: 'Suspend tenant' }).click();
    await page.getByRole('button', { name: 'Resume tenant' }).waitFor();
    expect((await page.locator('.page-head .badge').innerText()).trim()).toBe('suspended');
    await page.getByRole('button', { name: 'Resume tenant' }).click();
    await page.getByRole('button', { name: 'Suspend tenant' }).waitFor();
    expect((await page.locator('.page-head .badge').innerText()).trim()).toBe('active');
  });

  it('impersonates the owner with a banner, and returns to the admin console', async () => {
    const tenantUrl = page.url();
    await page.getByLabel('Reason for impersonating').fill('Support ticket 42: checking the home page');
    await page.getByRole('button', { name: 'Impersonate owner' }).click();
    const banner = page.getByRole('region', { name: 'Impersonation notice' });
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(/You are impersonating owner@web-[0-9a-f]+\.example in Web Created/);
    await heading('Web Created').waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/');
    expect(await checkPage(page, 'portal-impersonated-home')).toEqual([]);
    await banner.getByRole('button', { name: 'Return to admin console' }).click();
    await page.getByRole('button', { name: 'Suspend tenant' }).waitFor();
    expect(page.url()).toBe(tenantUrl);
    const audit = page.getByRole('table', { name: 'Audit log' });
    await audit.getByText('tenant.impersonated').first().waitFor();
  });

  it('picks a user of the tenant to impersonate by searching their email', async () => {
    const tenantUrl = page.url();
    const tenantId = tenantUrl.split('/').pop()!;
    const [tenant] = await t.owner<{ slug: string }[]>`select slug from tenants where id = ${tenantId}`;
    const support = await createUser(t, { id: tenantId, slug: tenant!.slug }, 'viewer', `support-${randomSlug('u')}@example.com`);
    await createUser(t, { id: tenantId, slug: tenant!.slug }, 'member', `bystander-${randomSlug('u')}@example.com`);
    await page.reload();
    await page.getByLabel('Find a user by email').fill('support-');
    await page.getByRole('button', { name: 'Find users' }).click();
    const picker = page.getByLabel('User to impersonate');
    await page.waitForFunction(() => document.querySelectorAll('select option').length > 0 && [...document.querySelectorAll('option')].some((option) => option.textContent?.startsWith('support-')));
    const options = await picker.locator('option').allInnerTexts();
    expect(options).toEqual(['The first owner', `${support.email} (viewer)`]);
    await picker.selectOption({ label: `${support.email} (viewer)` });
    expect(await checkPage(page, 'admin-tenant-impersonation-picker')).toEqual([]);
    await page.getByLabel('Reason for impersonating').fill('Support ticket 43: what does a viewer see');
    await page.getByRole('button', { name: `Impersonate ${support.email}` }).click();
    const banner = page.getByRole('region', { name: 'Impersonation notice' });
    expect(await banner.innerText()).toContain(`You are impersonating ${support.email}`);
    await page.getByText(`${support.email} (viewer)`).waitFor();
    expect(await page.getByRole('navigation', { name: 'Portal' }).getByRole('link').allInnerTexts()).toEqual(['Home', 'Projects', 'Settings']);
    await banner.getByRole('button', { name: 'Return to admin console' }).click();
    await page.getByRole('button', { name: 'Suspend tenant' }).waitFor();
    const [entry] = await t.owner<{ resource_id: string }[]>`select resource_id from audit_logs where tenant_id = ${tenantId} and action = 'tenant.impersonated' order by at desc limit 1`;
    expect(entry!.resource_id).toBe(support.id);
  });

  it('exports the tenant and offers the download', async () => {
    await page.getByRole('button', { name: 'Export tenant data' }).click();
    const download = page.getByRole('link', { name: 'Download export' });
    await download.waitFor({ timeout: 30_000 }).catch(async () => {
      throw new Error(`no download: ${await page.locator('main').innerText()}`);
    });
  }, 45_000);

  it('deletes a tenant only after its slug is typed', async () => {
    const slug = page.url().split('/').pop()!;
    const [tenant] = await t.owner<{ slug: string }[]>`select slug from tenants where id = ${slug}`;
    const remove = page.getByRole('button', { name: 'Delete tenant' });
    expect(await remove.isDisabled()).toBe(true);
    await page.getByLabel(`Type ${tenant!.slug} to confirm`).fill('wrong');
    expect(await remove.isDisabled()).toBe(true);
    await page.getByLabel(`Type ${tenant!.slug} to confirm`).fill(tenant!.slug);
    await remove.click();
    await page.getByText('This tenant is deleted').waitFor();
  });

  it('lists, creates and edits plans, and shows failed jobs', async () => {
    await page.getByRole('link', { name: 'Plans' }).click();
    await heading('Plans').waitFor();
    await page.getByRole('table', { name: 'Plans' }).getByText('enterprise', { exact: true }).waitFor();
    const key = `team${Date.now() % 100000}`;
    await page.getByRole('button', { name: 'New plan' }).click();
    const form = page.getByRole('form', { name: 'New plan' });
    await form.getByLabel('Key').fill(key);
    await form.getByLabel('Plan name').fill('Team');
    await form.getByLabel('Features').fill('csv_export');
    await form.getByLabel('Limits').fill('seats=abc');
    await form.getByRole('button', { name: 'Create plan' }).click();
    await form.getByRole('alert').waitFor();
    await form.getByLabel('Limits').fill('seats=10\nprojects=20');
    await form.getByRole('button', { name: 'Create plan' }).click();
    await page.getByRole('button', { name: `Edit plan ${key}` }).click();
    const edit = page.getByRole('form', { name: `Edit plan ${key}` });
    await edit.getByLabel('Plan name').fill('Team 2');
    await edit.getByRole('button', { name: 'Save plan' }).click();
    await page.getByRole('cell', { name: 'Team 2' }).waitFor();
    expect(await checkPage(page, 'admin-plans')).toEqual([]);

    await page.getByRole('link', { name: 'Failed jobs' }).click();
    await heading('Failed jobs').waitFor();
    await page.locator('main').getByText(/No failed jobs\.|Error/).first().waitFor();
    expect(await checkPage(page, 'admin-failed-jobs')).toEqual([]);
  });

  it('opens the queue dashboard signed in', async () => {
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: 'Queue dashboard' }).click()]);
    await popup.waitForLoadState();
    expect(new URL(popup.url()).pathname).toMatch(/^\/admin\/queues/);
    expect(await popup.content()).not.toMatch(/system-admin bearer token or a dashboard session/);
    await popup.close();
  });

  it('fits a 390 px phone', async () => {
    const { page: phone, context } = await console_.open({ width: 390 });
    await context.addCookies(await page.context().cookies());
    await phone.goto('/console/admin/tenants');
    await phone.getByRole('heading', { level: 1, name: 'Tenants' }).waitFor();
    expect(await hasHorizontalOverflow(phone)).toBe(false);
    expect(await checkPage(phone, 'admin-tenants-phone')).toEqual([]);
    await context.close();
  });

  it('signs out and revokes the session', async () => {
    const before = (await page.context().cookies()).find((cookie) => cookie.name === 'tenantry_admin_session')!.value;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading('System admin sign in').waitFor();
    const refreshed = await t.http().post('/v1/console/admin/auth/refresh').set('origin', console_.baseUrl).set('cookie', `tenantry_admin_session=${before}`);
    expect(refreshed.status).toBe(401);
    await page.reload();
    await heading('System admin sign in').waitFor();
  });
});
