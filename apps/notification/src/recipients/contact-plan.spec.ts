import { contactPlan } from './contact-plan';

describe('contactPlan', () => {
  it('sends by SMS when only the registry phone is known', () => {
    expect(contactPlan({ phone: '0912345678', preference: null })).toEqual([{ channel: 'sms', address: '0912345678' }]);
  });

  it('has nowhere to send without phone or preference', () => {
    expect(contactPlan({ phone: null, preference: null })).toEqual([]);
  });

  it('follows the preferred order and keeps SMS as the last resort', () => {
    const plan = contactPlan({ phone: '0912345678', preference: { channels: ['zalo', 'email'], email: 'dao@example.vn', zaloUserId: '5833212345678901234' } });
    expect(plan.map((planned) => planned.channel)).toEqual(['zalo', 'email', 'sms']);
  });

  it('puts SMS where the preference puts it, once', () => {
    const plan = contactPlan({ phone: '0912345678', preference: { channels: ['sms', 'email'], email: 'dao@example.vn', zaloUserId: null } });
    expect(plan).toEqual([
      { channel: 'sms', address: '0912345678' },
      { channel: 'email', address: 'dao@example.vn' },
    ]);
  });

  it('skips a preferred channel whose address is missing', () => {
    const plan = contactPlan({ phone: null, preference: { channels: ['sms', 'email'], email: 'dao@example.vn', zaloUserId: null } });
    expect(plan).toEqual([{ channel: 'email', address: 'dao@example.vn' }]);
  });
});
