import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appBase as base, browserSuite, chromiumAvailable, signInThroughDialog, type OpenOptions } from '../support/browser.ts';
import { Client, expectBody } from '../support/client.ts';

/**
 * "Who is notified", on the flood desk: disaster staff see the escalation chains and the
 * contacts, add a contact and put it in a zone's chain. Other suites share the server, so the
 * contacts made here carry a unique name, and zone 2's chain is only checked for its first step.
 * Each test makes what it needs itself.
 */

const DESK = { viewport: { width: 1440, height: 900 } };
const unique = (what: string) => `ทดสอบผู้รับแจ้ง ${what} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** The desk, opened by disaster staff, with the contacts panel open. */
async function openContacts(open: (url: string, options?: OpenOptions) => Promise<{ page: Page; problems: string[] }>) {
  const opened = await open(`${base()}/flood`, { ...DESK, as: 'disaster' });
  const button = opened.page.getByTestId('flood-contacts-open');
  await button.waitFor({ timeout: 10_000 });
  await button.click();
  const panel = opened.page.getByTestId('flood-contacts');
  await panel.waitFor({ timeout: 10_000 });
  return { ...opened, panel };
}

describe.runIf(chromiumAvailable)('who is notified of flood alerts (/flood), in Chromium', () => {
  const browser = browserSuite();

  it('offers the panel to disaster staff only', async () => {
    const { page } = await browser.open(`${base()}/flood`, DESK);
    await page.getByTestId('flood-wall').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('flood-contacts-open').count()).toBe(0);

    // An executive sees the wall with names, but not who is notified.
    await signInThroughDialog(page, 'executive');
    await page.getByTestId('flood-wall').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId('user-role').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('flood-contacts-open').count()).toBe(0);
    expect(await page.getByTestId('flood-contacts').count()).toBe(0);
  });

  it('shows the city chain and lets disaster staff put a new contact first in zone 2', async () => {
    const { panel, problems } = await openContacts(browser.open);
    const name = unique('zone 2');

    // The seed's city chain: the duty officer, the section head, the radio room.
    const admin = await Client.signIn(base(), 'admin');
    const before = await expectBody(admin.api.flood.contacts.$get());
    const city = before.chains.find((c) => c.zone_id === null)!;
    const cityCard = panel.locator('[data-testid="chain"][data-zone="city"]');
    await expect.poll(() => cityCard.getByTestId('chain-step').count(), { timeout: 10_000 }).toBe(city.steps.length);
    expect(city.steps.length).toBeGreaterThanOrEqual(3);
    const cityText = await cityCard.innerText();
    for (const step of city.steps) expect(cityText).toContain(step.contact_name);
    expect(cityText).toMatch(/รับทราบภายใน \d+ นาที/);

    // A webhook contact with quiet hours.
    const form = panel.getByTestId('contact-form');
    await form.getByTestId('contact-name').fill(name);
    await form.getByTestId('contact-position').fill('ห้องวิทยุ (ทดสอบ)');
    await form.getByTestId('contact-channel').selectOption('webhook');
    await form.getByTestId('contact-address').fill('https://radio-room.example.org/contacts-test');
    await form.getByTestId('contact-quiet_from').fill('22:00');
    await form.getByTestId('contact-quiet_to').fill('06:00');
    await form.getByTestId('contact-add').click();
    const row = panel.getByTestId('contact-row').filter({ hasText: name });
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getByTestId('contact-quiet').innerText()).toContain('เงียบ 22:00–06:00 · ยกเว้นระดับแดง');
    const id = Number(await row.getAttribute('data-contact-id'));
    expect(id).toBeGreaterThan(0);

    // First in zone 2's chain, 5 minutes to acknowledge.
    await panel.getByTestId('chain-edit-2').click();
    const editor = panel.getByTestId('chain-editor');
    await editor.waitFor({ timeout: 5_000 });
    expect(await editor.getAttribute('data-zone')).toBe('2');
    await editor.getByTestId('step-add').click();
    const steps = editor.getByTestId('chain-editor-step');
    const last = steps.last();
    await last.getByTestId('step-contact').selectOption(String(id));
    await last.getByTestId('step-minutes').fill('5');
    for (let i = (await steps.count()) - 1; i > 0; i--) await steps.nth(i).getByTestId('step-up').click();
    expect(await steps.first().getByTestId('step-contact').inputValue()).toBe(String(id));
    expect(await steps.first().getByTestId('step-up').isDisabled()).toBe(true);
    await editor.getByTestId('chain-save').click();
    await editor.waitFor({ state: 'detached', timeout: 10_000 });

    const after = await expectBody(admin.api.flood.contacts.$get());
    const zone2 = after.chains.find((c) => c.zone_id === 2)!;
    expect(zone2.steps[0]).toMatchObject({ contact_id: id, ack_within_s: 300 });
    const zone2Card = panel.locator('[data-testid="chain"][data-zone="2"]');
    expect(await zone2Card.getByTestId('chain-step').first().innerText()).toContain(name);
    expect(await zone2Card.getByTestId('chain-step').first().innerText()).toContain('5 นาที');
    expect(after.contacts.find((c) => c.id === id)).toMatchObject({ channel: 'webhook', quiet_from: '22:00', quiet_to: '06:00', active: true });
    expect(problems).toEqual([]);
  }, 90_000);

  it('shows a refused LINE id next to the address field', async () => {
    const { panel, problems } = await openContacts(browser.open);
    const name = unique('LINE');
    const form = panel.getByTestId('contact-form');
    await form.getByTestId('contact-name').fill(name);
    await form.getByTestId('contact-position').fill('เจ้าหน้าที่ (ทดสอบ)');
    await form.getByTestId('contact-channel').selectOption('line');
    await form.getByTestId('contact-address').fill('U1234');
    await form.getByTestId('contact-add').click();
    const error = form.getByTestId('contact-error-address');
    await error.waitFor({ timeout: 10_000 });
    expect(await error.innerText()).toContain('LINE ID');
    // Next to the address input, in the same field.
    expect(await error.evaluate((e) => e.parentElement?.querySelector('[data-testid="contact-address"]') !== null)).toBe(true);
    expect(await form.getByTestId('contact-address').getAttribute('aria-invalid')).toBe('true');
    expect(await panel.getByTestId('contact-row').filter({ hasText: name }).count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('edits quiet hours and the active flag in place', async () => {
    // A contact of this test's own, made through the API.
    const name = unique('quiet hours');
    const admin = await Client.signIn(base(), 'admin');
    const made = await expectBody(
      admin.api.flood.contacts.$post({
        json: {
          name,
          position: 'ห้องวิทยุ (ทดสอบ)',
          channel: 'webhook',
          address: 'https://radio-room.example.org/contacts-test',
          quiet_from: '22:00',
          quiet_to: '06:00',
        },
      }),
      201,
    );
    const id = made.id;

    const { panel, problems } = await openContacts(browser.open);
    const row = panel.locator(`[data-testid="contact-row"][data-contact-id="${id}"]`);
    await row.waitFor({ timeout: 10_000 });
    await row.getByTestId('contact-edit').click();
    const edit = panel.locator(`[data-testid="contact-edit-row"][data-contact-id="${id}"]`);
    await edit.getByTestId('edit-quiet-from').fill('23:30');
    await edit.getByTestId('edit-quiet-to').fill('05:00');
    await edit.getByTestId('contact-save').click();
    await expect
      .poll(
        () =>
          row
            .getByTestId('contact-quiet')
            .innerText()
            .catch(() => ''),
        { timeout: 10_000 },
      )
      .toContain('23:30–05:00');
    expect(await row.getByTestId('contact-active').innerText()).toBe('ใช้งาน');
    expect(problems).toEqual([]);
  });
});
