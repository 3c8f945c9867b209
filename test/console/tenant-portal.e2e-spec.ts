import type { Page } from 'playwright-core';
import { createProject, createTenantWithUsers, createUser, TEST_PASSWORD, type TestTenantWithUsers } from '../factories';
import { checkPage, eventually, fieldError, hasHorizontalOverflow, startConsoleBrowser, type ConsoleBrowser } from '../support/browser';
import { useTestApp } from '../support/test-app';

/** The tenant portal in a real browser against the real API: an owner's day, a viewer, and isolation. */
describe('tenant portal (browser)', () => {
  const t = useTestApp();
  let console_: ConsoleBrowser;
  let acme: TestTenantWithUsers;
  let other: TestTenantWithUsers;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    console_ = await startConsoleBrowser(t);
    acme = await createTenantWithUsers(t, { plan: 'pro' });
    other = await createTenantWithUsers(t, { plan: 'pro' });
    ({ page, problems } = await console_.open());
  });
  afterAll(async () => {
    await console_?.close();
  });
  afterEach(() => {
    expect(problems).toEqual([]);
  });

  const heading = (target: Page, name: string | RegExp) => target.getByRole('heading', { level: 1, name });

  async function signIn(target: Page, tenant: { slug: string }, email: string): Promise<void> {
    await target.goto('/console/');
    await heading(target, 'Sign in to your organisation').waitFor();
    await target.getByLabel('Organisation').fill(tenant.slug);
    await target.getByLabel('Email').fill(email);
    await target.getByLabel('Password').fill(TEST_PASSWORD);
    await target.getByRole('button', { name: 'Sign in', exact: true }).click();
    await target.getByRole('navigation', { name: 'Portal' }).waitFor();
  }

  it('signs the owner in, shows plan and quotas, and survives a reload', async () => {
    await page.goto('/console/');
    expect(await checkPage(page, 'portal-sign-in')).toEqual([]);
    await signIn(page, acme, acme.owner.email);
    await heading(page, 'Test tenant').waitFor();
    await page.getByRole('progressbar', { name: 'Seats' }).waitFor();
    expect(await page.locator('dl.facts').innerText()).toMatch(/pro/);
    const cookie = (await page.context().cookies()).find((entry) => entry.name === 'tenantry_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/v1/console/auth' });
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length])).toEqual([0, 0]);
    await page.reload();
    await heading(page, 'Test tenant').waitFor();
    await page.getByRole('img', { name: /api_calls per day|per day/ }).or(page.getByText('No usage recorded in this window.')).first().waitFor();
    expect(await checkPage(page, 'portal-home')).toEqual([]);
  });

  it('invites by mail (a pending invitation) and changes a member\'s role', async () => {
    await page.getByRole('link', { name: 'Members' }).click();
    await heading(page, 'Members').waitFor();
    const email = `invitee-${Date.now()}@example.com`;
    await page.getByLabel('Email to invite').fill(email);
    await page.getByLabel('Role', { exact: true }).selectOption('viewer');
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await page.getByRole('status').filter({ hasText: `Invited ${email}` }).waitFor();
    const invitation = page.getByRole('table', { name: 'Pending invitations' }).getByRole('row').filter({ hasText: email });
    await invitation.getByRole('cell', { name: 'viewer', exact: true }).waitFor();
    const colleague = await createUser(t, acme, 'viewer', `colleague-${Date.now()}@example.com`);
    await page.reload();
    const row = page.getByRole('table', { name: 'Members' }).getByRole('row').filter({ hasText: colleague.email });
    await row.getByLabel(`Role of ${colleague.email}`).selectOption('member');
    await row.getByRole('button', { name: 'Change role' }).click();
    await eventually(async () => {
      const [user] = await t.owner<{ role: string }[]>`select role from users where tenant_id = ${acme.id} and email = ${colleague.email}`;
      return user?.role === 'member';
    });
    const [user] = await t.owner<{ role: string }[]>`select role from users where tenant_id = ${acme.id} and email = ${colleague.email}`;
    expect(user!.role).toBe('member');
    expect(await checkPage(page, 'portal-members')).toEqual([]);
  });

  it('creates an API key and shows its secret once', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    await heading(page, 'API keys').waitFor();
    await page.getByLabel('Key name').fill('ci deploys');
    await page.getByLabel('Key role').selectOption('member');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = page.getByRole('region', { name: 'New API key secret' });
    const key = (await secret.getByLabel('API key secret').innerText()).trim();
    expect(key).toMatch(/^sk_/);
    expect(await checkPage(page, 'portal-api-key-secret')).toEqual([]);
    const me = await t.http().get('/v1/me').set('authorization', `Bearer ${key}`);
    expect(me.status).toBe(200);
    await secret.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('cell', { name: 'ci deploys', exact: true }).waitFor();
    expect(await page.content()).not.toContain(key);
    await page.reload();
    await page.getByRole('cell', { name: 'ci deploys', exact: true }).waitFor();
    expect(await page.content()).not.toContain(key);
  });

  it('changes branding and applies the colour at once; shows an invalid colour at its field', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await heading(page, 'Settings').waitFor();
    const colour = page.getByRole('textbox', { name: 'Primary colour' });
    await colour.fill('red');
    await page.getByRole('button', { name: 'Save settings' }).click();
    expect(await fieldError(page, colour)).toMatch(/primaryColor/);
    await colour.fill('#aa3300');
    await page.getByLabel('Display name').fill('Acme Rockets');
    await page.getByLabel('Time zone').fill('Asia/Tokyo');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
    await page.waitForFunction(() => getComputedStyle(document.documentElement).getPropertyValue('--primary').trim() === '#aa3300');
    await page.locator('.brand', { hasText: 'Acme Rockets' }).waitFor();
    const background = await page.getByRole('button', { name: 'Save settings' }).evaluate((element) => getComputedStyle(element).backgroundColor);
    expect(background).toBe('rgb(170, 51, 0)');
    expect(await checkPage(page, 'portal-settings')).toEqual([]);
  });

  it('reads the audit log (in the tenant time zone) with a filter', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    await heading(page, 'Audit log').waitFor();
    const table = page.getByRole('table', { name: 'Audit log' });
    await table.getByText('api_key.created').first().waitFor();
    await page.getByLabel('Action').fill('tenant.settings_updated');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForFunction(() => ![...document.querySelectorAll('tbody tr')].some((row) => row.textContent?.includes('api_key.created')));
    const [entry] = await t.owner<{ at: Date }[]>`select at from audit_logs where tenant_id = ${acme.id} and action = 'tenant.settings_updated' order by at desc limit 1`;
    expect(entry).toBeDefined();
    const tokyo = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Tokyo' }).format(entry!.at);
    await table.getByText(tokyo).first().waitFor();
    expect(await checkPage(page, 'portal-audit')).toEqual([]);
  });

  it('creates a project, edits it and adds a task', async () => {
    await page.getByRole('link', { name: 'Projects' }).click();
    await heading(page, 'Projects').waitFor();
    await page.getByLabel('Project name').fill('Launch site');
    await page.getByLabel('Description').fill('The relaunch');
    await page.getByRole('button', { name: 'Create project' }).click();
    await heading(page, 'Launch site').waitFor();
    await page.getByRole('button', { name: 'Edit project' }).click();
    await page.getByRole('form', { name: 'Edit project' }).getByLabel('Project name').fill('Launch site v2');
    await page.getByRole('button', { name: 'Save project' }).click();
    await heading(page, 'Launch site v2').waitFor();
    await page.getByLabel('Task title').fill('Write copy');
    await page.getByRole('button', { name: 'Add task' }).click();
    await page.getByRole('cell', { name: 'Write copy', exact: true }).waitFor();
    await page.getByLabel('Status of Write copy').selectOption('done');
    await eventually(async () => {
      const [task] = await t.owner<{ status: string }[]>`select status from tasks where tenant_id = ${acme.id} and title = 'Write copy'`;
      return task?.status === 'done';
    });
    expect(await checkPage(page, 'portal-project')).toEqual([]);
    await page.getByRole('link', { name: '← All projects' }).click();
    await page.getByRole('link', { name: 'Launch site v2' }).waitFor();
    expect(await checkPage(page, 'portal-projects')).toEqual([]);
  });

  it('offers a viewer no write actions (and the API refuses them anyway)', async () => {
    const { page: viewerPage, context } = await console_.open();
    await signIn(viewerPage, acme, acme.viewer.email);
    const nav = viewerPage.getByRole('navigation', { name: 'Portal' });
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Home', 'Projects', 'Settings']);
    await nav.getByRole('link', { name: 'Projects' }).click();
    await viewerPage.getByRole('link', { name: 'Launch site v2' }).click();
    await heading(viewerPage, 'Launch site v2').waitFor();
    await viewerPage.getByRole('cell', { name: 'Write copy', exact: true }).waitFor();
    expect(await viewerPage.getByRole('button').allInnerTexts()).toEqual(['Sign out']);
    await viewerPage.goto('/console/members');
    await heading(viewerPage, 'Acme Rockets').waitFor();
    await nav.getByRole('link', { name: 'Settings' }).click();
    await heading(viewerPage, 'Settings').waitFor();
    expect(await viewerPage.getByRole('textbox').count()).toBe(0);
    expect(await checkPage(viewerPage, 'portal-viewer-settings')).toEqual([]);
    await context.close();
    await t.as(acme.viewer).post('/v1/projects').send({ name: 'not allowed' }).expect(403);
  });

  it("never shows another tenant's data", async () => {
    const secretProject = await createProject(t, other.owner, 'Other tenant secret plan');
    const { page: acmePage, context } = await console_.open();
    await signIn(acmePage, acme, acme.admin.email);
    await acmePage.goto(`/console/projects/${secretProject.id}`);
    await acmePage.getByRole('alert').waitFor();
    expect(await acmePage.locator('main').innerText()).not.toContain('Other tenant secret plan');
    await acmePage.getByRole('link', { name: 'Projects', exact: true }).click();
    await acmePage.getByRole('link', { name: 'Launch site v2' }).waitFor();
    expect(await acmePage.content()).not.toContain('Other tenant secret plan');
    await acmePage.getByRole('link', { name: 'Members' }).click();
    await acmePage.getByRole('table', { name: 'Members' }).waitFor();
    expect(await acmePage.content()).not.toContain(other.owner.email);
    await context.close();
  });

  it('works from the keyboard alone, with a visible focus', async () => {
    const { page: keys, context } = await console_.open();
    await keys.goto('/console/');
    await heading(keys, 'Sign in to your organisation').waitFor();
    await keys.keyboard.press('Tab');
    await keys.keyboard.type(acme.slug);
    await keys.keyboard.press('Tab');
    await keys.keyboard.type(acme.member.email);
    await keys.keyboard.press('Tab');
    await keys.keyboard.type(TEST_PASSWORD);
    await keys.keyboard.press('Enter');
    await keys.getByRole('navigation', { name: 'Portal' }).waitFor();
    await keys.keyboard.press('Tab');
    const skip = await keys.evaluate(() => {
      const element = document.activeElement as HTMLElement;
      const style = getComputedStyle(element);
      return { text: element.textContent, outline: `${style.outlineStyle} ${style.outlineWidth}` };
    });
    expect(skip).toEqual({ text: 'Skip to content', outline: 'solid 3px' });
    await keys.keyboard.press('Tab');
    expect(await keys.evaluate(() => document.activeElement?.textContent)).toBe('Home');
    await keys.keyboard.press('Tab');
    await keys.keyboard.press('Enter');
    await heading(keys, 'Projects').waitFor();
    await context.close();
  });

  it('signs up a new organisation and asks for a password reset, without a session', async () => {
    const { page: visitor, context } = await console_.open();
    await visitor.goto('/console/');
    await visitor.getByRole('link', { name: 'Create an organisation' }).click();
    await heading(visitor, 'Create your organisation').waitFor();
    const slug = `signup-${Date.now()}`;
    await visitor.getByLabel('Organisation name').fill('Signed Up Ltd');
    await visitor.getByLabel('Organisation short name').fill(slug);
    await visitor.getByLabel('Your email').fill(`founder@${slug}.example`);
    await visitor.getByLabel('Choose a password').fill('correct horse battery staple');
    expect(await checkPage(visitor, 'portal-signup')).toEqual([]);
    await visitor.getByRole('button', { name: 'Create organisation' }).click();
    await heading(visitor, 'Check your email').waitFor();
    const [tenant] = await t.owner<{ name: string }[]>`select name from tenants where slug = ${slug}`;
    expect(tenant!.name).toBe('Signed Up Ltd');
    await visitor.goto('/console/reset-password');
    await visitor.getByLabel('Organisation').fill(acme.slug);
    await visitor.getByLabel('Email').fill(acme.owner.email);
    await visitor.getByRole('button', { name: 'Send reset link' }).click();
    await visitor.getByRole('status').filter({ hasText: 'a reset link is on its way' }).waitFor();
    expect(await checkPage(visitor, 'portal-reset-password')).toEqual([]);
    await context.close();
  });

  it('fits a 390 px phone', async () => {
    const { page: phone, context } = await console_.open({ width: 390 });
    await signIn(phone, acme, acme.owner.email);
    for (const [path, name] of [['/console/', 'Acme Rockets'], ['/console/projects', 'Projects'], ['/console/api-keys', 'API keys']] as const) {
      await phone.goto(path);
      await heading(phone, name).waitFor();
      expect(await hasHorizontalOverflow(phone)).toBe(false);
    }
    expect(await checkPage(phone, 'portal-phone-api-keys')).toEqual([]);
    await context.close();
  });

  it('signs out and revokes the session family', async () => {
    const before = (await page.context().cookies()).find((cookie) => cookie.name === 'tenantry_session')!.value;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading(page, 'Sign in to your organisation').waitFor();
    const refreshed = await t.http().post('/v1/console/auth/refresh').set('origin', console_.baseUrl).set('cookie', `tenantry_session=${before}`);
    expect(refreshed.status).toBe(401);
  });
});

