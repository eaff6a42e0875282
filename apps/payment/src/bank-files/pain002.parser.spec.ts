import fc from 'fast-check';
// The bank stand-in's own pain.001 reader and pain.002 writer: the round trip goes through another
// party's implementation of the standard, not through a mirror of ours.
import { readPain001, writePain002, type FileTransactionStatus } from '../../../../stand-ins/bank/src/pain-files';
import { BankFileError } from './bank-file.errors';
import { buildPain001, type Pain001Instruction } from './pain001.builder';
import { parsePain002 } from './pain002.parser';

const REPORT = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10">
  <CstmrPmtStsRpt>
    <GrpHdr><MsgId>VCB-RPT-0001</MsgId><CreDtTm>2026-11-23T15:00:00+07:00</CreDtTm></GrpHdr>
    <OrgnlGrpInfAndSts>
      <OrgnlMsgId>ANSINH-42-202611-0001</OrgnlMsgId>
      <OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>
      <GrpSts>PART</GrpSts>
    </OrgnlGrpInfAndSts>
    <OrgnlPmtInfAndSts>
      <OrgnlPmtInfId>PMT-42-202611-0001</OrgnlPmtInfId>
      <TxInfAndSts>
        <OrgnlInstrId>0193a7c12b3c7d4e8f90a1b2c3d4e5f6</OrgnlInstrId>
        <OrgnlEndToEndId>7d1f1c7e11114a4a8b8b123456789abc</OrgnlEndToEndId>
        <TxSts>ACSC</TxSts>
        <AcctSvcrRef>FT26327000123</AcctSvcrRef>
        <OrgnlTxRef><Amt><InstdAmt Ccy="VND">500000</InstdAmt></Amt></OrgnlTxRef>
      </TxInfAndSts>
      <TxInfAndSts>
        <OrgnlInstrId>0193A7C12B3C7D4E8F90A1B2C3D4E5F7</OrgnlInstrId>
        <TxSts>RJCT</TxSts>
        <StsRsnInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>Tai khoan da dong</AddtlInf><AddtlInf>ngay 20/11/2026</AddtlInf></StsRsnInf>
        <OrgnlTxRef><Amt><InstdAmt Ccy="VND">750000.00</InstdAmt></Amt></OrgnlTxRef>
      </TxInfAndSts>
      <TxInfAndSts>
        <OrgnlInstrId>0193a7c12b3c7d4e8f90a1b2c3d4e5f8</OrgnlInstrId>
        <TxSts>PDNG</TxSts>
      </TxInfAndSts>
      <TxInfAndSts>
        <OrgnlInstrId>0193a7c12b3c7d4e8f90a1b2c3d4e5f9</OrgnlInstrId>
        <TxSts>RJCT</TxSts>
        <StsRsnInf><Rsn><Prtry>NOT_COLLECTED</Prtry></Rsn></StsRsnInf>
      </TxInfAndSts>
    </OrgnlPmtInfAndSts>
  </CstmrPmtStsRpt>
</Document>`;

function failure(xml: string): BankFileError {
  try {
    parsePain002(xml);
  } catch (error) {
    if (error instanceof BankFileError) return error;
    throw new Error(`expected a BankFileError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected parsePain002 to fail');
}

