import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { BankFileError } from './bank-file.errors';
import { compactUuid } from './iso20022-values';
import { buildPain001, PAIN001_NAMESPACE, type Pain001Batch, type Pain001Instruction } from './pain001.builder';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, isArray: (name) => name === 'CdtTrfTxInf' });

function batchOf(instructions: Pain001Instruction[], overrides: Partial<Pain001Batch> = {}): Pain001Batch {
  return {
    messageId: 'ANSINH-42-202611-0001',
    createdAt: new Date('2026-11-23T01:30:00.000Z'),
    initiatingParty: 'Sở Lao động - Thương binh và Xã hội Hà Tĩnh',
    debtor: { name: 'Sở LĐ-TB&XH Hà Tĩnh', accountNumber: '3761000000001', agentBin: '970405' },
    paymentInformationId: 'PMT-42-202611-0001',
    requestedExecutionDate: '2026-11-23',
    instructions,
    ...overrides,
  };
}

const DAO: Pain001Instruction = {
  instructionId: '0193a7c1-2b3c-7d4e-8f90-a1b2c3d4e5f6',
  endToEndId: '7d1f1c7e-1111-4a4a-8b8b-123456789abc',
  amountDong: 500_000n,
  creditorName: 'Nguyễn Thị Đào',
  creditorAccount: '0071000123456',
  creditorAgentCode: '970436',
  remittanceInformation: 'AnSinh TC_XH 2026-11 tro cap hang thang',
};
const HUNG_MOMO: Pain001Instruction = {
  ...DAO,
  instructionId: '0193a7c1-2b3c-7d4e-8f90-a1b2c3d4e5f7',
  endToEndId: '7d1f1c7e-2222-4a4a-8b8b-123456789abc',
  amountDong: 750_000n,
  creditorName: 'Trần Văn Hùng',
  creditorAccount: '0912345678',
  creditorAgentCode: 'MOMO',
};
const LAN_CASH: Pain001Instruction = {
  ...DAO,
  instructionId: '0193a7c1-2b3c-7d4e-8f90-a1b2c3d4e5f8',
  endToEndId: '7d1f1c7e-3333-4a4a-8b8b-123456789abc',
  amountDong: 1_000_000n,
  creditorName: 'Lê Thị Lan',
  creditorAccount: null,
  creditorAgentCode: 'VNPOST',
};

type Parsed = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function parse(xml: string): Parsed {
  return (parser.parse(xml) as Parsed).Document;
}

const instructionArbitrary = fc.record({
  instructionId: fc.uuid(),
  endToEndId: fc.uuid(),
  amountDong: fc.bigInt({ min: 1n, max: 10n ** 13n }),
  creditorName: fc.constantFrom('Nguyễn Thị Đào', 'Trần Văn Hùng', 'Lê Thị Hoa', 'Phạm Đức Anh', 'Hoàng Thị Mỹ Lệ'),
  creditorAccount: fc.option(fc.stringMatching(/^\d{6,19}$/), { nil: null }),
  creditorAgentCode: fc.constantFrom('970436', '970405', '970418', '999888', 'MOMO', 'ZALOPAY', 'VNPOST'),
  remittanceInformation: fc.constantFrom('AnSinh TC_XH 2026-11 tro cap hang thang', 'Truy lĩnh <tháng 7> & 8', 'Hỗ trợ mai táng'),
});
const uniqueInstructions = fc.uniqueArray(instructionArbitrary, { minLength: 1, maxLength: 40, selector: (instruction) => instruction.instructionId });

