import { beneficiaryRegisteredV1 } from '@app/contracts';
import { parseConfig } from '@app/platform';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { newBeneficiary } from '../../../test/support/beneficiary-factory';
import { startTestApp } from '../../../test/support/test-app';
import { PRINCIPALS, TEST_ENV, tokenFor } from '../../../test/support/test-environment';
import { BeneficiaryAppModule } from '../src/app.module';
import { beneficiaryConfigSchema } from '../src/config/beneficiary.config';

/** A person may ask to keep collecting cash at the post office; payment's coverage reports need to know. */
describe('choice of cash at registration', () => {
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

  const registeredPayload = async (beneficiaryId: string) => {
    const [row] = await db.query(`SELECT envelope FROM beneficiary.outbox_event WHERE message_key = $1 AND topic = $2`, [beneficiaryId, beneficiaryRegisteredV1.topic]);
    return beneficiaryRegisteredV1.envelope.parse(row.envelope).payload;
  };

  it('stores the choice and carries it in the registered event; without one, the person is paid into an account', async () => {
    const cash = await request(app.getHttpServer()).post('/beneficiaries').set('authorization', officer)
      .send({ ...newBeneficiary({ cccd: '042148009871', gender: 'female', dateOfBirth: '1948-02-02' }), paymentPreference: 'cash' }).expect(201);
    const plain = await request(app.getHttpServer()).post('/beneficiaries').set('authorization', officer)
      .send(newBeneficiary({ cccd: '042049009872', gender: 'male', dateOfBirth: '1949-03-03' })).expect(201);

    expect(await db.query(`SELECT payment_preference FROM beneficiary.beneficiary WHERE id = $1`, [cash.body.id])).toEqual([{ payment_preference: 'cash' }]);
    expect((await registeredPayload(cash.body.id)).paymentPreference).toBe('cash');
    expect((await registeredPayload(plain.body.id)).paymentPreference).toBe('account');
  });

  it('refuses an unknown choice with a Vietnamese message and writes nothing', async () => {
    const before = (await db.query(`SELECT count(*)::int AS n FROM beneficiary.beneficiary`))[0].n;
    const response = await request(app.getHttpServer()).post('/beneficiaries').set('authorization', officer)
      .send({ ...newBeneficiary({ cccd: '042050009873', gender: 'male', dateOfBirth: '1950-04-04' }), paymentPreference: 'cheque' }).expect(400);
    expect(JSON.stringify(response.body)).toContain('Hình thức nhận phải là account (tài khoản) hoặc cash (tiền mặt).');
    expect((await db.query(`SELECT count(*)::int AS n FROM beneficiary.beneficiary`))[0].n).toBe(before);
  });
});
