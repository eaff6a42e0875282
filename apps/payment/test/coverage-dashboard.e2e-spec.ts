import { parseConfig } from '@app/platform';
import type { INestApplication } from '@nestjs/common';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { freePort } from '../../../test/support/free-port';
import { startTestApp } from '../../../test/support/test-app';
import { PRINCIPALS, TEST_ENV, tokenFor } from '../../../test/support/test-environment';
import { PaymentAppModule } from '../src/app.module';
import { paymentConfigSchema } from '../src/config/payment.config';
import { insertScenario, type Outcome, type PersonSpec } from './coverage-fixtures';

jest.setTimeout(180_000);

const PERIOD = '2020-11';
const ARTIFACTS = path.resolve(__dirname, '../../../test-artifacts/coverage-dashboard');
// Debian's Chromium (scripts/test.sh installs it); playwright-core never downloads a browser
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** n people of one commune paid the same way: a dataset whose percentages are known by heart. */
function people(n: number, communeCode: string, provinceCode: string, outcome: Outcome, extra: Partial<PersonSpec> = {}): PersonSpec[] {
  return Array.from({ length: n }, (_, index) => ({
    name: ['Nguyễn Thị Đào', 'Trần Văn Hùng', 'Lê Thị Hoa', 'Phan Đình Sơn'][index % 4],
    provinceCode, communeCode, legacyDistrictCode: null, programmeCode: 'TC_XH', preference: 'account',
    account: outcome === 'cash' ? 'none' : 'verified',
    payments: [{ kind: 'monthly', amountDong: 500_000n, outcome }],
    ...extra,
  }));
}

describe('coverage dashboard in a real browser', () => {
  let app: INestApplication;
  let context: BrowserContext;
  let page: Page;
  let baseUrl: string;
  let profile: string;

  beforeAll(async () => {
    app = await startTestApp(PaymentAppModule.forRoot(parseConfig(paymentConfigSchema, { ...TEST_ENV })));
    const port = await freePort();
    await app.listen(port, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${port}`;
    const db = app.get(DataSource);
    // Thành Sen 6 of 10 (60 %), Trần Phú 1 of 4 (25 %): Hà Tĩnh 7 of 14 = 50 %; Ba Đình 3 of 4: nation 10 of 18 = 55.56 %
    await insertScenario(db, 'dashboard', PERIOD, [
      ...people(6, '18073', '42', 'bank'),
      ...people(4, '18073', '42', 'cash'),
      ...people(1, '18100', '42', 'bank'),
      ...people(1, '18100', '42', 'fallback'),
      ...people(2, '18100', '42', 'cash', { preference: 'cash' }),
      ...people(3, '00004', '01', 'ewallet'),
      ...people(1, '00004', '01', 'cash'),
    ]);
    await db.query(`SELECT payment.refresh_coverage($1)`, [PERIOD]);
    mkdirSync(ARTIFACTS, { recursive: true });
    profile = mkdtempSync(path.join(tmpdir(), 'ansinh-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: [...FLAGS, '--headless'], locale: 'vi-VN', viewport: { width: 1280, height: 1000 } });
    page = context.pages()[0] ?? (await context.newPage());
  });

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await app?.close();
  });

  /** Waits until the element shows the text (the page draws after its API calls answer). */
  const shows = async (testId: string, text: string) => {
    const element = page.getByTestId(testId).first();
    try {
      await page.getByTestId(testId).filter({ hasText: text }).first().waitFor({ timeout: 20_000 });
    } catch {
      throw new Error(`${testId} shows "${await element.textContent().catch(() => null)}", expected "${text}"`);
    }
  };
  const barValue = (code: string, value: string) => page.locator(`[data-testid="bar-${code}"][data-value="${value}"]`).waitFor({ timeout: 20_000 });
  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  it('asks for a token, then shows the nation by province with the right figures', async () => {
    await page.goto(`${baseUrl}/bao-cao?ky=${PERIOD}`);
    await page.locator('#token').fill(tokenFor(PRINCIPALS.nationalAuditor));
    await shot('1-dang-nhap');
    await page.getByRole('button', { name: 'Xem báo cáo' }).click();

    await shows('kpi-count', '55,56 %');
    await shows('kpi-amount', '55,56 %');
    expect(await page.locator('#kpi-count-detail').textContent()).toBe('10 / 18 người đã chi trả qua tài khoản');
    await barValue('01', '75');
    await barValue('42', '50');
    expect(await page.getByTestId(`trend-coverageByCount-${PERIOD}`).count()).toBe(1);
    await shot('2-toan-quoc');
  });

  it('drills down from province to commune to the people not yet paid through an account', async () => {
    await page.getByTestId('bar-42').click();
    await page.locator('#breadcrumb', { hasText: 'Tỉnh Hà Tĩnh' }).waitFor();
    await shows('kpi-count', '50,00 %');
    await barValue('18073', '60');
    await barValue('18100', '25');
    await shows('bar-reason-NO_ACCOUNT', '4 người');
    await shot('3-ha-tinh');

    await page.getByTestId('bar-18100').click();
    await page.locator('#breadcrumb', { hasText: 'Phường Trần Phú' }).waitFor();
    await shows('kpi-count', '25,00 %');
    const rows = page.getByTestId('person');
    await rows.nth(2).waitFor();
    expect(await rows.count()).toBe(3);
    const reasons = (await rows.allTextContents()).map((text) => (text.includes('Ngân hàng từ chối') ? 'fallback' : text.includes('Tự chọn nhận tiền mặt') ? 'chose' : text)).sort();
    expect(reasons).toEqual(['chose', 'chose', 'fallback']);
    // masked: 9 stars and the last three digits, family name and initials
    expect(await rows.first().locator('td').first().textContent()).toMatch(/^\*{9}\d{3}$/);
    expect(await rows.first().locator('td').nth(1).textContent()).toMatch(/^[^\s]+( [^\s]\.)+$/);
    await shot('4-phuong-tran-phu');

    // back up through the breadcrumb
    await page.locator('#breadcrumb a', { hasText: 'Toàn quốc' }).click();
    await page.getByTestId('bar-01').waitFor();
    await shows('kpi-count', '55,56 %');
  });

  it('keeps a province officer in the province and a bad token out', async () => {
    await page.getByRole('button', { name: 'Đổi mã truy cập' }).click();
    await page.locator('#token').fill(tokenFor(PRINCIPALS.haTinhOfficer));
    await page.getByRole('button', { name: 'Xem báo cáo' }).click();
    await page.getByTestId('bar-18073').waitFor();
    await shows('kpi-count', '50,00 %');
    expect(await page.locator('#breadcrumb a', { hasText: 'Toàn quốc' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Đổi mã truy cập' }).click();
    await page.locator('#token').fill('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4Iiwicm9sZSI6ImF1ZGl0b3IifQ.Zm9yZ2Vk');
    await page.getByRole('button', { name: 'Xem báo cáo' }).click();
    await page.locator('#sign-in-message', { hasText: 'Mã truy cập không hợp lệ hoặc đã hết hạn.' }).waitFor();
    expect(await page.locator('#sign-in').isVisible()).toBe(true);
    await shot('5-ma-khong-hop-le');
  });
});
