import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/test-app';
import { buildConsole, ensureChromium, launchChromium, seriousViolations } from './browser';

/** Where each run writes its screenshots (git-ignored); a chosen set is kept in docs/console for the README. */
const SHOTS = join(process.cwd(), 'test-output/console');
const WIDTHS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desk', width: 1280, height: 900 },
];

/** The whole page down to a bound, so long lists stay legible and the files small. */
async function shoot(page: Page, file: string): Promise<void> {
  const { width } = page.viewportSize()!;
  const height = Math.min(2400, await page.evaluate<number>('document.documentElement.scrollHeight'));
  await page.screenshot({ path: join(SHOTS, file), fullPage: true, clip: { x: 0, y: 0, width, height } });
}

const skipReason = ensureChromium();
if (skipReason) console.warn(skipReason);
const describeInBrowser = skipReason ? describe.skip : describe;

describeInBrowser('the fact-checker console in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let editorKey: string;
  let webDir = '';
  let dealId = '';
  let claimId = '';
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const statement = 'Acme offered about 2.5 billion dollars for Widget, people familiar with the talks said.';

  beforeAll(async () => {
    webDir = buildConsole();
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp({ DEMO_DATA: 'true', RATE_LIMIT_PER_ADDRESS: '100000', WEB_CONSOLE_DIR: webDir });
    // the editor's own key also holds the fact_checker role, so the four-eyes rule is what stops them
    editorKey = await t.newKey(['editor', 'fact_checker']);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
    if (webDir) rmSync(webDir, { recursive: true, force: true });
  });

  /** A browser tab of its own (its own sessionStorage), signed in with `key`. */
  async function signedIn(key: string, expectedRoles: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(t.url);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).press('Enter');
    await expect(page.getByTestId('roles').textContent()).resolves.toContain(expectedRoles);
    return page;
  }

  it('an editor opens a deal and records a claim; the API’s field errors show beside their fields', async () => {
    const page = await signedIn(editorKey, 'editor, fact checker');
    await page.getByRole('link', { name: 'New deal or claim' }).click();
    await page.getByLabel('Title', { exact: true }).fill('Acme / Widget');
    await page.getByLabel('Party 1 name').fill('Acme');
    await page.getByLabel('Party 2 name').fill('Widget');
    await page.getByRole('button', { name: 'Open the deal' }).click();
    await page.getByText('Deal “Acme / Widget” opened').waitFor();
    dealId = new URL(page.url()).hash.split('deal=')[1];
    expect(dealId).toMatch(/^[0-9a-f-]{36}$/);
    await page.locator(`#claim-deal option[value="${dealId}"]`).waitFor({ state: 'attached' });
    await expect(page.getByLabel('Deal', { exact: true }).inputValue()).resolves.toBe(dealId);

    await page.getByLabel('Kind', { exact: true }).nth(1).selectOption('offer_made');
    await page.getByLabel('Statement').fill(statement);
    await page.getByLabel('Precision').selectOption('quarter');
    await page.getByLabel('Year').fill('20x4');
    await page.getByLabel('Quarter').selectOption('2');
    await page.getByLabel('Value').fill('2500000000');
    await page.getByLabel('Qualifier').selectOption('approximate');
    await page.getByLabel('Outlet that first reported it').fill('Bloomberg');
    await page.getByLabel('Published on').fill('2024-05-02');
    await page.getByRole('button', { name: 'Add a relay to source 1' }).click();
    await page.getByLabel('Relaying outlet').fill('');
    await page.getByRole('button', { name: 'Record the claim' }).click();

    // refused: the date and the empty relay are named beside their fields, described to screen readers
    const dateError = page.locator('#occurred-at-error');
    await expect(dateError.textContent()).resolves.toContain('occurredAt must be YYYY');
    const relayInput = page.getByLabel('Relaying outlet');
    await expect(relayInput.getAttribute('aria-invalid')).resolves.toBe('true');
    const relayError = await relayInput.getAttribute('aria-describedby');
    await expect(page.locator(`[id="${relayError}"]`).textContent()).resolves.toContain('outlet');

    await page.getByLabel('Year').fill('2024');
    await relayInput.fill('The Verge');
    await page.getByRole('button', { name: 'Record the claim' }).click();
    const auditLink = page.getByRole('link', { name: "the claim's audit trail" });
    await auditLink.waitFor();
    claimId = (await auditLink.getAttribute('href'))!.split('/').pop()!;
    const claim = await t.request('GET', `/claims/${claimId}`);
    expect(claim.body).toMatchObject({
      kind: 'offer_made',
      occurredAt: '2024-Q2',
      amount: { value: '2500000000', currency: 'USD', qualifier: 'approximate' },
      sources: [{ outlet: 'Bloomberg', publishedAt: '2024-05-02', via: [{ outlet: 'The Verge' }] }],
      verdict: 'unreviewed',
    });
  });

  it('the four-eyes refusal appears in words when the editor judges their own claim', async () => {
    const page = await signedIn(editorKey, 'editor');
    await page.goto(`${t.url}/#/claims/${claimId}`);
    await page.getByRole('radio', { name: 'confirmed' }).check();
    await page.getByLabel('Rationale').fill('I know it is true.');
    await page.getByRole('button', { name: 'Give verdict' }).click();
    const alert = page.getByRole('alert');
    await expect(alert.textContent()).resolves.toContain('the four-eyes rule needs a second person');
    await expect(alert.textContent()).resolves.toContain('another fact-checker');
    await alert.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'four-eyes-1280.png') });
    expect((await t.request('GET', `/claims/${claimId}`)).body.verdict).toBe('unreviewed');
  });

  it('a fact-checker signs in with another key, finds the claim in the queue and confirms it', async () => {
    const page = await signedIn(t.keys.fact_checker, 'fact checker');
    await expect(page.getByRole('link', { name: 'New deal or claim' }).count()).resolves.toBe(0);
    await page.getByRole('link', { name: 'Fact-check queue' }).click();
    // the queue's own cards: the deals page, shown until the queue loads, has cards too
    const queue = page.getByRole('list', { name: 'Unreviewed claims' });
    const card = queue.locator('li.card', { hasText: statement });
    await queue.locator('li.card').first().waitFor();
    // the claim is the newest, so on the queue's last page: each page is shown before the next is asked for
    while ((await card.count()) === 0) {
      const shown = await queue.locator('li.card').count();
      await page.getByRole('button', { name: 'Show more claims' }).click();
      await page.waitForFunction(`document.querySelectorAll('[aria-label="Unreviewed claims"] > li.card').length !== ${shown}`);
    }
    await card.getByRole('radio', { name: 'confirmed' }).check();
    await card.getByLabel('Rationale').fill('Bloomberg and a second outlet report it; the company did not deny.');
    await card.getByRole('button', { name: 'Give verdict' }).click();
    await page.getByText('Verdict “confirmed” recorded.').waitFor();
    await card.waitFor({ state: 'detached' });
    expect((await t.request('GET', `/claims/${claimId}`)).body.verdict).toBe('confirmed');
  });

  it('deals are found by title and party, and filtered by status', async () => {
    const page = await signedIn(t.keys.reader, 'reader');
    const titles = () => page.getByRole('list', { name: 'Deals' }).getByRole('heading').allTextContents();
    await page.getByLabel('Party').fill('instagram');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('2 deals shown.').waitFor();
    expect((await titles()).sort()).toEqual(['Facebook / Instagram', 'Twitter / Instagram']);
    await page.getByLabel('Status').selectOption('completed');
    await page.getByLabel('Party').press('Enter');
    await page.getByText('1 deal shown.').waitFor();
    expect(await titles()).toEqual(['Facebook / Instagram']);
    await page.getByLabel('Party').fill('');
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Title contains').fill('widget');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('list', { name: 'Deals' }).getByRole('heading', { name: 'Acme / Widget' }).waitFor();
    await page.getByText('1 deal shown.').waitFor();
    expect(await titles()).toEqual(['Acme / Widget']);
  });

  it('a fact-checker retracts a claim from the queue, giving a reason', async () => {
    const page = await signedIn(t.keys.fact_checker, 'fact checker');
    await page.getByRole('link', { name: 'Fact-check queue' }).click();
    const card = page.getByRole('list', { name: 'Unreviewed claims' }).locator('li.card').first();
    const retracted = (await card.getAttribute('data-claim-id'))!;
    await card.waitFor();
    await card.getByLabel('Reason for retracting').fill('The outlet withdrew the story.');
    await card.getByRole('button', { name: 'Retract' }).click();
    await page.getByText('Claim retracted.').waitFor();
    await page.locator(`[data-claim-id="${retracted}"]`).waitFor({ state: 'detached' });
    expect((await t.request('GET', `/claims/${retracted}`)).body).toMatchObject({ verdict: 'retracted', retraction: { reason: 'The outlet withdrew the story.' } });
  });

  it('the deal page shows the new state; "known at" moved before the verdict shows the claim unreviewed', async () => {
    const page = await signedIn(t.keys.reader, 'reader');
    await expect(page.getByTestId('allowed').textContent()).resolves.toBe('With this key you can read deals, claims and their history.');
    await page.goto(`${t.url}/#/deals/${dealId}`);
    const state = page.getByTestId('deal-state');
    await expect(state.textContent()).resolves.toMatch(/offer made.*since 2024-Q2/);
    await expect(state.textContent()).resolves.toContain('about USD 2,500,000,000');
    await expect(page.getByTestId('claim-counts').textContent()).resolves.toContain('1 confirmed');
    const claim = page.locator(`[data-claim-id="${claimId}"]`);
    await expect(claim.locator('.badge').textContent()).resolves.toBe('confirmed');
    await expect(claim.textContent()).resolves.toContain('Bloomberg');
    await expect(claim.textContent()).resolves.toContain('relayed by The Verge');
    await expect(claim.textContent()).resolves.toContain('1 independent source');
    // a reader may read, not judge
    await expect(page.getByRole('button', { name: 'Give verdict' }).count()).resolves.toBe(0);

    // with the keyboard: one step back from now is the claim's recording, before the verdict
    await page.getByLabel('Replay what the newsroom knew').focus();
    await page.keyboard.press('ArrowLeft');
    await page.getByTestId('known-at-value').filter({ hasText: 'claim recorded' }).waitFor();
    await page.getByTestId('claim-counts').getByText('1 unreviewed').waitFor();
    await expect(claim.locator('.badge').textContent()).resolves.toBe('unreviewed');
    await page.locator('canvas[aria-label*="offer made from 2024-04"]').waitFor();
    await shoot(page, 'known-at-1280.png');
    await page.keyboard.press('Home');
    await page.getByTestId('claim-counts').getByText('0 in all').waitFor();
    await page.locator('canvas[aria-label*="no status yet"]').waitFor();
    await expect(claim.count()).resolves.toBe(0);
  });

  it('each claim opens its audit trail: who did what (by name), when, with the rationale and the sources added', async () => {
    const added = await t.request('POST', `/claims/${claimId}/sources`, {
      key: t.keys.editor,
      body: { source: { outlet: 'Les Echos', publishedAt: '2024-06-03' } },
    });
    expect(added.status).toBe(201);
    const page = await signedIn(t.keys.reader, 'reader');
    await page.goto(`${t.url}/#/deals/${dealId}`);
    await page.locator(`[data-claim-id="${claimId}"]`).getByRole('link', { name: 'Audit trail of this claim' }).click();
    const trail = page.getByRole('list', { name: 'Audit trail' });
    await trail.getByText('Verdict given').waitFor();
    const text = await trail.textContent();
    // each actor by its key's name, with the key's id
    expect(text).toMatch(/Recorded.*by test editor\+fact_checker \(key [0-9a-f-]{36}\).*Verdict given.*by test fact_checker \(key [0-9a-f-]{36}\)/s);
    expect(text).toContain('Bloomberg and a second outlet report it');
    expect(text).toMatch(/Source added.*by test editor.*Les Echos/s);
  });

  it('an open deal page refreshes from the live feed when a claim is recorded elsewhere', async () => {
    const page = await signedIn(t.keys.reader, 'reader');
    await page.goto(`${t.url}/#/deals/${dealId}`);
    await page.getByTestId('claim-counts').getByText('1 in all').waitFor();
    await page.waitForTimeout(500);
    const recorded = await t.request('POST', `/deals/${dealId}/claims`, {
      key: t.keys.editor,
      body: { kind: 'talks_ended', statement: 'The talks ended.', occurredAt: '2024-07', sources: [{ outlet: 'Reuters', publishedAt: '2024-07-30' }] },
    });
    expect(recorded.status).toBe(201);
    await page.getByTestId('claim-counts').getByText('2 in all').waitFor();
    await expect(page.getByTestId('deal-state').textContent()).resolves.toContain('talks ended');
  });

  it('every page has no serious or critical accessibility violation, at phone and desk widths (screenshots kept)', async () => {
    const editor = await signedIn(editorKey, 'editor');
    editor.setDefaultTimeout(15_000);
    const instagram = (await t.request('GET', '/deals?q=Instagram&party=Twitter')).body.items[0].id as string;
    const pages = [
      { name: 'deals', hash: '#/', ready: 'li.card' },
      { name: 'deal', hash: `#/deals/${instagram}`, ready: 'canvas' },
      { name: 'queue', hash: '#/queue', ready: '[aria-label="Unreviewed claims"] li.card' },
      { name: 'claim', hash: `#/claims/${claimId}`, ready: 'ol.history li' },
      { name: 'new', hash: `#/new?deal=${dealId}`, ready: '#record-claim-heading' },
    ];
    const failures: string[] = [];
    for (const size of WIDTHS) {
      await editor.setViewportSize({ width: size.width, height: size.height });
      for (const target of pages) {
        await editor.goto(`${t.url}/${target.hash}`);
        await editor.locator(target.ready).first().waitFor();
        await editor.waitForTimeout(200);
        const width = await editor.evaluate<number>('document.documentElement.scrollWidth');
        if (width > size.width) failures.push(`${target.name} at ${size.width} px scrolls sideways (${width} px)`);
        for (const v of await seriousViolations(editor)) failures.push(`${target.name} at ${size.width} px: ${v.impact} ${v.id} (${v.help}) on ${v.nodes.join(', ')}`);
        await shoot(editor, `${target.name}-${size.width}.png`);
      }
      // the sign-in page, in a fresh tab
      const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, bypassCSP: true });
      contexts.push(context);
      const signIn = await context.newPage();
      await signIn.goto(t.url);
      await signIn.getByLabel('API key').waitFor();
      for (const v of await seriousViolations(signIn)) failures.push(`sign-in at ${size.width} px: ${v.impact} ${v.id} (${v.help}) on ${v.nodes.join(', ')}`);
      await shoot(signIn, `sign-in-${size.width}.png`);
    }
    expect(failures).toEqual([]);
  });

  it('no page threw an error along the way', () => {
    expect(pageErrors).toEqual([]);
  });
});
