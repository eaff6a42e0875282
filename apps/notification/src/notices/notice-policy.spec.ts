import { accountChangedV1, payoutFailedV1, payoutSentV1, type EventDefinition, type PayloadOf } from '@app/contracts';
import fc from 'fast-check';
import { NOTICE_CHANNELS } from '../recipients/contact-plan';
import { assertVocabulary, noticeRuleFor, type NoticeDraft } from './notice-policy';
import { NoticeTemplates, TEMPLATE_VARIABLES, type TemplateName } from './notice-templates';

const templates = new NoticeTemplates();
const NBSP = '\u00a0';

const payout = {
  entitlementId: '0192f3a0-0000-7000-8000-000000000001',
  beneficiaryId: '0192f3a0-0000-7000-8000-0000000000b1',
  cycleId: null,
  programmeCode: 'TC_XH',
  period: '2026-11',
  kind: 'monthly' as const,
  amountDong: '750000',
  provinceCode: '42',
  communeCode: '18073',
  instructionId: '0192f3a0-0000-7000-8000-0000000000c1',
  attemptNumber: 1,
  channel: 'bank' as const,
  institutionCode: '970436',
  accountNumberMasked: '****3456',
};

function decide<TDefinition extends EventDefinition>(definition: TDefinition, payload: PayloadOf<TDefinition>): NoticeDraft | null {
  return noticeRuleFor(definition).decide(definition.payload.parse(payload), templates);
}

function text(draft: NoticeDraft | null, channel: 'sms' | 'email' = 'sms') {
  if (!draft) throw new Error('expected a notice');
  return templates.render(draft.template, draft.variables as never, channel);
}