describe('buildPain001', () => {
  it('writes a pain.001.001.09 file a Vietnamese bank can read: BIN agents, whole-đồng VND, ASCII names', () => {
    const xml = buildPain001(batchOf([DAO, HUNG_MOMO, LAN_CASH]));
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    const document = parse(xml);
    expect(document['@_xmlns']).toBe(PAIN001_NAMESPACE);
    const { GrpHdr, PmtInf } = document.CstmrCdtTrfInitn;
    expect(GrpHdr).toEqual({
      MsgId: 'ANSINH-42-202611-0001',
      CreDtTm: '2026-11-23T08:30:00+07:00',
      NbOfTxs: '3',
      CtrlSum: '2250000',
      InitgPty: { Nm: 'So Lao dong - Thuong binh va Xa hoi Ha Tinh' },
    });
    expect(PmtInf).toMatchObject({
      PmtInfId: 'PMT-42-202611-0001',
      PmtMtd: 'TRF',
      NbOfTxs: '3',
      CtrlSum: '2250000',
      ReqdExctnDt: { Dt: '2026-11-23' },
      Dbtr: { Nm: 'So LD-TB&XH Ha Tinh' },
      DbtrAcct: { Id: { Othr: { Id: '3761000000001' } } },
      DbtrAgt: { FinInstnId: { ClrSysMmbId: { MmbId: '970405' } } },
    });
    const [dao, hung, lan] = PmtInf.CdtTrfTxInf;
    expect(dao).toEqual({
      PmtId: { InstrId: '0193a7c12b3c7d4e8f90a1b2c3d4e5f6', EndToEndId: '7d1f1c7e11114a4a8b8b123456789abc' },
      Amt: { InstdAmt: { '#text': '500000', '@_Ccy': 'VND' } },
      CdtrAgt: { FinInstnId: { ClrSysMmbId: { MmbId: '970436' } } },
      Cdtr: { Nm: 'NGUYEN THI DAO' },
      CdtrAcct: { Id: { Othr: { Id: '0071000123456' } } },
      RmtInf: { Ustrd: 'AnSinh TC_XH 2026-11 tro cap hang thang' },
    });
    expect(hung.CdtrAgt).toEqual({ FinInstnId: { Othr: { Id: 'MOMO' } } });
    expect(lan.CdtrAgt).toEqual({ FinInstnId: { Othr: { Id: 'VNPOST' } } });
    expect(lan.CdtrAcct).toBeUndefined();
  });

  it('keeps the element order of the ISO schema (a validating bank rejects any other)', () => {
    const xml = buildPain001(batchOf([DAO]));
    const order = (tags: string[], within: string) => tags.map((tag) => within.indexOf(`<${tag}>`) >= 0 ? within.indexOf(`<${tag}>`) : within.indexOf(`<${tag} `));
    const increasing = (positions: number[]) => positions.every((position, index) => position >= 0 && (index === 0 || position > positions[index - 1]));
    expect(increasing(order(['MsgId', 'CreDtTm', 'NbOfTxs', 'CtrlSum', 'InitgPty'], xml.slice(xml.indexOf('<GrpHdr>'), xml.indexOf('</GrpHdr>'))))).toBe(true);
    const payment = xml.slice(xml.indexOf('<PmtInf>'), xml.indexOf('<CdtTrfTxInf>'));
    expect(increasing(order(['PmtInfId', 'PmtMtd', 'NbOfTxs', 'CtrlSum', 'ReqdExctnDt', 'Dbtr', 'DbtrAcct', 'DbtrAgt'], payment))).toBe(true);
    const transaction = xml.slice(xml.indexOf('<CdtTrfTxInf>'), xml.indexOf('</CdtTrfTxInf>'));
    expect(increasing(order(['PmtId', 'InstrId', 'EndToEndId', 'Amt', 'CdtrAgt', 'Cdtr', 'CdtrAcct', 'RmtInf'], transaction))).toBe(true);
  });

  it('escapes markup in free text rather than breaking the file', () => {
    const xml = buildPain001(batchOf([{ ...DAO, remittanceInformation: 'Truy lĩnh <tháng 7> & 8' }]));
    expect(xml).toContain('<Ustrd>Truy linh &lt;thang 7&gt; &amp; 8</Ustrd>');
    expect(parse(xml).CstmrCdtTrfInitn.PmtInf.CdtTrfTxInf[0].RmtInf.Ustrd).toBe('Truy linh <thang 7> & 8');
  });

  it('has CtrlSum = Σ amounts and NbOfTxs = the number of instructions, for any batch', () => {
    fc.assert(
      fc.property(uniqueInstructions, (instructions) => {
        const { GrpHdr, PmtInf } = parse(buildPain001(batchOf(instructions))).CstmrCdtTrfInitn;
        const total = instructions.reduce((sum, instruction) => sum + instruction.amountDong, 0n);
        expect(GrpHdr.CtrlSum).toBe(total.toString());
        expect(PmtInf.CtrlSum).toBe(total.toString());
        expect(GrpHdr.NbOfTxs).toBe(String(instructions.length));
        expect(PmtInf.CdtTrfTxInf).toHaveLength(instructions.length);
        const written = (PmtInf.CdtTrfTxInf as Parsed[]).map((transaction) => [transaction.PmtId.InstrId, transaction.Amt.InstdAmt['#text']]);
        expect(written).toEqual(instructions.map((instruction) => [compactUuid(instruction.instructionId), instruction.amountDong.toString()]));
        expect(written.every(([, amount]) => /^[1-9]\d*$/.test(amount))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses a batch a bank would reject, naming every problem', () => {
    const attempt = () =>
      buildPain001(
        batchOf([DAO, { ...DAO, amountDong: 0n }, { ...HUNG_MOMO, creditorAccount: '12-34' }], {
          messageId: 'M'.repeat(36),
          requestedExecutionDate: '23/11/2026',
        }),
      );
    expect(attempt).toThrow(BankFileError);
    try {
      attempt();
    } catch (error) {
      const failure = error as BankFileError;
      expect(failure.code).toBe('PAYMENT.BANK_FILE_INVALID_BATCH');
      expect(failure.detail).toContain('messageId');
      expect(failure.detail).toContain('requestedExecutionDate');
      expect(failure.detail).toContain('instructions[1].instructionId appears twice');
      expect(failure.detail).toContain('instructions[1].amountDong');
      expect(failure.detail).toContain('instructions[2].creditorAccount');
    }
    expect(() => buildPain001(batchOf([]))).toThrow('Không lập được tệp lệnh chi');
    expect(() => buildPain001(batchOf([{ ...DAO, amountDong: 10n ** 18n }]))).toThrow(BankFileError);
  });
});