describe('parsePain002', () => {
  it('reads one status per instruction: ACSC settled, RJCT with its reason, PDNG accepted', () => {
    expect(parsePain002(REPORT)).toEqual({
      originalMessageId: 'ANSINH-42-202611-0001',
      groupStatus: 'PART',
      transactions: [
        {
          instructionId: '0193a7c1-2b3c-7d4e-8f90-a1b2c3d4e5f6',
          endToEndId: '7d1f1c7e-1111-4a4a-8b8b-123456789abc',
          status: 'settled',
          reasonCode: null,
          reasonText: null,
          amountDong: 500_000n,
          bankReference: 'FT26327000123',
        },
        {
          instructionId: '0193a7c1-2b3c-7d4e-8f90-a1b2c3d4e5f7',
          endToEndId: null,
          status: 'rejected',
          reasonCode: 'AC04',
          reasonText: 'Tai khoan da dong ngay 20/11/2026',
          amountDong: 750_000n,
          bankReference: null,
        },
        expect.objectContaining({ instructionId: '0193a7c1-2b3c-7d4e-8f90-a1b2c3d4e5f8', status: 'accepted', amountDong: null }),
        expect.objectContaining({ status: 'rejected', reasonCode: 'NOT_COLLECTED', reasonText: null }),
      ],
    });
  });

  it('reads prefixed namespaces and other pain.002 versions alike', () => {
    const prefixed = REPORT.replace('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10">', '<p:Document xmlns:p="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">')
      .replace('</Document>', '</p:Document>');
    expect(parsePain002(prefixed).transactions.map((transaction) => transaction.status)).toEqual(['settled', 'rejected', 'accepted', 'rejected']);
  });

  it('gives a transaction without TxSts the status of its group', () => {
    const xml = REPORT.replace('<GrpSts>PART</GrpSts>', '<GrpSts>RJCT</GrpSts>').replace(/<TxSts>[A-Z]+<\/TxSts>/g, '');
    expect(new Set(parsePain002(xml).transactions.map((transaction) => transaction.status))).toEqual(new Set(['rejected']));
    expect(failure(REPORT.replace('<TxSts>PDNG</TxSts>', '')).detail).toContain('has no TxSts');
  });

  it('turns every kind of bad file into a BankFileError with a stable code', () => {
    expect(failure('').code).toBe('PAYMENT.BANK_FILE_MALFORMED');
    expect(failure(REPORT.replace('</TxInfAndSts>', '')).code).toBe('PAYMENT.BANK_FILE_MALFORMED');
    expect(failure('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "y">]><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"/>').code).toBe(
      'PAYMENT.BANK_FILE_MALFORMED',
    );
    expect(failure(REPORT.replace(/pain\.002\.001\.10/, 'pain.001.001.09')).code).toBe('PAYMENT.BANK_FILE_NOT_PAIN002');
    expect(failure(REPORT.replace(/CstmrPmtStsRpt/g, 'FIToFIPmtStsRpt')).code).toBe('PAYMENT.BANK_FILE_NOT_PAIN002');
    expect(failure(REPORT.replace('<OrgnlMsgId>ANSINH-42-202611-0001</OrgnlMsgId>', '')).code).toBe('PAYMENT.BANK_FILE_INVALID_CONTENT');
    expect(failure(REPORT.replace('<TxSts>ACSC</TxSts>', '<TxSts>ZZZZ</TxSts>')).detail).toContain('unknown status ZZZZ');
    expect(failure(REPORT.replace('500000</InstdAmt>', '500000.5</InstdAmt>')).detail).toContain('not whole đồng');
    expect(failure(REPORT.replace('Ccy="VND">500000', 'Ccy="USD">500000')).detail).toContain('USD');
  });

  it('never lets a parser error escape, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom(REPORT.slice(0, 400), REPORT.replace(/</g, '<<'))), (input) => {
        try {
          parsePain002(input);
        } catch (error) {
          expect(error).toBeInstanceOf(BankFileError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

const statusArbitrary: fc.Arbitrary<FileTransactionStatus> = fc.oneof(
  fc.constant<FileTransactionStatus>({ status: 'ACSC', reasonCode: null, reasonText: null, bankReference: 'SIM97043626112300000001', amountDong: null }),
  fc.constantFrom('AC01', 'AC04', 'AC06', 'BE01', 'MD07', 'TECH', 'NOT_COLLECTED').map(
    (reasonCode): FileTransactionStatus => ({ status: 'RJCT', reasonCode, reasonText: 'Tai khoan & <ly do>', bankReference: null, amountDong: null }),
  ),
  fc.constant<FileTransactionStatus>({ status: 'PDNG', reasonCode: null, reasonText: null, bankReference: null, amountDong: null }),
);

const instructionArbitrary: fc.Arbitrary<Pain001Instruction> = fc.record({
  instructionId: fc.uuid(),
  endToEndId: fc.uuid(),
  amountDong: fc.bigInt({ min: 1n, max: 10n ** 12n }),
  creditorName: fc.constantFrom('Nguyễn Thị Đào', 'Trần Văn Hùng', 'Lê Thị Hoa'),
  creditorAccount: fc.option(fc.stringMatching(/^\d{6,19}$/), { nil: null }),
  creditorAgentCode: fc.constantFrom('970436', '999888', 'MOMO', 'VNPOST'),
  remittanceInformation: fc.constant('AnSinh TC_XH 2026-11 tro cap hang thang'),
});

describe('pain.001 → the bank stand-in → pain.002 → parsePain002', () => {
  it('answers every instruction once, with its ids, status, reason and amount intact', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(instructionArbitrary, statusArbitrary), { minLength: 1, maxLength: 30, selector: ([instruction]) => instruction.instructionId }),
        (lines) => {
          const instructions = lines.map(([instruction]) => instruction);
          const xml = buildPain001({
            messageId: 'ANSINH-42-202611-0001',
            createdAt: new Date('2026-11-23T01:30:00Z'),
            initiatingParty: 'Sở LĐ-TB&XH Hà Tĩnh',
            debtor: { name: 'Sở LĐ-TB&XH Hà Tĩnh', accountNumber: '3761000000001', agentBin: '970405' },
            paymentInformationId: 'PMT-1',
            requestedExecutionDate: '2026-11-23',
            instructions,
          });
          const file = readPain001(xml);
          expect(file.transactions.map((transaction) => transaction.instructionId)).toEqual(instructions.map((instruction) => instruction.instructionId));
          const statuses = lines.map(([instruction, status]) => ({ ...status, amountDong: status.status === 'PDNG' ? null : instruction.amountDong.toString() }));
          const report = parsePain002(writePain002(file, statuses, { messageId: 'SIM-1', createdAt: new Date() }));

          expect(report.originalMessageId).toBe('ANSINH-42-202611-0001');
          expect(report.transactions).toHaveLength(instructions.length);
          report.transactions.forEach((transaction, index) => {
            const [instruction, status] = lines[index];
            expect(transaction.instructionId).toBe(instruction.instructionId);
            expect(transaction.endToEndId).toBe(instruction.endToEndId);
            expect(transaction.status).toBe({ ACSC: 'settled', RJCT: 'rejected', PDNG: 'accepted' }[status.status]);
            expect(transaction.reasonCode).toBe(status.reasonCode);
            expect(transaction.amountDong).toBe(status.status === 'PDNG' ? null : instruction.amountDong);
          });
          const distinct = new Set(statuses.map((status) => status.status));
          expect(report.groupStatus).toBe(distinct.size === 1 ? [...distinct][0] : 'PART');
        },
      ),
      { numRuns: 100 },
    );
  });
});
