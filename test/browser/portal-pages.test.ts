import type { Browser, Page } from 'playwright-core';
import { OrgKind, UserRole } from '@kessetsu/schema';
import { startPortalServer, type RunningPortal } from '../../apps/portal/server/portal-server.js';
import { launchBrowser, SCREENSHOTS } from '../support/browser.util.js';
import { graphqlOk } from '../support/graphql-request.util.js';
import { Member, seedMembers, TEST_PASSWORD } from '../support/seed-orgs.util.js';
import { PUBLISH, trafficDrop } from '../support/signal-fixtures.util.js';
import { startTestHub, TestHub } from '../support/test-hub.util.js';

/** Incidents, the ministry's cross-carrier view, administration and the public page, in Chromium. */
describe('portal pages in Chromium', () => {
  let hub: TestHub;
  let portal: RunningPortal;
  let browser: Browser;
  let m: Record<'a' | 'b' | 'c' | 'ministry', Member>;
  let incidentId: string;

  const signIn = async (member: Member, language: 'en' | 'ja' = 'en'): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(`localStorage.setItem('kessetsu.language', '${language}')`);
    await page.goto(portal.url);
    await page.locator('input[type="email"]').fill(member.email);
    await page.locator('input[type="password"]').fill(TEST_PASSWORD);
    await page.locator('form button[type="submit"]').click();
    await page.locator('.connection-live').waitFor();
    return page;
  };

  beforeAll(async () => {
    hub = await startTestHub();
    portal = await startPortalServer({ port: 0, host: '127.0.0.1', hubPublicUrl: hub.url });
    m = await seedMembers(hub, {
      a: { kind: OrgKind.CARRIER, role: UserRole.ADMIN },
      b: { kind: OrgKind.CARRIER },
      c: { kind: OrgKind.CARRIER },
      ministry: { kind: OrgKind.MINISTRY, role: UserRole.ADMIN },
    });
    // The aggregates page shows the current day in JST: signals from before its midnight
    // (a run in the first minutes of the day) would not be on it.
    const now = Date.now();
    const jstDayStart = now - ((now + 9 * 3600_000) % 86_400_000);
    const at = (minutes: number) => new Date(Math.max(now - minutes * 60_000, jstDayStart)).toISOString();
    for (const member of [m.a, m.b, m.c]) {
      const data = await graphqlOk(
        hub.url,
        PUBLISH,
        { signals: [trafficDrop({ tlp: 'CLEAR', observedStart: at(20), observedEnd: null, regions: ['13'], trafficDrop: { dropPercent: 25, peerAsn: 64512 } })] },
        { token: member.token },
      );
      incidentId = data.publishSignals[0].signal.id && (await incidentOf(data.publishSignals[0].signal.id));
    }
    for (const member of [m.a, m.b]) {
      await graphqlOk(
        hub.url,
        PUBLISH,
        { signals: [trafficDrop({ tlp: 'GREEN', observedStart: at(15), observedEnd: null, regions: ['27'], service: 'mobile-data', trafficDrop: { dropPercent: 9, peerAsn: 64513 } })] },
        { token: member.token },
      );
    }
    browser = await launchBrowser();
  });

  const incidentOf = async (signalId: string): Promise<string> => {
    const data = await graphqlOk(hub.url, `{ incidents(first: 10) { edges { node { id signals { id } } } } }`, {}, { token: m.ministry.token });
    return data.incidents.edges.find((edge: any) => edge.node.signals.some((s: any) => s.id === signalId)).node.id;
  };

  afterAll(async () => {
    await browser?.close();
    await portal?.close();
    await hub?.close();
  });

  it('opens an incident from the board and shows its timeline and pseudonymous organisations', async () => {
    const page = await signIn(m.a);
    await page.locator(`[data-incident-id="${incidentId}"]`).click();
    await page.locator('.timeline li').first().waitFor();
    expect(await page.locator('h1').textContent()).toContain('Cross-carrier');
    const participants = await page.locator('.participants li').allTextContents();
    expect(participants).toHaveLength(3);
    expect(participants.filter((text) => text.includes('(you)'))).toHaveLength(1);
    expect(participants.join(' ')).not.toContain(m.b.org.name);
    expect(await page.locator('form[aria-label="Curation (ministry)"]').count()).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}/incident-carrier-en.png`, fullPage: true });
    await page.close();
  });

  it('lets a ministry official curate the incident and publish an advisory', async () => {
    const page = await signIn(m.ministry, 'ja');
    await page.goto(`${portal.url}/#/incidents/${incidentId}`);
    await page.locator('input[name="title"]').fill('首都圏のトラヒック減少');
    await page.locator('form.curation button[type="submit"]').click();
    await page.locator('.timeline li', { hasText: '総務省による編集' }).first().waitFor();
    expect(await page.locator('h1').textContent()).toContain('首都圏のトラヒック減少');
    await page.screenshot({ path: `${SCREENSHOTS}/incident-ministry-ja.png`, fullPage: true });

    await page.goto(`${portal.url}/#/aggregates`);
    await page.locator('input[name="advisory-title"]').fill('Traffic drop in Tokyo');
    await page.locator('textarea[name="advisory-body"]').fill('Three carriers report one event. Check upstream sessions.');
    await page.locator('.advisory-form select').selectOption('CLEAR');
    await page.locator('.advisory-form button[type="submit"]').click();
    await page.locator('.advisory', { hasText: 'Traffic drop in Tokyo' }).waitFor();
    const tokyo = page.locator('[data-region="13"]');
    expect(await tokyo.getAttribute('data-suppressed')).toBe('false');
    expect(await page.locator('[data-region="27"] text').last().textContent()).toBe('2');
    await page.screenshot({ path: `${SCREENSHOTS}/aggregates-ministry-ja.png`, fullPage: true });
    await page.close();
  });

  it('shows a carrier small cells as suppressed, not as zero', async () => {
    const page = await signIn(m.b);
    await page.goto(`${portal.url}/#/aggregates`);
    await page.locator('[data-region="13"]').waitFor();
    await page.waitForFunction(`document.querySelector('[data-region="13"] text:last-of-type')?.textContent === '3'`);
    expect(await page.locator('[data-region="27"]').getAttribute('data-suppressed')).toBe('true');
    expect(await page.locator('[data-region="01"]').getAttribute('data-suppressed')).toBe('true');
    expect(await page.locator('[data-region="27"] text').last().textContent()).toBe('—');
    await page.screenshot({ path: `${SCREENSHOTS}/aggregates-carrier-en.png`, fullPage: true });
    await page.close();
  });

  it('creates an API key shown once, and revokes it', async () => {
    const page = await signIn(m.a);
    await page.goto(`${portal.url}/#/admin`);
    await page.locator('input[name="key-name"]').fill('monitoring ingest');
    await page.locator('form[aria-label="Create API key"] button[type="submit"]').click();
    const key = await page.locator('[data-testid="new-api-key"]').textContent();
    expect(key).toMatch(/^kss_[a-z2-7]{16}_/);
    const me = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key! },
      body: JSON.stringify({ query: '{ me { organization { id } } }' }),
    }).then((response) => response.json() as Promise<any>);
    expect(me.data.me.organization.id).toBe(m.a.org.id);
    await page.screenshot({ path: `${SCREENSHOTS}/admin-key-created-en.png`, fullPage: true });

    await page.reload();
    expect(await page.locator('[data-testid="new-api-key"]').count()).toBe(0);
    const row = page.locator(`[data-key-id="${key!.split('_')[1]}"]`);
    await row.locator('button', { hasText: 'Revoke' }).click();
    await row.locator('td', { hasText: 'Revoked' }).waitFor();
    const after = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key! },
      body: JSON.stringify({ query: '{ me { organization { id } } }' }),
    }).then((response) => response.json() as Promise<any>);
    expect(after.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    await page.close();
  });

  it('serves the public status page without login, TLP:CLEAR only', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${portal.url}/#/status`);
    await page.locator('.advisory', { hasText: 'Traffic drop in Tokyo' }).waitFor();
    const incidents = await page.locator('.status-page .incident').allTextContents();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toContain('首都圏のトラヒック減少');
    expect(await page.locator('input[type="password"]').count()).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}/status-public-ja.png`, fullPage: true });
    await page.close();
  });
});