describe('notice texts', () => {
  it('has every fragment the rules can ask for', () => {
    expect(() => assertVocabulary(templates)).not.toThrow();
  });

  it('tells where the money went, with the amount in đồng and the account masked', () => {
    const draft = decide(payoutSentV1, { ...payout, cashCollection: null, sentAt: '2026-11-05T02:00:00Z' });
    expect(text(draft).text).toBe(`Tiền trợ cấp tháng 11/2026, số tiền 750.000${NBSP}₫, đã được chuyển vào tài khoản Vietcombank ****3456.`);
  });

  it('tells where and until when to collect cash', () => {
    const draft = decide(payoutSentV1, {
      ...payout,
      channel: 'cash',
      institutionCode: 'VNPOST',
      accountNumberMasked: null,
      cashCollection: { place: 'Bưu điện xã Thạch Hà', availableFrom: '2026-11-05', availableUntil: '2026-12-05' },
      sentAt: '2026-11-05T02:00:00Z',
    });
    expect(text(draft).text).toBe(
      `Tiền trợ cấp tháng 11/2026, số tiền 750.000${NBSP}₫, được chi trả bằng tiền mặt tại Bưu điện xã Thạch Hà từ ngày 05/11/2026 đến hết ngày 05/12/2026. Khi đến nhận, ông/bà mang theo thẻ căn cước.`,
    );
  });

  it('says what failed and what happens next, in the beneficiary\'s words', () => {
    const failed = { ...payout, reasonCode: 'AC04' as const, failedAt: '2026-11-06T02:00:00Z' };
    expect(text(decide(payoutFailedV1, { ...failed, nextAction: 'cash' })).text).toBe(
      `Tiền trợ cấp tháng 11/2026, số tiền 750.000${NBSP}₫, chưa chuyển được vào tài khoản Vietcombank ****3456 (tài khoản đã đóng). Tiền sẽ được chi trả bằng tiền mặt tại bưu điện; ông/bà sẽ nhận thông báo về địa điểm và thời gian nhận.`,
    );
    expect(text(decide(payoutFailedV1, { ...failed, reasonCode: 'TIMEOUT', nextAction: 'next_channel' })).text).toBe(
      `Tiền trợ cấp tháng 11/2026, số tiền 750.000${NBSP}₫, chưa chuyển được vào tài khoản Vietcombank ****3456 (tổ chức chi trả không phản hồi kịp thời). Tiền sẽ được chuyển vào tài khoản khác đã đăng ký của ông/bà.`,
    );
  });

  it('stays silent on a technical retry and on a failure the hold notice covers', () => {
    const failed = { ...payout, reasonCode: 'TECH' as const, failedAt: '2026-11-06T02:00:00Z' };
    expect(decide(payoutFailedV1, { ...failed, nextAction: 'retry' })).toBeNull();
    expect(decide(payoutFailedV1, { ...failed, reasonCode: 'MD07', nextAction: 'held_for_review' })).toBeNull();
  });

  it('warns the holder of the previous account when the account changes, dated in Vietnam time', () => {
    const draft = decide(accountChangedV1, {
      accountId: '0192f3a0-0000-7000-8000-0000000000d2',
      beneficiaryId: payout.beneficiaryId,
      channel: 'ewallet',
      bankBin: null,
      providerCode: 'MOMO',
      accountNumberMasked: '****5678',
      priority: 1,
      status: 'pending_verification',
      previous: { accountId: '0192f3a0-0000-7000-8000-0000000000d1', channel: 'bank', bankBin: '970405', providerCode: null, accountNumberMasked: '****1234' },
      payableFrom: '2026-11-30T18:00:00Z',
      changedBy: 'can.bo.ha.tinh',
      changedAt: '2026-11-27T18:00:00Z',
      approvedBy: null,
      approvedAt: null,
    });
    expect(text(draft, 'email')).toEqual({
      subject: 'Tài khoản nhận tiền trợ cấp đã được thay đổi',
      text:
        'Tài khoản nhận tiền trợ cấp của ông/bà đã được đổi từ Agribank ****1234 sang ví MoMo ****5678, áp dụng từ ngày 01/12/2026. ' +
        'Nếu ông/bà không đề nghị thay đổi này, hãy báo ngay cho UBND xã trước ngày 01/12/2026.\n\n--\n' +
        'Thư này được gửi tự động từ hệ thống chi trả an sinh xã hội AnSinh, vui lòng không trả lời. Mọi thắc mắc xin liên hệ UBND xã nơi ông/bà cư trú.',
    });
  });

  it('renders every template on every channel with nothing left unfilled', () => {
    for (const [name, variables] of Object.entries(TEMPLATE_VARIABLES) as Array<[TemplateName, readonly string[]]>) {
      const values = Object.fromEntries(variables.map((variable) => [variable, `«${variable}»`]));
      for (const channel of NOTICE_CHANNELS) {
        const rendered = templates.render(name, values as never, channel);
        expect(rendered.text).not.toMatch(/\{\{|\}\}/);
        expect(rendered.text).toBe(rendered.text.normalize('NFC'));
        expect(rendered.subject === null).toBe(channel !== 'email');
      }
    }
  });

  it('never puts a full account number or a phone number in a notice, whatever the amount', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.stringMatching(/^\d{4}$/),
        fc.constantFrom('monthly', 'arrears', 'funeral'),
        fc.constantFrom(...payoutFailedV1.payload.shape.reasonCode.options),
        (amount, last4, kind, reasonCode) => {
          const event = { ...payout, kind: kind as 'monthly', amountDong: amount.toString(), accountNumberMasked: `****${last4}` };
          const sent = text(decide(payoutSentV1, { ...event, cashCollection: null, sentAt: '2026-11-05T02:00:00Z' })).text;
          const failed = text(decide(payoutFailedV1, { ...event, reasonCode, nextAction: 'cash', failedAt: '2026-11-06T02:00:00Z' })).text;
          for (const notice of [sent, failed]) {
            expect(notice).not.toMatch(/\d{5,}/);
            expect(notice).toContain(`****${last4}`);
            expect(notice).toContain(`${new Intl.NumberFormat('vi-VN').format(amount)}${NBSP}₫`);
          }
        },
      ),
    );
  });
});
