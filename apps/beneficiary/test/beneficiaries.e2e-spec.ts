import { beneficiaryRegisteredV1 } from '@app/contracts';
import { parseConfig } from '@app/platform';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { newBeneficiary } from '../../../test/support/beneficiary-factory';
import { TestConsumer } from '../../../test/support/test-consumer';
import { PRINCIPALS, TEST_ENV, tokenFor } from '../../../test/support/test-environment';
import { startTestApp } from '../../../test/support/test-app';
import { BeneficiaryAppModule } from '../src/app.module';
import { beneficiaryConfigSchema } from '../src/config/beneficiary.config';

jest.setTimeout(60_000);

describe('beneficiary service (HTTP, real PostgreSQL / Kafka / Redis)', () => {
  let app: INestApplication;
  let db: DataSource;
  const officer = `Bearer ${tokenFor(PRINCIPALS.haTinhOfficer)}`;

  beforeAll(async () => {
    app = await startTestApp(BeneficiaryAppModule.forRoot(parseConfig(beneficiaryConfigSchema, { ...TEST_ENV })));
    db = app.get(DataSource);
  });

  afterAll(async () => {
    await app.close();
  });

  const snapshot = async () => {
    const [row] = await db.query(`SELECT
        (SELECT count(*) FROM beneficiary.beneficiary)::int AS beneficiaries,
        (SELECT count(*) FROM beneficiary.beneficiary_status_change)::int AS history,
        (SELECT count(*) FROM beneficiary.outbox_event)::int AS outbox`);
    return row as { beneficiaries: number; history: number; outbox: number };
  };

  describe('registration', () => {
    it('stores the person, the first status and the event together, and publishes the event to Kafka', async () => {
      const consumer = await TestConsumer.start([beneficiaryRegisteredV1.topic]);
      try {
        const input = newBeneficiary({ fullName: 'Nguyễn Thị Đào', gender: 'female', dateOfBirth: '1948-03-15', cccd: '042148001234', phone: '0912345678' });
        const response = await request(app.getHttpServer())
          .post('/beneficiaries')
          .set('authorization', officer)
          .set('x-correlation-id', 'e2e-registration-1')
          .send(input)
          .expect(201);

        expect(response.headers['x-correlation-id']).toBe('e2e-registration-1');
        expect(response.body).toMatchObject({ cccdMasked: '*********234', phoneMasked: '*******678', status: 'pending_verification', fullName: 'Nguyễn Thị Đào' });
        expect(JSON.stringify(response.body)).not.toContain('042148001234');

        const id = response.body.id;
        const [stored] = await db.query(`SELECT cccd, full_name, province_code, commune_code, status, registered_by FROM beneficiary.beneficiary WHERE id = $1`, [id]);
        expect(stored).toEqual({ cccd: '042148001234', full_name: 'Nguyễn Thị Đào', province_code: '42', commune_code: '18073', status: 'pending_verification', registered_by: 'officer:can.bo.ha.tinh' });
        const history = await db.query(`SELECT from_status, to_status, reason_code, actor FROM beneficiary.beneficiary_status_change WHERE beneficiary_id = $1`, [id]);
        expect(history).toEqual([{ from_status: null, to_status: 'pending_verification', reason_code: 'REGISTERED', actor: 'officer:can.bo.ha.tinh' }]);

        const message = await consumer.waitFor((m) => m.key === id, 'the registered event on Kafka');
        const envelope = beneficiaryRegisteredV1.envelope.parse(JSON.parse(message.value!.toString()));
        expect(envelope).toMatchObject({ aggregateId: id, correlationId: 'e2e-registration-1', producer: 'beneficiary', payload: { beneficiaryId: id, cccd: '042148001234' } });
        expect(message.headers['x-correlation-id']).toBe('e2e-registration-1');
      } finally {
        await consumer.stop();
      }
    });

    it('refuses a second registration of the same citizen in the same programme (409) and writes nothing', async () => {
      const input = newBeneficiary();
      await request(app.getHttpServer()).post('/beneficiaries').set('authorization', officer).send(input).expect(201);
      const before = await snapshot();
      const response = await request(app.getHttpServer())
        .post('/beneficiaries')
        .set('authorization', officer)
        .send({ ...input, fullName: 'Tên Khác Hẳn' })
        .expect(409);
      expect(response.body.code).toBe('BENEFICIARY.DUPLICATE');
      expect(await snapshot()).toEqual(before);
      // The same citizen may still be entered in another programme.
      await request(app.getHttpServer()).post('/beneficiaries').set('authorization', officer).send({ ...input, programmeCode: 'NCC' }).expect(201);
    });

    const base = () => newBeneficiary({ gender: 'female', dateOfBirth: '1950-07-01', cccd: '042150123456' });
    it.each([
      ['an 11-digit CCCD', { cccd: '04215012345' }, 400, 'REQUEST.VALIDATION_FAILED', 'cccd'],
      ['a CCCD with a letter', { cccd: '04215012345A' }, 400, 'REQUEST.VALIDATION_FAILED', 'cccd'],
      ['a CCCD whose province prefix does not exist', { cccd: '099150123456' }, 400, 'BENEFICIARY.INVALID_CCCD', 'Ba số đầu của CCCD'],
      ['a CCCD of a man for a woman', { cccd: '042050123456' }, 400, 'BENEFICIARY.INVALID_CCCD', 'Giới tính mã hóa trong CCCD'],
      ['a CCCD with another birth year', { cccd: '042151123456' }, 400, 'BENEFICIARY.INVALID_CCCD', 'Năm sinh mã hóa trong CCCD'],
      ['a commune of another province', { communeCode: '00004' }, 400, 'BENEFICIARY.COMMUNE_NOT_IN_PROVINCE', 'Phường Ba Đình không thuộc Tỉnh Hà Tĩnh'],
      ['a commune missing from the 2025 list', { communeCode: '99999' }, 400, 'BENEFICIARY.UNKNOWN_COMMUNE', 'communeCode'],
      ['a pre-2025 province code', { provinceCode: '28' }, 400, 'REQUEST.VALIDATION_FAILED', 'provinceCode'],
      ['a 4-digit commune code', { communeCode: '1830' }, 400, 'REQUEST.VALIDATION_FAILED', 'communeCode'],
      ['an impossible date', { dateOfBirth: '1950-02-30' }, 400, 'REQUEST.VALIDATION_FAILED', 'dateOfBirth'],
      ['a landline-length phone', { phone: '02393856' }, 400, 'REQUEST.VALIDATION_FAILED', 'phone'],
      ['an empty name', { fullName: '   ' }, 400, 'REQUEST.VALIDATION_FAILED', 'fullName'],
      ['a lower-case programme code', { programmeCode: 'tc_xh' }, 400, 'REQUEST.VALIDATION_FAILED', 'programmeCode'],
      ['an unknown field', { bankAccount: '0071000123456' }, 400, 'REQUEST.VALIDATION_FAILED', 'bankAccount'],
      ['a missing gender', { gender: undefined }, 400, 'REQUEST.VALIDATION_FAILED', 'gender'],
    ])('rejects %s with a clear error and writes nothing', async (_label, change, status, code, mentioned) => {
      const before = await snapshot();
      const response = await request(app.getHttpServer()).post('/beneficiaries').set('authorization', officer).send({ ...base(), ...change }).expect(status);
      expect(response.body.code).toBe(code);
      expect(JSON.stringify(response.body)).toContain(mentioned);
      expect(response.body.message).toMatch(/[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i);
      expect(await snapshot()).toEqual(before);
    });

    it('rejects a date of birth in the future', async () => {
      const before = await snapshot();
      const response = await request(app.getHttpServer())
        .post('/beneficiaries')
        .set('authorization', officer)
        .send({ ...newBeneficiary(), dateOfBirth: '2099-01-01', cccd: '042299000001', gender: 'male' })
        .expect(400);
      expect(response.body.code).toBe('BENEFICIARY.DATE_OF_BIRTH_IN_FUTURE');
      expect(await snapshot()).toEqual(before);
    });

    it('rejects a body that is not JSON', async () => {
      const before = await snapshot();
      const response = await request(app.getHttpServer()).post('/beneficiaries').set('authorization', officer).set('content-type', 'application/json').send('{"fullName": ').expect(400);
      expect(response.body.code).toBe('REQUEST.INVALID');
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('access', () => {
    it.each([
      ['no token', undefined, 401, 'AUTH.UNAUTHENTICATED'],
      ['a token signed with another key', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4Iiwicm9sZSI6Im9mZmljZXIifQ.c2lnbmF0dXJl', 401, 'AUTH.INVALID_TOKEN'],
      ['an auditor (read-only)', `Bearer ${tokenFor(PRINCIPALS.nationalAuditor)}`, 403, 'AUTH.ROLE_NOT_ALLOWED'],
      ['a bank', `Bearer ${tokenFor(PRINCIPALS.vietcombank)}`, 403, 'AUTH.ROLE_NOT_ALLOWED'],
      ['an officer of another province', `Bearer ${tokenFor(PRINCIPALS.haNoiOfficer)}`, 403, 'AUTH.OUT_OF_AREA'],
      ['a commune officer registering in another commune', `Bearer ${tokenFor(PRINCIPALS.communeOfficer)}`, 403, 'AUTH.OUT_OF_AREA'],
    ])('refuses a registration by %s', async (_label, authorization, status, code) => {
      const before = await snapshot();
      const call = request(app.getHttpServer()).post('/beneficiaries').send(newBeneficiary({ communeCode: '18304' }));
      if (authorization) call.set('authorization', authorization);
      const response = await call.expect(status);
      expect(response.body.code).toBe(code);
      expect(await snapshot()).toEqual(before);
    });

    it('shows a beneficiary, masked, only inside the reader’s area', async () => {
      const created = await request(app.getHttpServer()).post('/beneficiaries').set('authorization', officer).send(newBeneficiary()).expect(201);
      const path = `/beneficiaries/${created.body.id}`;
      await request(app.getHttpServer()).get(path).set('authorization', `Bearer ${tokenFor(PRINCIPALS.nationalAuditor)}`).expect(200);
      await request(app.getHttpServer()).get(path).set('authorization', `Bearer ${tokenFor(PRINCIPALS.haTinhSupervisor)}`).expect(200);
      const outside = await request(app.getHttpServer()).get(path).set('authorization', `Bearer ${tokenFor(PRINCIPALS.haNoiOfficer)}`).expect(403);
      expect(outside.body.code).toBe('AUTH.OUT_OF_AREA');
      await request(app.getHttpServer()).get('/beneficiaries/not-a-uuid').set('authorization', officer).expect(400);
      const missing = await request(app.getHttpServer()).get('/beneficiaries/01a20822-5612-73e0-a122-4caec0039850').set('authorization', officer).expect(404);
      expect(missing.body.code).toBe('BENEFICIARY.NOT_FOUND');
    });
  });

  describe('history', () => {
    it('cannot be edited or deleted, even with direct database access', async () => {
      await expect(db.query(`UPDATE beneficiary.beneficiary_status_change SET reason_code = 'EDITED'`)).rejects.toThrow(/append-only/);
      await expect(db.query(`DELETE FROM beneficiary.beneficiary_status_change`)).rejects.toThrow(/append-only/);
    });
  });

  describe('platform endpoints', () => {
    it('reports readiness of PostgreSQL, Redis and Kafka without a token', async () => {
      const response = await request(app.getHttpServer()).get('/health').expect(200);
      expect(response.body.details).toEqual({ postgres: expect.objectContaining({ status: 'up' }), redis: { status: 'up' }, kafka: { status: 'up' } });
    });

    it('exposes Prometheus metrics including the outbox counters', async () => {
      const response = await request(app.getHttpServer()).get('/metrics').expect(200);
      expect(response.text).toContain('ansinh_outbox_published_total');
      expect(response.text).toContain('process_cpu_user_seconds_total');
    });

    it('serves the OpenAPI document with the registration route', async () => {
      const response = await request(app.getHttpServer()).get('/docs-json').expect(200);
      expect(Object.keys(response.body.paths)).toEqual(expect.arrayContaining(['/beneficiaries', '/beneficiaries/{id}', '/health']));
    });
  });
});
