import { redactPersonalData } from './personal-data-redactor';

describe('redactPersonalData', () => {
  it('masks personal fields at any depth and in any key spelling', () => {
    const record = {
      msg: 'registered',
      beneficiary: {
        full_name: 'Nguyễn Thị Đào',
        cccd: '042148001234',
        contact: { phoneNumber: '0912345678', EMAIL: 'dao.nguyen@example.vn' },
        accounts: [{ accountNumber: '0071000123456', bankBin: '970436' }],
      },
      headers: { authorization: 'Bearer abc.def.ghi' },
    };
    const out = JSON.stringify(redactPersonalData(record));
    for (const secret of ['Nguyễn', 'Đào', '042148001234', '0912345678', 'dao.nguyen', '0071000123456', 'abc.def']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('*********234');
    expect(out).toContain('N*** T*** Đ***');
    expect(out).toContain('970436'); // a bank BIN is not personal data
  });

  it('masks long digit runs inside free text and error messages', () => {
    const out = redactPersonalData({ err: new Error('duplicate key (cccd)=(042148001234)'), note: 'gọi 0912345678' }) as Record<string, { message: string } | string>;
    expect(JSON.stringify(out)).not.toMatch(/042148001234|0912345678/);
    expect((out.err as { message: string }).message).toContain('*********234');
  });

  it('survives cycles and leaves non-personal data alone', () => {
    const cyclic: Record<string, unknown> = { amount: '500000', status: 'active' };
    cyclic.self = cyclic;
    expect(redactPersonalData(cyclic)).toEqual({ amount: '500000', status: 'active', self: '[truncated]' });
  });
});
