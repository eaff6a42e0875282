import { beneficiaryCeasedV1, beneficiaryVerifiedV1, foldVietnamese } from '@app/contracts';
import { parseConfig } from '@app/platform';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { cccdFor, newBeneficiary } from '../../../test/support/beneficiary-factory';
import { TestConsumer } from '../../../test/support/test-consumer';
import { PRINCIPALS, TEST_ENV, tokenFor } from '../../../test/support/test-environment';
import { startTestApp } from '../../../test/support/test-app';
import { BeneficiaryAppModule } from '../src/app.module';
import { beneficiaryConfigSchema } from '../src/config/beneficiary.config';

jest.setTimeout(60_000);

describe('beneficiary life-cycle, likely duplicates and search (real stack)', () => {
  let app: INestApplication;
  let db: DataSource;
  const officer = `Bearer ${tokenFor(PRINCIPALS.haTinhOfficer)}`;
  const supervisor = `Bearer ${tokenFor(PRINCIPALS.haTinhSupervisor)}`;

  beforeAll(async () => {
    app = await startTestApp(BeneficiaryAppModule.forRoot(parseConfig(beneficiaryConfigSchema, { ...TEST_ENV })));
    db = app.get(DataSource);
  });

  afterAll(async () => {
    await app.close();
  });

  const register = async (overrides = {}) =>
    (await request(app.getHttpServer()).post('/beneficiaries').set('authorization', officer).send(newBeneficiary(overrides)).expect(201)).body;
  const act = (id: string, body: object, token = officer) => request(app.getHttpServer()).post(`/beneficiaries/${id}/status`).set('authorization', token).send(body);

  it('verifies, suspends, reinstates and ceases, appending one history row and one event per change', async () => {
    const consumer = await TestConsumer.start([beneficiaryVerifiedV1.topic, beneficiaryCeasedV1.topic]);
    try {
      const { id } = await register();
      await act(id, { action: 'verify' }).expect(200);
      await act(id, { action: 'suspend', reasonCode: 'UNDER_REVIEW' }, supervisor).expect(200);
      await act(id, { action: 'reinstate', reasonCode: 'REVIEW_CLEARED' }, supervisor).expect(200);
      const ceased = await act(id, { action: 'cease', ceaseReason: 'DECEASED', effectiveDate: '2026-11-20' }).expect(200);
      expect(ceased.body).toMatchObject({ status: 'ceased', ceaseReason: 'DECEASED', paymentsStopFrom: '2026-12-01' });

      const history = await db.query(`SELECT from_status, to_status, reason_code, actor FROM beneficiary.beneficiary_status_change WHERE beneficiary_id = $1 ORDER BY id`, [id]);
      expect(history).toEqual([
        { from_status: null, to_status: 'pending_verification', reason_code: 'REGISTERED', actor: 'officer:can.bo.ha.tinh' },
        { from_status: 'pending_verification', to_status: 'active', reason_code: 'VERIFIED_BY_OFFICER', actor: 'officer:can.bo.ha.tinh' },
        { from_status: 'active', to_status: 'suspended', reason_code: 'UNDER_REVIEW', actor: 'supervisor:lanh.dao.ha.tinh' },
        { from_status: 'suspended', to_status: 'active', reason_code: 'REVIEW_CLEARED', actor: 'supervisor:lanh.dao.ha.tinh' },
        { from_status: 'active', to_status: 'ceased', reason_code: 'DECEASED', actor: 'officer:can.bo.ha.tinh' },
      ]);
      const events = await db.query(`SELECT topic FROM beneficiary.outbox_event WHERE message_key = $1 ORDER BY id`, [id]);
      expect(events.map((row: { topic: string }) => row.topic)).toEqual([
        'beneficiary.beneficiary.registered.v1',
        'beneficiary.beneficiary.verified.v1',
        'beneficiary.beneficiary.suspended.v1',
        'beneficiary.beneficiary.reinstated.v1',
        'beneficiary.beneficiary.ceased.v1',
      ]);
      const message = await consumer.waitFor((m) => m.key === id && m.topic === beneficiaryCeasedV1.topic, 'the ceased event');
      const envelope = beneficiaryCeasedV1.envelope.parse(JSON.parse(message.value!.toString()));
      expect(envelope.payload).toMatchObject({ reasonCode: 'DECEASED', effectiveDate: '2026-11-20', paymentsStopFrom: '2026-12-01', opensFuneralSupport: true });
    } finally {
      await consumer.stop();
    }
  });

  it.each([
    ['a ceased beneficiary cannot be reinstated', [{ action: 'cease', ceaseReason: 'MOVED', effectiveDate: '2026-11-01' }], { action: 'reinstate', reasonCode: 'REVIEW_CLEARED' }, 409, 'BENEFICIARY.TRANSITION_NOT_ALLOWED'],
    ['a pending beneficiary cannot be suspended', [], { action: 'suspend', reasonCode: 'UNDER_REVIEW' }, 409, 'BENEFICIARY.TRANSITION_NOT_ALLOWED'],
    ['a cease needs a reason and a date', [], { action: 'cease' }, 400, 'BENEFICIARY.CEASE_NEEDS_REASON_AND_DATE'],
    ['a suspension needs a reason', [{ action: 'verify' }], { action: 'suspend' }, 400, 'BENEFICIARY.REASON_REQUIRED'],
    ['an unknown action is refused', [], { action: 'delete' }, 400, 'REQUEST.VALIDATION_FAILED'],
    ['an unknown cease reason is refused', [], { action: 'cease', ceaseReason: 'BORED', effectiveDate: '2026-11-01' }, 400, 'REQUEST.VALIDATION_FAILED'],
  ])('%s, and nothing changes', async (_label, before, body, status, code) => {
    const { id } = await register();
    for (const step of before) await act(id, step).expect(200);
    const snapshot = async () => db.query(`SELECT (SELECT count(*) FROM beneficiary.beneficiary_status_change WHERE beneficiary_id = $1)::int AS history, (SELECT status FROM beneficiary.beneficiary WHERE id = $1) AS status, (SELECT count(*) FROM beneficiary.outbox_event WHERE message_key = $1::text)::int AS events`, [id]);
    const previous = await snapshot();
    const response = await act(id, body).expect(status);
    expect(response.body.code).toBe(code);
    expect(await snapshot()).toEqual(previous);
  });

  it('refuses status changes by auditors and by officers of another area', async () => {
    const { id } = await register();
    expect((await act(id, { action: 'verify' }, `Bearer ${tokenFor(PRINCIPALS.nationalAuditor)}`).expect(403)).body.code).toBe('AUTH.ROLE_NOT_ALLOWED');
    expect((await act(id, { action: 'verify' }, `Bearer ${tokenFor(PRINCIPALS.haNoiOfficer)}`).expect(403)).body.code).toBe('AUTH.OUT_OF_AREA');
  });

  describe('likely duplicates', () => {
    it('flags the same folded name, birth date and commune under another CCCD, without merging', async () => {
      const first = await register({ fullName: 'Phạm Thị Huệ', gender: 'female', dateOfBirth: '1944-02-02', cccd: cccdFor('42', '1944-02-02', 'female', 111), communeCode: '18100', programmeCode: 'DUP_TEST' });
      // Same person keyed again, without diacritics and with another (mistyped) CCCD.
      const second = await register({ fullName: 'PHAM THI HUE', gender: 'female', dateOfBirth: '1944-02-02', cccd: cccdFor('42', '1944-02-02', 'female', 112), communeCode: '18100', programmeCode: 'DUP_TEST' });
      expect(first.possibleDuplicateOf).toEqual([]);
      expect(second.possibleDuplicateOf).toEqual([first.id]);
      // A namesake in another commune is not a candidate.
      const elsewhere = await register({ fullName: 'Phạm Thị Huệ', gender: 'female', dateOfBirth: '1944-02-02', cccd: cccdFor('42', '1944-02-02', 'female', 113), communeCode: '18304', programmeCode: 'DUP_TEST' });
      expect(elsewhere.possibleDuplicateOf).toEqual([]);

      const open = await request(app.getHttpServer()).get('/duplicate-candidates').set('authorization', officer).expect(200);
      const candidate = open.body.find((row: { beneficiaryId: string }) => row.beneficiaryId === second.id);
      expect(candidate).toMatchObject({ possibleDuplicateOf: first.id, rule: 'SAME_NAME_BIRTH_DATE_COMMUNE' });
      const outside = await request(app.getHttpServer()).get('/duplicate-candidates').set('authorization', `Bearer ${tokenFor(PRINCIPALS.haNoiOfficer)}`).expect(200);
      expect(outside.body.some((row: { beneficiaryId: string }) => row.beneficiaryId === second.id)).toBe(false);

      await request(app.getHttpServer()).post(`/duplicate-candidates/${candidate.id}/resolve`).set('authorization', supervisor).send({ decision: 'same_person', note: 'Nhập trùng, sai số CCCD', effectiveDate: '2026-11-23' }).expect(200);
      const [row] = await db.query(`SELECT status, cease_reason, payments_stop_from::text FROM beneficiary.beneficiary WHERE id = $1`, [second.id]);
      expect(row).toEqual({ status: 'ceased', cease_reason: 'DUPLICATE', payments_stop_from: '2026-12-01' });
      const [original] = await db.query(`SELECT status FROM beneficiary.beneficiary WHERE id = $1`, [first.id]);
      expect(original.status).toBe('pending_verification');
      const again = await request(app.getHttpServer()).post(`/duplicate-candidates/${candidate.id}/resolve`).set('authorization', supervisor).send({ decision: 'distinct_people' }).expect(409);
      expect(again.body.code).toBe('BENEFICIARY.DUPLICATE_ALREADY_RESOLVED');
    });

    it('computes the same folded name in the database as in code', async () => {
      const names = ['Nguyễn Thị Đào', 'Đặng Văn Đức', 'Huỳnh Thị Ngọc Ánh', 'Lê  Thị   Ửng', 'Võ Văn Kiệt', 'Ông Ích Khiêm', 'Trương Thị Mỹ Ngọc'];
      for (const fullName of names) {
        const { id } = await register({ fullName });
        const [row] = await db.query(`SELECT name_key FROM beneficiary.beneficiary WHERE id = $1`, [id]);
        expect(row.name_key).toBe(foldVietnamese(fullName));
      }
    });
  });

  describe('search', () => {
    it('finds by unaccented name prefix or CCCD ending, only inside the reader’s area, masked', async () => {
      const target = await register({ fullName: 'Trương Thị Mỹ Ngọc', programmeCode: 'SEARCH_TEST' });
      const byName = await request(app.getHttpServer()).get('/beneficiaries').query({ q: 'truong thi my', programmeCode: 'SEARCH_TEST' }).set('authorization', officer).expect(200);
      expect(byName.body.items.map((item: { id: string }) => item.id)).toContain(target.id);
      const [stored] = await db.query(`SELECT cccd FROM beneficiary.beneficiary WHERE id = $1`, [target.id]);
      const byCccd = await request(app.getHttpServer()).get('/beneficiaries').query({ q: stored.cccd.slice(-6), programmeCode: 'SEARCH_TEST' }).set('authorization', officer).expect(200);
      expect(byCccd.body.items.map((item: { id: string }) => item.id)).toEqual([target.id]);
      expect(JSON.stringify(byCccd.body)).not.toContain(stored.cccd);

      const haNoi = await request(app.getHttpServer()).get('/beneficiaries').query({ programmeCode: 'SEARCH_TEST' }).set('authorization', `Bearer ${tokenFor(PRINCIPALS.haNoiOfficer)}`).expect(200);
      expect(haNoi.body.total).toBe(0);
      const forbidden = await request(app.getHttpServer()).get('/beneficiaries').query({ provinceCode: '42' }).set('authorization', `Bearer ${tokenFor(PRINCIPALS.haNoiOfficer)}`).expect(403);
      expect(forbidden.body.code).toBe('AUTH.OUT_OF_AREA');
      const national = await request(app.getHttpServer()).get('/beneficiaries').query({ programmeCode: 'SEARCH_TEST' }).set('authorization', `Bearer ${tokenFor(PRINCIPALS.nationalAuditor)}`).expect(200);
      expect(national.body.total).toBe(1);
      await request(app.getHttpServer()).get('/beneficiaries').query({ pageSize: 10_000 }).set('authorization', officer).expect(400);
    });
  });
});
