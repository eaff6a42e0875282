import { accountTransportContext, accountVerifiedV1 } from '@app/contracts';
import { FieldCipher, KafkaService, parseConfig, type Principal } from '@app/platform';
import type { INestApplication } from '@nestjs/common';
import { randomInt, randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { freePort } from '../../../test/support/free-port';
import { ServiceProcess } from '../../../test/support/service-process';
import { startTestApp } from '../../../test/support/test-app';
import { PRINCIPALS, TEST_ENV, tokenFor, waitFor } from '../../../test/support/test-environment';
import { PaymentAppModule } from '../src/app.module';
import { paymentConfigSchema } from '../src/config/payment.config';

jest.setTimeout(180_000);

// Institutions no other test answers: SHB and Viettel Money played by the bank stand-in over Kafka,
// HDBank working with files only (nobody reads its Kafka topic). Cash is always VNPOST, whose topic a
// concurrently running payouts.e2e-spec (which plays every institution it uses) would also answer.
const KAFKA_BANK = '970443';
const KAFKA_WALLET = 'VIETTELMONEY';
const FILE_BANK = '970437';
const RUN = randomUUID().slice(0, 8);
const commune = '18073';
const bankToken = (code: string): string => {
  const principal: Principal = /^\d{6}$/.test(code) ? { sub: `ket.noi.${code}`, role: 'bank', bankBin: code } : { sub: `ket.noi.${code.toLowerCase()}`, role: 'bank', institutionCode: code };
  return `Bearer ${tokenFor(principal)}`;
};
// account numbers of this run only: the stand-in reads its topics from the start and meets older runs' instructions
const accountPrefix = String(randomInt(100_000, 999_999));
let accountSerial = 0;
const newAccountNumber = () => `${accountPrefix}${String((accountSerial += 1)).padStart(7, '0')}`;

/** A post office's pain.002, written by hand as VNPOST's connector would. */
function pain002(originalMessageId: string, lines: Array<{ instructionId: string; status: string; reason?: { prtry?: string; cd?: string } }>): string {
  const transactions = lines
    .map(
      (line) => `<TxInfAndSts><OrgnlInstrId>${line.instructionId.replace(/-/g, '')}</OrgnlInstrId><TxSts>${line.status}</TxSts>${
        line.reason ? `<StsRsnInf><Rsn>${line.reason.cd ? `<Cd>${line.reason.cd}</Cd>` : `<Prtry>${line.reason.prtry}</Prtry>`}</Rsn></StsRsnInf>` : ''
      }</TxInfAndSts>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt><GrpHdr><MsgId>VNP${RUN}${randomInt(1_000_000)}</MsgId><CreDtTm>2026-12-05T09:00:00+07:00</CreDtTm></GrpHdr><OrgnlGrpInfAndSts><OrgnlMsgId>${originalMessageId}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts><OrgnlPmtInfAndSts><OrgnlPmtInfId>P1</OrgnlPmtInfId>${transactions}</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>`;
}

describe('payment ↔ paying institutions: the bank stand-in over Kafka, pain.001/pain.002 files, cash at the post office, the banks\' own read API', () => {
  let app: INestApplication;
  let db: DataSource;
  let bank: ServiceProcess;
  const server = () => app.getHttpServer();
  const officer = `Bearer ${tokenFor(PRINCIPALS.haTinhOfficer)}`;
  const supervisor = `Bearer ${tokenFor(PRINCIPALS.haTinhSupervisor)}`;
  const auditor = `Bearer ${tokenFor(PRINCIPALS.nationalAuditor)}`;
  const transport = FieldCipher.fromBase64(TEST_ENV.ACCOUNT_TRANSPORT_KEY);
  const people = new Map<string, string>();
  const cycles = new Map<string, string>();

  const standIn = async (method: string, path: string, body?: unknown, contentType = 'application/json') => {
    const response = await fetch(`${bank.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': contentType },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`stand-in ${method} ${path}: ${response.status} ${text}`);
    return text;
  };

  beforeAll(async () => {
    const config = parseConfig(paymentConfigSchema, { ...TEST_ENV });
    app = await startTestApp(PaymentAppModule.forRoot(config), { config, groupId: 'payment' });
    db = app.get(DataSource);
    bank = await ServiceProcess.start('bank-stand-in', await freePort(), {
      BANK_STAND_IN_KAFKA_ENABLED: 'true',
      BANK_STAND_IN_INSTITUTIONS: `${KAFKA_BANK},${KAFKA_WALLET}`,
      BANK_STAND_IN_CONSUMER_GROUP: `bank-integration-e2e-${RUN}`,
    });
    for (const programme of ['BANKINT_KAFKA', 'BANKINT_FILE', 'BANKINT_CASH']) {
      await db.query(`INSERT INTO payment.allowance_standard_level (programme_code, province_code, effective_from, amount_dong, legal_basis)
                      SELECT $1, province_code, effective_from, amount_dong, legal_basis FROM payment.allowance_standard_level WHERE programme_code = 'TC_XH'`, [programme]);
      await db.query(`INSERT INTO payment.allowance_coefficient (programme_code, category_code, effective_from, coefficient_milli, label_vi, legal_basis)
                      SELECT $1, category_code, effective_from, coefficient_milli, label_vi, legal_basis FROM payment.allowance_coefficient WHERE programme_code = 'TC_XH'`, [programme]);
    }
  });

  afterAll(async () => {
    await bank?.stop();
    await app?.close();
  });

  const seedPayee = async (fullName: string, programme: string) => {
    const id = uuidv7();
    people.set(fullName, id);
    await db.query(
      `INSERT INTO payment.payee (beneficiary_id, cccd, full_name, programme_code, category_code, province_code, commune_code, status, registered_at, source_event_id)
       VALUES ($1, '042148001234', $2, $3, 'NCT_80', '42', $4, 'active', now(), $5)`,
      [id, fullName, programme, commune, uuidv7()],
    );
    return id;
  };

  /** The beneficiary service's event for a verified account, and the same account opened at the stand-in. */
  const verifyAccount = async (fullName: string, institution: string, priority: number, holder: { status?: 'active' | 'closed'; deceased?: boolean } = {}) => {
    const beneficiaryId = people.get(fullName)!;
    const accountId = uuidv7();
    const number = institution === KAFKA_WALLET ? `09${accountPrefix.slice(0, 2)}${String((accountSerial += 1)).padStart(6, '0')}` : newAccountNumber();
    await standIn('PUT', `/accounts/${institution}/${number}`, { holderName: fullName, ...holder });
    const ewallet = !/^\d{6}$/.test(institution);
    const event = accountVerifiedV1.envelope.parse({
      eventId: uuidv7(),
      type: accountVerifiedV1.type,
      version: 1,
      occurredAt: new Date().toISOString(),
      producer: 'beneficiary',
      correlationId: `test-${accountId}`,
      causationId: null,
      aggregateId: beneficiaryId,
      payload: {
        accountId,
        beneficiaryId,
        channel: ewallet ? 'ewallet' : 'bank',
        bankBin: ewallet ? null : institution,
        providerCode: ewallet ? institution : null,
        accountNumberMasked: `****${number.slice(-4)}`,
        priority,
        verification: { method: 'name_enquiry', nameMatch: 'exact' },
        verifiedBy: 'system:name-enquiry',
        verifiedAt: new Date(Date.now() - 60_000).toISOString(),
        payableFrom: new Date(Date.now() - 60_000).toISOString(),
        accountNumberSealed: transport.encrypt(number, accountTransportContext(accountId)).toString('base64'),
      },
    });
    const producer = await app.get(KafkaService).producer();
    await producer.send({ topic: accountVerifiedV1.topic, messages: [{ key: beneficiaryId, value: JSON.stringify(event) }] });
    await waitFor(async () => (await db.query(`SELECT 1 FROM payment.payee_account WHERE account_id = $1 AND status = 'verified'`, [accountId])).length === 1, `account of ${fullName}`);
    return number;
  };

  /** Cycle and batches for a programme; returns the batches by institution. */
  const prepare = async (programme: string, period: string): Promise<Map<string, { id: string; contentHash: string; itemCount: number; totalDong: string }>> => {
    const cycle = await request(server()).post('/cycles').set('authorization', officer).send({ programmeCode: programme, provinceCode: '42', communeCode: commune, period }).expect(201);
    cycles.set(programme, cycle.body.id);
    const prepared = await request(server()).post(`/cycles/${cycle.body.id}/batches`).set('authorization', officer).expect(200);
    return new Map(prepared.body.map((batch: { institutionCode: string; id: string; contentHash: string; itemCount: number; totalDong: string }) => [batch.institutionCode, batch]));
  };
  const approve = (batch: { id: string; contentHash: string }) => request(server()).post(`/batches/${batch.id}/approve`).set('authorization', supervisor).send({ contentHash: batch.contentHash }).expect(200);

  const entitlementOf = async (name: string) =>
    (await db.query(`SELECT id, status, paid_channel, final_reason FROM payment.entitlement WHERE beneficiary_id = $1`, [people.get(name)]))[0];
  const attemptsOf = async (name: string): Promise<Array<{ instruction_id: string; institution_code: string; status: string; reason_code: string | null; send_count: number }>> =>
    db.query(
      `SELECT a.instruction_id, a.institution_code, a.status, a.reason_code, a.send_count
         FROM payment.payout_attempt a JOIN payment.entitlement e ON e.id = a.entitlement_id WHERE e.beneficiary_id = $1 ORDER BY a.attempt_number`,
      [people.get(name)],
    );
  const payoutEvents = async () => (await db.query(`SELECT count(*)::int AS n FROM payment.payout_event`))[0].n as number;
  const duplicatesConsumed = async () => {
    const metrics = (await request(server()).get('/metrics').expect(200)).text;
    return metrics
      .split('\n')
      .filter((line) => line.startsWith('ansinh_events_consumed_total') && line.includes('outcome="duplicate"'))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  };
  const conservation = async (programme: string) => (await request(server()).get(`/cycles/${cycles.get(programme)}/conservation`).set('authorization', auditor).expect(200)).body;

  it('over Kafka, the bank stand-in settles, refuses a closed account (next account), retries after TECH and holds a deceased holder\'s payout', async () => {
    for (const name of ['NGUYEN VAN AN', 'TRAN THI BINH', 'LE VAN CUONG', 'PHAM VAN GIANG']) await seedPayee(name, 'BANKINT_KAFKA');
    await verifyAccount('NGUYEN VAN AN', KAFKA_BANK, 1);
    await verifyAccount('TRAN THI BINH', KAFKA_BANK, 1, { status: 'closed' });
    await verifyAccount('TRAN THI BINH', KAFKA_WALLET, 2);
    const cuong = await verifyAccount('LE VAN CUONG', KAFKA_BANK, 1);
    await verifyAccount('PHAM VAN GIANG', KAFKA_BANK, 1, { deceased: true });
    // one technical failure, then the account book decides (settled)
    await standIn('PUT', `/forced-outcomes/${cuong}`, { outcome: 'rejected', reasonCode: 'TECH', times: 1 });

    const batches = await prepare('BANKINT_KAFKA', '2026-12');
    expect([...batches.keys()]).toEqual([KAFKA_BANK]);
    await approve(batches.get(KAFKA_BANK)!);
    await waitFor(
      async () => (await db.query(`SELECT count(*)::int AS open FROM payment.entitlement WHERE cycle_id = $1 AND status IN ('awaiting_approval', 'in_flight')`, [cycles.get('BANKINT_KAFKA')]))[0].open === 0,
      'every payout final',
      60_000,
      100,
    );

    expect(await entitlementOf('NGUYEN VAN AN')).toMatchObject({ status: 'paid', paid_channel: 'bank' });
    expect(await entitlementOf('TRAN THI BINH')).toMatchObject({ status: 'paid', paid_channel: 'ewallet' });
    expect((await attemptsOf('TRAN THI BINH')).map((row) => [row.institution_code, row.status, row.reason_code])).toEqual([
      [KAFKA_BANK, 'rejected', 'AC04'],
      [KAFKA_WALLET, 'settled', null],
    ]);
    expect(await entitlementOf('LE VAN CUONG')).toMatchObject({ status: 'paid', paid_channel: 'bank' });
    expect(await attemptsOf('LE VAN CUONG')).toEqual([expect.objectContaining({ status: 'settled', send_count: 2 })]);
    expect(await entitlementOf('PHAM VAN GIANG')).toMatchObject({ status: 'held', final_reason: 'MD07' });
    expect((await attemptsOf('PHAM VAN GIANG')).map((row) => row.institution_code)).toEqual([KAFKA_BANK]);

    // what the stand-in credited is what AnSinh recorded as paid: one credit per settled instruction
    const summary = JSON.parse(await standIn('GET', '/ledger/summary'));
    for (const name of ['NGUYEN VAN AN', 'TRAN THI BINH', 'LE VAN CUONG']) {
      const settled = (await attemptsOf(name)).find((row) => row.status === 'settled')!;
      expect(summary.creditsPerInstruction[settled.instruction_id]).toBe(1);
    }

    const report = await conservation('BANKINT_KAFKA');
    expect(report.balanced).toBe(true);
    expect(report.total).toMatchObject({
      entitled: { count: 4, dong: '2000000' },
      paid: { bank: { count: 2, dong: '1000000' }, ewallet: { count: 1, dong: '500000' }, cash: { count: 0, dong: '0' } },
      inFlight: { count: 0, dong: '0' },
      held: { MD07: { count: 1, dong: '500000' } },
      unexplained: { count: 0, dong: '0' },
    });
  });

  it('a replay of every result by the stand-in changes no payout', async () => {
    const before = await payoutEvents();
    const statesBefore = await db.query(`SELECT id, status, history_seq FROM payment.entitlement WHERE cycle_id = $1 ORDER BY id`, [cycles.get('BANKINT_KAFKA')]);
    const duplicatesBefore = await duplicatesConsumed();
    let replayed = 0;
    for (const name of ['NGUYEN VAN AN', 'TRAN THI BINH', 'LE VAN CUONG', 'PHAM VAN GIANG']) {
      for (const attempt of await attemptsOf(name)) replayed += JSON.parse(await standIn('POST', '/results/replay', { instructionId: attempt.instruction_id })).replayed;
    }
    expect(replayed).toBeGreaterThanOrEqual(6); // five instructions, one of them answered twice (TECH, then settled)
    await waitFor(async () => (await duplicatesConsumed()) >= duplicatesBefore + replayed, `${replayed} replayed results consumed as duplicates`);
    expect(await payoutEvents()).toBe(before);
    expect(await db.query(`SELECT id, status, history_seq FROM payment.entitlement WHERE cycle_id = $1 ORDER BY id`, [cycles.get('BANKINT_KAFKA')])).toEqual(statesBefore);
  });

  it('by file: the approved batch as pain.001, the stand-in\'s pain.002 applied all or nothing, idempotently, for the bank\'s own instructions only', async () => {
    await seedPayee('VO THI DAO', 'BANKINT_FILE');
    await seedPayee('DANG VAN EM', 'BANKINT_FILE');
    await verifyAccount('VO THI DAO', FILE_BANK, 1);
    await verifyAccount('DANG VAN EM', FILE_BANK, 1);
    const batch = (await prepare('BANKINT_FILE', '2026-12')).get(FILE_BANK)!;

    // no file before approval; then the same file for the department and for the bank
    expect((await request(server()).get(`/batches/${batch.id}/pain001.xml`).set('authorization', officer).expect(409)).body.code).toBe('PAYMENT.BATCH_NOT_APPROVED');
    await approve(batch);
    const byOfficer = await request(server()).get(`/batches/${batch.id}/pain001.xml`).set('authorization', officer).expect(200);
    expect(byOfficer.headers['content-type']).toContain('application/xml');
    const file = (await request(server()).get(`/batches/${batch.id}/pain001.xml`).set('authorization', bankToken(FILE_BANK)).expect(200)).text;
    expect(file).toBe(byOfficer.text);
    expect(file).toContain('<NbOfTxs>2</NbOfTxs>');
    expect(file).toContain('<CtrlSum>1000000</CtrlSum>');
    expect(file).toContain('<Nm>VO THI DAO</Nm>');
    const [dao] = await attemptsOf('VO THI DAO');
    expect(file).toContain(`<InstrId>${dao.instruction_id.replace(/-/g, '')}</InstrId>`);
    // another bank, or an officer of another province, gets nothing; a bank's 404 does not even confirm the batch exists
    const other = await request(server()).get(`/batches/${batch.id}/pain001.xml`).set('authorization', bankToken(KAFKA_BANK)).expect(404);
    expect(other.body.code).toBe('PAYMENT.BATCH_NOT_FOUND');
    await request(server()).get(`/batches/${uuidv7()}/pain001.xml`).set('authorization', bankToken(KAFKA_BANK)).expect(404);
    await request(server()).get(`/batches/${batch.id}/pain001.xml`).set('authorization', `Bearer ${tokenFor(PRINCIPALS.haNoiOfficer)}`).expect(403);

    const report = await standIn('POST', '/files/pain001', file, 'application/xml');
    expect(report).toContain('pain.002');
    const post = (xml: string, token = bankToken(FILE_BANK)) => request(server()).post('/bank-files/pain002').set('authorization', token).set('content-type', 'application/xml').send(xml);

    // all or nothing: one unreadable status makes the whole file refused, and nothing is applied
    const eventsBefore = await payoutEvents();
    const spoiled = report.replace(/<TxSts>ACSC<\/TxSts>([\s\S]*)<TxSts>ACSC<\/TxSts>/, '<TxSts>ACSC</TxSts>$1<TxSts>ZZZZ</TxSts>');
    expect(spoiled).not.toBe(report);
    const refused = await post(spoiled).expect(400);
    expect(refused.body.code).toBe('PAYMENT.BANK_FILE_INVALID_CONTENT');
    expect((await post(report.slice(0, report.length / 2)).expect(400)).body.code).toBe('PAYMENT.BANK_FILE_MALFORMED');
    expect((await post('').expect(400)).body.code).toBe('PAYMENT.BANK_FILE_MALFORMED');
    expect(await db.query(`SELECT count(*)::int AS n FROM payment.payout_event WHERE kind = 'settled' AND instruction_id = $1`, [dao.instruction_id])).toEqual([{ n: 0 }]);
    expect(await payoutEvents()).toBeGreaterThanOrEqual(eventsBefore); // (only the sweep's resends may have been added meanwhile)

    // another bank posting this report: every line is someone else's instruction, answered as unknown
    const foreign = await post(report, bankToken(KAFKA_BANK)).expect(200);
    expect(foreign.body.totals).toEqual({ applied: 0, repeat: 0, flagged: 0, rejected: 2 });
    expect(foreign.body.lines[0].error.code).toBe('PAYMENT.RESULT_UNKNOWN_INSTRUCTION');
    await post(report, officer).expect(403);

    const applied = await post(report).expect(200);
    expect(applied.body).toMatchObject({ institutionCode: FILE_BANK, originalMessageId: `AS${batch.id.replace(/-/g, '')}`, totals: { applied: 2, repeat: 0, flagged: 0, rejected: 0 } });
    expect(applied.body.lines.map((line: { instructionId: string; status: string }) => line.status)).toEqual(['settled', 'settled']);
    expect(await entitlementOf('VO THI DAO')).toMatchObject({ status: 'paid', paid_channel: 'bank' });
    expect(await entitlementOf('DANG VAN EM')).toMatchObject({ status: 'paid', paid_channel: 'bank' });
    const timeline = await request(server()).get(`/payouts/${(await entitlementOf('VO THI DAO')).id}/timeline`).set('authorization', auditor).expect(200);
    expect(timeline.body.events.find((event: { kind: string }) => event.kind === 'settled')).toMatchObject({ actor: `bank:${FILE_BANK}:file` });

    // the same report again is a repeat: nothing changes
    const settledEvents = await payoutEvents();
    const again = await post(report).expect(200);
    expect(again.body.totals).toEqual({ applied: 0, repeat: 2, flagged: 0, rejected: 0 });
    expect(await payoutEvents()).toBe(settledEvents);
    expect((await conservation('BANKINT_FILE')).balanced).toBe(true);
  });

  it('gives each bank its own instructions only, page by page, without names or citizen IDs', async () => {
    const collect = async (code: string) => {
      const items: Array<Record<string, unknown>> = [];
      let after: string | null = null;
      do {
        const query: Record<string, string | number> = after ? { limit: 2, after } : { limit: 2 };
        const page = await request(server()).get('/bank/instructions').query(query).set('authorization', bankToken(code)).expect(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        expect(JSON.stringify(page.body)).not.toMatch(/042148001234|NGUYEN|VO THI|Nguyễn/);
        items.push(...page.body.items);
        after = page.body.nextCursor;
      } while (after);
      return items;
    };
    const shb = await collect(KAFKA_BANK);
    const hdbank = await collect(FILE_BANK);
    const ids = async (names: string[], institution: string) =>
      (await Promise.all(names.map(attemptsOf))).flat().filter((row) => row.institution_code === institution).map((row) => row.instruction_id).sort();
    expect(shb.map((item) => item.instructionId)).toEqual(await ids(['NGUYEN VAN AN', 'TRAN THI BINH', 'LE VAN CUONG', 'PHAM VAN GIANG'], KAFKA_BANK));
    expect(hdbank.map((item) => item.instructionId)).toEqual(await ids(['VO THI DAO', 'DANG VAN EM'], FILE_BANK));
    expect(new Set([...shb, ...hdbank].map((item) => item.institutionCode))).toEqual(new Set([KAFKA_BANK, FILE_BANK]));
    expect(shb.every((item) => item.institutionCode === KAFKA_BANK)).toBe(true);

    const [cuong] = await attemptsOf('LE VAN CUONG');
    const one = await request(server()).get(`/bank/instructions/${cuong.instruction_id}`).set('authorization', bankToken(KAFKA_BANK)).expect(200);
    expect(one.body).toMatchObject({ instructionId: cuong.instruction_id, institutionCode: KAFKA_BANK, channel: 'bank', amountDong: '500000', status: 'settled', sendSequence: 2, period: '2026-12', programmeCode: 'BANKINT_KAFKA' });
    expect(one.body.lastResult.bankReference).toEqual(expect.any(String));
    const [giang] = await attemptsOf('PHAM VAN GIANG');
    expect((await request(server()).get(`/bank/instructions/${giang.instruction_id}`).set('authorization', bankToken(KAFKA_BANK)).expect(200)).body.lastResult).toMatchObject({ reasonCode: 'MD07' });
    // bank B asking for bank A's instruction: not found, exactly as for one that does not exist
    const foreign = await request(server()).get(`/bank/instructions/${cuong.instruction_id}`).set('authorization', bankToken(FILE_BANK)).expect(404);
    const missing = await request(server()).get(`/bank/instructions/${uuidv7()}`).set('authorization', bankToken(FILE_BANK)).expect(404);
    expect(foreign.body.code).toBe(missing.body.code);
    const rejectedOnly = await request(server()).get('/bank/instructions').query({ status: 'rejected' }).set('authorization', bankToken(KAFKA_BANK)).expect(200);
    expect(rejectedOnly.body.items.map((item: { lastResult: { reasonCode: string } }) => item.lastResult.reasonCode).sort()).toEqual(['AC04', 'MD07']);
    await request(server()).get('/bank/instructions').set('authorization', auditor).expect(403);
    expect((await request(server()).get('/bank/instructions').query({ limit: 501 }).set('authorization', bankToken(KAFKA_BANK)).expect(400)).body.code).toBe('REQUEST.VALIDATION_FAILED');
  });

  it('cash accepted by the post office waits for collection: never resent, held when no final report comes, NOT_COLLECTED held, a late hand-over still paid', async () => {
    await seedPayee('BUI THI LAN', 'BANKINT_CASH');
    await seedPayee('DO VAN MINH', 'BANKINT_CASH');
    // a witness nobody answers, sent after the cash: once it has been resent and given up, the sweep has passed the cash many times
    await seedPayee('HO VAN NAM', 'BANKINT_CASH');
    await verifyAccount('HO VAN NAM', FILE_BANK, 1);
    const batches = await prepare('BANKINT_CASH', '2026-12');
    const cash = batches.get('VNPOST')!;
    expect(cash).toMatchObject({ itemCount: 2, totalDong: '1000000' });
    await approve(cash);

    // the post office works with files: its token names VNPOST, its file is the batch's pain.001
    const vnpost = bankToken('VNPOST');
    const file = (await request(server()).get(`/batches/${cash.id}/pain001.xml`).set('authorization', vnpost).expect(200)).text;
    expect(file).toMatch(/<Othr>\s*<Id>VNPOST<\/Id>/);
    expect(file).not.toContain('<CdtrAcct>');
    const messageId = /<MsgId>([^<]+)<\/MsgId>/.exec(file)![1];
    const [lan] = await attemptsOf('BUI THI LAN');
    const [minh] = await attemptsOf('DO VAN MINH');
    const post = (xml: string) => request(server()).post('/bank-files/pain002').set('authorization', vnpost).set('content-type', 'application/xml').send(xml).expect(200);
    const ready = await post(pain002(messageId, [{ instructionId: lan.instruction_id, status: 'PDNG' }, { instructionId: minh.instruction_id, status: 'ACSP' }]));
    expect(ready.body.totals).toMatchObject({ applied: 2 });
    expect((await attemptsOf('BUI THI LAN'))[0]).toMatchObject({ status: 'accepted', send_count: 1 });

    await approve(batches.get(FILE_BANK)!);
    await waitFor(async () => (await entitlementOf('HO VAN NAM')).status === 'held', 'the unanswered witness held', 60_000, 100);
    expect(await entitlementOf('HO VAN NAM')).toMatchObject({ final_reason: 'TIMEOUT' });
    for (const name of ['BUI THI LAN', 'DO VAN MINH']) {
      expect(await attemptsOf(name)).toEqual([expect.objectContaining({ status: 'accepted', send_count: 1 })]);
      expect(await entitlementOf(name)).toMatchObject({ status: 'in_flight' });
    }

    // Minh never came: the post office says so, and the payout waits for the officer
    await post(pain002(messageId, [{ instructionId: minh.instruction_id, status: 'RJCT', reason: { prtry: 'NOT_COLLECTED' } }]));
    expect(await entitlementOf('DO VAN MINH')).toMatchObject({ status: 'held', final_reason: 'NOT_COLLECTED' });

    // Lan's collection window (30 days) and the grace for the report (48 h) pass without a final report
    await db.query(`UPDATE payment.payout_attempt SET accepted_at = now() - interval '32 days 1 minute' WHERE instruction_id = $1`, [lan.instruction_id]);
    await waitFor(async () => (await entitlementOf('BUI THI LAN')).status === 'held', 'unreported cash held', 30_000, 100);
    expect(await entitlementOf('BUI THI LAN')).toMatchObject({ final_reason: 'CASH_NOT_REPORTED' });
    expect(await attemptsOf('BUI THI LAN')).toEqual([expect.objectContaining({ status: 'unanswered', reason_code: 'CASH_NOT_REPORTED', send_count: 1 })]);

    // the hand-over report arrives late: the money did move, so it is paid
    const late = await post(pain002(messageId, [{ instructionId: lan.instruction_id, status: 'ACSC' }]));
    expect(late.body.totals).toMatchObject({ applied: 1 });
    expect(await entitlementOf('BUI THI LAN')).toMatchObject({ status: 'paid', paid_channel: 'cash' });

    const report = await conservation('BANKINT_CASH');
    expect(report.balanced).toBe(true);
    expect(report.total).toMatchObject({
      entitled: { count: 3, dong: '1500000' },
      paid: { cash: { count: 1, dong: '500000' } },
      held: { NOT_COLLECTED: { count: 1, dong: '500000' }, TIMEOUT: { count: 1, dong: '500000' } },
    });
  });
});
