import { accountTransportContext, instructionIssuedV1, instructionReportedV1, payoutSentV1, signPayload, type BankReasonCode } from '@app/contracts';
import { FieldCipher, parseConfig } from '@app/platform';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplication } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { createPrivateKey } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { startTestApp } from '../../../test/support/test-app';
import { PRINCIPALS, TEST_ENV, tokenFor, waitFor } from '../../../test/support/test-environment';
import { PaymentAppModule } from '../src/app.module';
import { BankResultsService } from '../src/bank-results/bank-results.service';
import { PayoutBatchesService } from '../src/batches/payout-batches.service';
import { paymentConfigSchema } from '../src/config/payment.config';
import { InstructionDispatcherService } from '../src/dispatch/instruction-dispatcher.service';
import { PAYOUT_RETRY_QUEUE, RESEND_JOB, resendJobId } from '../src/retries/payout-retry.queue';
import { PayoutRetriesService } from '../src/retries/payout-retries.service';

jest.setTimeout(120_000);

const VCB = '970436';
const programme = 'APPROVAL_E2E';
const commune = '18073';

/**
 * What must never send a payment twice. An approval is a decision (one transaction) followed by the
 * sending of its lines (a transaction per chunk): these tests stop it right after the decision, as a
 * crash would, and check that what was approved is sent exactly once, by whoever gets there. And an
 * answer that arrives late, after the instruction was sent again, must not open a second channel.
 */
