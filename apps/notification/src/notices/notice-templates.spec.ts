import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NoticeTemplates } from './notice-templates';

const SOURCE = path.join(__dirname, 'templates');

const copies: string[] = [];
afterAll(() => {
  for (const directory of copies) rmSync(directory, { recursive: true, force: true });
});

/** A copy of the real templates with one file changed, to see how the loader takes it. */
function templatesWith(file: string, content: string): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'ansinh-templates-'));
  copies.push(directory);
  for (const name of readdirSync(SOURCE)) writeFileSync(path.join(directory, name), readFileSync(path.join(SOURCE, name)));
  writeFileSync(path.join(directory, file), content);
  return directory;
}

describe('notice templates on disk', () => {
  it('refuses to start when a template uses a variable its notice does not have', () => {
    const directory = templatesWith('payout-held.txt', 'Tiêu đề: x\n---\n{{payment}}, {{amount}}, {{accountNumber}}\n');
    expect(() => new NoticeTemplates(directory)).toThrow(/payout-held\.txt: unknown \{\{accountNumber\}\}/);
  });

  it('refuses to start when a template forgets a value the notice exists to give', () => {
    const directory = templatesWith('payout-held.txt', 'Tiêu đề: x\n---\n{{payment}} đang được tạm giữ.\n');
    expect(() => new NoticeTemplates(directory)).toThrow(/never uses \{\{amount\}\}/);
  });

  it('refuses a file without its subject line, and a template no notice uses', () => {
    expect(() => new NoticeTemplates(templatesWith('payout-held.txt', '{{payment}} {{amount}}\n'))).toThrow(/must start with "Tiêu đề: …"/);
    expect(() => new NoticeTemplates(templatesWith('payout-lost.txt', 'Tiêu đề: x\n---\ny\n'))).toThrow(/templates without a notice: payout-lost\.txt/);
  });

  it('keeps Vietnamese in NFC even when the file was saved decomposed', () => {
    const decomposed = readFileSync(path.join(SOURCE, 'payout-held.txt'), 'utf8').normalize('NFD');
    const templates = new NoticeTemplates(templatesWith('payout-held.txt', decomposed));
    const { text } = templates.render('payout-held', { payment: 'Tiền trợ cấp tháng 11/2026', amount: '500.000 ₫' }, 'sms');
    expect(text).toBe(text.normalize('NFC'));
    expect(text).toContain('đang được tạm giữ để cán bộ xem xét');
  });
});
