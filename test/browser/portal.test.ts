import type { Browser, Page } from 'playwright-core';
import { OrgKind } from '@kessetsu/schema';
import { startPortalServer, type RunningPortal } from '../../apps/portal/server/portal-server.js';
import { graphqlOk } from '../support/graphql-request.util.js';
import { Member, seedMembers, TEST_PASSWORD } from '../support/seed-orgs.util.js';
import { PUBLISH, trafficDrop } from '../support/signal-fixtures.util.js';
import { launchBrowser, SCREENSHOTS } from '../support/browser.util.js';
import { startTestHub, TestHub } from '../support/test-hub.util.js';

/** A carrier NOC in a real browser: signs in, watches another carrier's signal arrive anonymised, publishes. */
describe('portal in Chromium', () => {
  let hub: TestHub;
  let portal: RunningPortal;
  let browser: Browser;
  let page: Page;
  let m: Record<'ntt' | 'kddi', Member>;

  beforeAll(async () => {
    hub = await startTestHub();
    portal = await startPortalServer({ port: 0, host: '127.0.0.1', hubPublicUrl: hub.url });
    m = await seedMembers(hub, { ntt: { kind: OrgKind.CARRIER, asns: [4713] }, kddi: { kind: OrgKind.CARRIER, asns: [2516] } });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  afterAll(async () => {
    await browser?.close();
    await portal?.close();
    await hub?.close();
  });

  it('signs a carrier NOC in (Japanese by default) and keeps the session across a reload', async () => {
    await page.goto(portal.url);
    await page.getByLabel('メールアドレス').fill(m.ntt.email);
    await page.getByLabel('パスワード').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.locator('.connection-live').waitFor();
    await page.reload();
    await page.locator('.connection-live').waitFor();
    expect(await page.locator('.org').textContent()).toContain(m.ntt.org.name);
    await page.screenshot({ path: `${SCREENSHOTS}/feed-empty-ja.png` });
  });

  it("shows another carrier's signal live, anonymised and scrubbed", async () => {
    const published = await graphqlOk(
      hub.url,
      PUBLISH,
      { signals: [trafficDrop({ tlp: 'AMBER', text: 'Call our NOC on 03-1234-5678 or noc@kddi.example' })] },
      { token: m.kddi.token },
    );
    const card = page.locator(`[data-signal-id="${published.publishSignals[0].signal.id}"]`);
    await card.waitFor({ timeout: 10_000 });
    const text = await card.textContent();
    expect(text).toContain('匿名');
    expect(text).toContain('[phone]');
    expect(text).not.toContain(m.kddi.org.name);
    expect(text).not.toContain('03-1234-5678');
    await page.screenshot({ path: `${SCREENSHOTS}/feed-live-ja.png` });
  });

  it('shows a validation error at the field, then the "is it just me?" answer', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.locator('input[name="dropPercent"]').fill('150');
    await page.getByRole('button', { name: 'Publish', exact: true }).last().click();
    const error = page.locator('[data-field="trafficDrop.dropPercent"]');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/100/);
    await page.screenshot({ path: `${SCREENSHOTS}/publish-error-en.png` });

    await page.locator('input[name="dropPercent"]').fill('20');
    await page.locator('input[name="peerAsn"]').fill('2516');
    await page.getByRole('button', { name: 'Publish', exact: true }).last().click();
    await page.locator('.just-me').waitFor();
    expect(await page.locator('.ok').textContent()).toContain('Stored');
    await page.screenshot({ path: `${SCREENSHOTS}/publish-result-en.png` });
  });

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Live feed' }).click();
    await page.locator('.signal').first().waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SCREENSHOTS}/feed-phone-en.png`, fullPage: true });
  });
});