describe('dispatch safety: an interrupted approval, two senders, a late answer (real PostgreSQL, Kafka, Redis)', () => {
  let app: INestApplication;
  let db: DataSource;
  const server = () => app.getHttpServer();
  const officer = `Bearer ${tokenFor(PRINCIPALS.haTinhOfficer)}`;
  const supervisor = `Bearer ${tokenFor(PRINCIPALS.haTinhSupervisor)}`;
  const vietcombank = `Bearer ${tokenFor(PRINCIPALS.vietcombank)}`;
  const transport = FieldCipher.fromBase64(TEST_ENV.ACCOUNT_TRANSPORT_KEY);

  beforeAll(async () => {
    // the scheduled sweep must not run on its own during the test: the test runs it when it means to
    const config = parseConfig(paymentConfigSchema, { ...TEST_ENV, PAYOUT_SWEEP_INTERVAL_MS: '3600000' });
    app = await startTestApp(PaymentAppModule.forRoot(config));
    db = app.get(DataSource);
    await db.query(`INSERT INTO payment.allowance_standard_level (programme_code, province_code, effective_from, amount_dong, legal_basis)
                    SELECT $1, province_code, effective_from, amount_dong, legal_basis FROM payment.allowance_standard_level WHERE programme_code = 'TC_XH'
                    ON CONFLICT DO NOTHING`, [programme]);
    await db.query(`INSERT INTO payment.allowance_coefficient (programme_code, category_code, effective_from, coefficient_milli, label_vi, legal_basis)
                    SELECT $1, category_code, effective_from, coefficient_milli, label_vi, legal_basis FROM payment.allowance_coefficient WHERE programme_code = 'TC_XH'
                    ON CONFLICT DO NOTHING`, [programme]);
  });

  afterAll(async () => {
    await app?.close();
  });

  /** Payees with a verified Vietcombank account each, as the account events leave them in the projection. */
  let seeded = 0;
  const seedPayees = async (names: string[]) => {
    for (const fullName of names) {
      const index = (seeded += 1);
      const beneficiaryId = uuidv7();
      const accountId = uuidv7();
      const number = `0071${String(index).padStart(9, '0')}`;
      await db.query(
        `INSERT INTO payment.payee (beneficiary_id, cccd, full_name, programme_code, category_code, province_code, commune_code, status, registered_at, source_event_id)
         VALUES ($1, $2, $3, $4, 'NCT_80', '42', $5, 'active', now() - interval '400 days', $6)`,
        [beneficiaryId, `04214800${String(1000 + index)}`, fullName, programme, commune, uuidv7()],
      );
      await db.query(
        `INSERT INTO payment.payee_account (account_id, beneficiary_id, channel, institution_code, account_number_masked, account_number_sealed, priority, status, payable_from, state_at)
         VALUES ($1, $2, 'bank', $3, $4, $5, 1, 'verified', now() - interval '300 days', now() - interval '300 days')`,
        [accountId, beneficiaryId, VCB, `****${number.slice(-4)}`, transport.encrypt(number, accountTransportContext(accountId)).toString('base64')],
      );
    }
  };

  /** Opens the month, prepares it, and stops the approval after its decision. */
  const approveDecisionOnly = async (period: string) => {
    const cycle = await request(server()).post('/cycles').set('authorization', officer).send({ programmeCode: programme, provinceCode: '42', communeCode: commune, period }).expect(201);
    const [batch] = (await request(server()).post(`/cycles/${cycle.body.id}/batches`).set('authorization', officer).expect(200)).body;
    await app.get(PayoutBatchesService).decide(batch.id, batch.contentHash, PRINCIPALS.haTinhSupervisor);
    return { cycleId: cycle.body.id as string, batch: batch as { id: string; contentHash: string; itemCount: number } };
  };

  const linesOf = (batchId: string) =>
    db.query(
      `SELECT a.instruction_id, a.status AS attempt_status, a.send_count, e.status AS entitlement_status, e.id AS entitlement_id
         FROM payment.payout_attempt a JOIN payment.entitlement e ON e.id = a.entitlement_id WHERE a.batch_id = $1 ORDER BY a.instruction_id`,
      [batchId],
    );
  /** First sends in the outbox per instruction of the batch, and payout.sent events per entitlement. */
  const outboxOf = async (batchId: string) => {
    const [row] = await db.query(
      `SELECT (SELECT count(*) FROM payment.outbox_event o WHERE o.topic = $2 AND o.envelope->'payload'->>'sendSequence' = '1'
                 AND o.message_key IN (SELECT instruction_id::text FROM payment.payout_attempt WHERE batch_id = $1))::int AS instructions,
              (SELECT count(DISTINCT o.message_key) FROM payment.outbox_event o WHERE o.topic = $2
                 AND o.message_key IN (SELECT instruction_id::text FROM payment.payout_attempt WHERE batch_id = $1))::int AS distinct_instructions,
              (SELECT count(*) FROM payment.outbox_event o WHERE o.topic = $3
                 AND o.message_key IN (SELECT entitlement_id::text FROM payment.payout_attempt WHERE batch_id = $1))::int AS sent_events`,
      [batchId, instructionIssuedV1(VCB).topic, payoutSentV1.topic],
    );
    return row as { instructions: number; distinct_instructions: number; sent_events: number };
  };

  it('after a crash right after the decision, the lines stay approved and untouchable, and the sweep sends each once', async () => {
    await seedPayees(['NGUYEN VAN AN', 'TRAN THI BINH', 'LE VAN CUONG']);
    const { cycleId, batch } = await approveDecisionOnly('2026-10');

    // decided: every line in flight under the approver's name, nothing signed or sent yet
    const decided = await linesOf(batch.id);
    expect(decided.map((line: { attempt_status: string; entitlement_status: string }) => [line.attempt_status, line.entitlement_status])).toEqual(
      Array(batch.itemCount).fill(['planned', 'in_flight']),
    );
    expect(await outboxOf(batch.id)).toEqual({ instructions: 0, distinct_instructions: 0, sent_events: 0 });
    const [state] = await db.query(`SELECT status, dispatch_completed_at FROM payment.payout_batch WHERE id = $1`, [batch.id]);
    expect(state).toEqual({ status: 'dispatched', dispatch_completed_at: null });

    // the bank's file is never a part of the batch
    const early = await request(server()).get(`/batches/${batch.id}/pain001.xml`).set('authorization', vietcombank).expect(409);
    expect(early.body.code).toBe('PAYMENT.BATCH_DISPATCHING');
    // preparing the month again leaves approved lines where they are
    await request(server()).post(`/cycles/${cycleId}/batches`).set('authorization', officer).expect(200);
    expect(await linesOf(batch.id)).toEqual(decided);

    // the sweep does not race an approval still running: a fresh decision is left to its own request
    expect((await app.get(PayoutRetriesService).sweep()).approvedSent).toBe(0);
    // an hour later the approving process is clearly gone
    await db.query(`UPDATE payment.payout_batch SET approved_at = approved_at - interval '1 hour' WHERE id = $1`, [batch.id]);
    expect((await app.get(PayoutRetriesService).sweep()).approvedSent).toBe(batch.itemCount);

    const sent = await linesOf(batch.id);
    expect(sent.map((line: { attempt_status: string; send_count: number; instruction_id: string }) => [line.instruction_id, line.attempt_status, line.send_count])).toEqual(
      decided.map((line: { instruction_id: string }) => [line.instruction_id, 'sent', 1]),
    );
    expect(await outboxOf(batch.id)).toEqual({ instructions: batch.itemCount, distinct_instructions: batch.itemCount, sent_events: batch.itemCount });
    const [done] = await db.query(`SELECT dispatch_completed_at FROM payment.payout_batch WHERE id = $1`, [batch.id]);
    expect(done.dispatch_completed_at).toBeInstanceOf(Date);
    // history of each payout: approved (into flight) by the supervisor, then sent by the sweep
    const history = await db.query(
      `SELECT kind, from_status, to_status, actor FROM payment.payout_event WHERE entitlement_id = $1 ORDER BY seq`,
      [decided[0].entitlement_id],
    );
    expect(history.slice(-2)).toEqual([
      { kind: 'approved', from_status: 'awaiting_approval', to_status: 'in_flight', actor: `supervisor:${PRINCIPALS.haTinhSupervisor.sub}` },
      { kind: 'sent', from_status: 'in_flight', to_status: 'in_flight', actor: 'system:retry' },
    ]);

    // a second sweep and the supervisor repeating the approval send nothing more; the file is now whole
    expect((await app.get(PayoutRetriesService).sweep()).approvedSent).toBe(0);
    await request(server()).post(`/batches/${batch.id}/approve`).set('authorization', supervisor).send({ contentHash: batch.contentHash }).expect(200);
    expect(await outboxOf(batch.id)).toEqual({ instructions: batch.itemCount, distinct_instructions: batch.itemCount, sent_events: batch.itemCount });
    const file = await request(server()).get(`/batches/${batch.id}/pain001.xml`).set('authorization', vietcombank).expect(200);
    expect(file.text.match(/<CdtTrfTxInf>/g)).toHaveLength(batch.itemCount);
  });

  /** The institution's signed answer to an instruction, applied as the bank-results consumer applies it. */
  const answer = async (instructionId: string, amountDong: string, status: 'settled' | 'rejected', reasonCode: BankReasonCode | null) => {
    const key = createPrivateKey({ key: Buffer.from(TEST_ENV.BANK_STAND_IN_SIGNING_KEY, 'base64'), format: 'der', type: 'pkcs8' });
    const payload = signPayload(
      { instructionId, institutionCode: VCB, status, reasonCode, reasonText: null, amountDong, bankReference: status === 'settled' ? `FT${instructionId.slice(0, 8)}` : null, reportedAt: new Date().toISOString(), signature: null },
      key,
      'bank-test',
    );
    const envelope = {
      eventId: uuidv7(),
      type: instructionReportedV1(VCB).type,
      version: 1,
      occurredAt: new Date().toISOString(),
      producer: `test-bank:${VCB}`,
      correlationId: instructionId,
      causationId: null,
      aggregateId: instructionId,
      payload,
    };
    await db.transaction((manager) => app.get(BankResultsService).apply(envelope, VCB, manager));
  };

  it('a TECH that arrives after the last send holds the payout; the late settlement of an earlier send pays it once, on no second channel', async () => {
    await seedPayees(['NGO THI KIM']);
    const cycle = await request(server()).post('/cycles').set('authorization', officer).send({ programmeCode: programme, provinceCode: '42', communeCode: commune, period: '2026-09' }).expect(201);
    const [batch] = (await request(server()).post(`/cycles/${cycle.body.id}/batches`).set('authorization', officer).expect(200)).body;
    await request(server()).post(`/batches/${batch.id}/approve`).set('authorization', supervisor).send({ contentHash: batch.contentHash }).expect(200);
    const [kim] = await db.query(
      `SELECT a.instruction_id, a.entitlement_id, a.amount_dong::text FROM payment.payout_attempt a JOIN payment.entitlement e ON e.id = a.entitlement_id
         JOIN payment.payee p ON p.beneficiary_id = e.beneficiary_id WHERE a.batch_id = $1 AND p.full_name = 'NGO THI KIM'`,
      [batch.id],
    );
    // no answer: the sweep sends the same instruction again until PAYOUT_MAX_SENDS (each time "an hour later")
    const maxSends = Number(TEST_ENV.PAYOUT_MAX_SENDS);
    for (let send = 2; send <= maxSends; send += 1) {
      await db.query(`UPDATE payment.payout_attempt SET last_sent_at = last_sent_at - interval '1 hour' WHERE instruction_id = $1`, [kim.instruction_id]);
      await app.get(PayoutRetriesService).sweep();
    }
    expect((await db.query(`SELECT send_count FROM payment.payout_attempt WHERE instruction_id = $1`, [kim.instruction_id]))[0].send_count).toBe(maxSends);

    // a TECH now: it may answer the first send, delayed, while a later send is being executed
    await answer(kim.instruction_id, kim.amount_dong, 'rejected', 'TECH');
    const held = await db.query(`SELECT status, final_reason FROM payment.entitlement WHERE id = $1`, [kim.entitlement_id]);
    expect(held).toEqual([{ status: 'held', final_reason: 'TECH' }]);
    const attempts = () => db.query(`SELECT attempt_number, institution_code, status FROM payment.payout_attempt WHERE entitlement_id = $1 ORDER BY attempt_number`, [kim.entitlement_id]);
    expect(await attempts()).toEqual([{ attempt_number: 1, institution_code: VCB, status: 'rejected' }]);

    // the bank did execute a send: its settlement is applied, once, and nothing else was ever sent
    await answer(kim.instruction_id, kim.amount_dong, 'settled', null);
    const paid = await db.query(`SELECT status, paid_channel FROM payment.entitlement WHERE id = $1`, [kim.entitlement_id]);
    expect(paid).toEqual([{ status: 'paid', paid_channel: 'bank' }]);
    expect(await attempts()).toEqual([{ attempt_number: 1, institution_code: VCB, status: 'settled' }]);
  });

  it('a resend whose job already ran with nothing to do is sent by the sweep once overdue, once, and a late job for an earlier send adds nothing', async () => {
    await seedPayees(['TRINH VAN KHOA']);
    const cycle = await request(server()).post('/cycles').set('authorization', officer).send({ programmeCode: programme, provinceCode: '42', communeCode: commune, period: '2026-12' }).expect(201);
    const [batch] = (await request(server()).post(`/cycles/${cycle.body.id}/batches`).set('authorization', officer).expect(200)).body;
    await request(server()).post(`/batches/${batch.id}/approve`).set('authorization', supervisor).send({ contentHash: batch.contentHash }).expect(200);
    const [khoa] = await db.query(
      `SELECT a.instruction_id, a.amount_dong::text FROM payment.payout_attempt a JOIN payment.entitlement e ON e.id = a.entitlement_id
         JOIN payment.payee p ON p.beneficiary_id = e.beneficiary_id WHERE a.batch_id = $1 AND p.full_name = 'TRINH VAN KHOA'`,
      [batch.id],
    );
    const attempt = async () => (await db.query(`SELECT status, send_count FROM payment.payout_attempt WHERE instruction_id = $1`, [khoa.instruction_id]))[0];

    // the resend job of send 1 runs before the TECH that schedules it has committed: nothing to do, and BullMQ keeps its id
    const queue = app.get<Queue>(getQueueToken(PAYOUT_RETRY_QUEUE));
    const jobId = resendJobId(khoa.instruction_id, 1);
    await queue.add(RESEND_JOB, { instructionId: khoa.instruction_id, afterSend: 1 }, { jobId, removeOnComplete: 1_000 });
    await waitFor(async () => (await queue.getJob(jobId))?.returnvalue === 'nothing-to-do', 'the early resend job to finish with nothing to do');

    await answer(khoa.instruction_id, khoa.amount_dong, 'rejected', 'TECH');
    expect(await attempt()).toEqual({ status: 'retry_wait', send_count: 1 });
    // the TECH's own schedule under the same id added nothing: the job is the finished one
    expect(await (await queue.getJob(jobId))!.getState()).toBe('completed');

    const sweep = app.get(PayoutRetriesService);
    expect((await sweep.sweep()).overdueResent).toBe(0); // not yet due: the backoff is respected
    expect(await attempt()).toEqual({ status: 'retry_wait', send_count: 1 });

    await db.query(`UPDATE payment.payout_attempt SET last_sent_at = last_sent_at - interval '2 hours' WHERE instruction_id = $1`, [khoa.instruction_id]);
    expect((await sweep.sweep()).overdueResent).toBe(1);
    expect(await attempt()).toEqual({ status: 'sent', send_count: 2 });
    expect((await sweep.sweep()).overdueResent).toBe(0);

    // a TECH to send 2, then the job of send 1 coming late: it must not cut send 2's backoff short
    await answer(khoa.instruction_id, khoa.amount_dong, 'rejected', 'TECH');
    expect(await attempt()).toEqual({ status: 'retry_wait', send_count: 2 });
    expect(await sweep.resend(khoa.instruction_id, 1)).toBe('nothing-to-do');
    expect(await attempt()).toEqual({ status: 'retry_wait', send_count: 2 });
    const sends = await db.query(
      `SELECT envelope->'payload'->>'sendSequence' AS send FROM payment.outbox_event WHERE topic = $1 AND message_key = $2 ORDER BY 1`,
      [instructionIssuedV1(VCB).topic, khoa.instruction_id],
    );
    expect(sends).toEqual([{ send: '1' }, { send: '2' }]);
  });

  it('two workers sending the same approved batch at once send every line exactly once between them', async () => {
    await seedPayees(['PHAM THI DUNG', 'HOANG VAN EM', 'VU THI GIANG', 'DANG VAN HUNG']);
    const { batch } = await approveDecisionOnly('2026-11');
    const dispatcher = app.get(InstructionDispatcherService);

    const [first, second] = await Promise.all([dispatcher.sendApprovedLines(batch.id, 'system:worker-a'), dispatcher.sendApprovedLines(batch.id, 'system:worker-b')]);

    expect(first + second).toBe(batch.itemCount);
    expect(await outboxOf(batch.id)).toEqual({ instructions: batch.itemCount, distinct_instructions: batch.itemCount, sent_events: batch.itemCount });
    expect((await linesOf(batch.id)).every((line: { attempt_status: string; send_count: number }) => line.attempt_status === 'sent' && line.send_count === 1)).toBe(true);
    const [done] = await db.query(`SELECT dispatch_completed_at FROM payment.payout_batch WHERE id = $1`, [batch.id]);
    expect(done.dispatch_completed_at).toBeInstanceOf(Date);
  });
});
