import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '@app/platform';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplication } from '@nestjs/common';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { newBeneficiary, type BeneficiaryInput } from '../../../test/support/beneficiary-factory';
import { ServiceProcess } from '../../../test/support/service-process';
import { PRINCIPALS, TEST_ENV, tokenFor, waitFor } from '../../../test/support/test-environment';
import { startTestApp } from '../../../test/support/test-app';
import { BeneficiaryAppModule } from '../src/app.module';
import { beneficiaryConfigSchema } from '../src/config/beneficiary.config';
import { IDENTITY_QUEUE } from '../src/identity/identity-queue';

jest.setTimeout(90_000);

const REGISTRY_PORT = Number(new URL(TEST_ENV.POPULATION_REGISTRY_URL).port);

describe('identity checks against the population registry stand-in (real process, real queues)', () => {
  let app: INestApplication;
  let db: DataSource;
  let registry: ServiceProcess;
  const officer = `Bearer ${tokenFor(PRINCIPALS.haTinhOfficer)}`;

  const seedCitizen = (person: BeneficiaryInput, change: Partial<BeneficiaryInput> = {}) =>
    fetch(`${registry.url}/citizens/${person.cccd}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fullName: person.fullName, dateOfBirth: person.dateOfBirth, gender: person.gender, ...change }),
    }).then((response) => expect(response.status).toBe(200));
  const reportDeath = (cccd: string, dateOfDeath: string) =>
    fetch(`${registry.url}/citizens/${cccd}/death`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dateOfDeath }) }).then((response) =>
      expect(response.status).toBe(201),
    );
  const register = async (person: BeneficiaryInput) => (await request(app.getHttpServer()).post('/beneficiaries').set('authorization', officer).send(person).expect(201)).body.id as string;
  const statusOf = async (id: string) => (await db.query(`SELECT status, cease_reason, ceased_effective_date::text, payments_stop_from::text FROM beneficiary.beneficiary WHERE id = $1`, [id]))[0];
  const checksOf = async (id: string) =>
    (await request(app.getHttpServer()).get(`/beneficiaries/${id}/identity-checks`).set('authorization', officer).expect(200)).body as Array<{ outcome: string; mismatchedFields: string[] }>;

  beforeAll(async () => {
    registry = await ServiceProcess.start('population-registry-stand-in', REGISTRY_PORT);
    app = await startTestApp(BeneficiaryAppModule.forRoot(parseConfig(beneficiaryConfigSchema, { ...TEST_ENV })));
    db = app.get(DataSource);
  });

  afterAll(async () => {
    await app.close();
    await registry.stop();
  });

  it('activates a registration the registry confirms, and publishes it as verified by the registry', async () => {
    const person = newBeneficiary();
    await seedCitizen(person, { fullName: person.fullName.normalize('NFD').toUpperCase() });
    const id = await register(person);
    await waitFor(async () => (await statusOf(id)).status === 'active', 'the registry check');
    expect(await checksOf(id)).toEqual([expect.objectContaining({ outcome: 'match', mismatchedFields: [] })]);
    const [event] = await db.query(`SELECT envelope->'payload'->>'verifiedBy' AS by FROM beneficiary.outbox_event WHERE message_key = $1 AND topic = 'beneficiary.beneficiary.verified.v1'`, [id]);
    expect(event.by).toBe('population_registry');
  });

  it.each([
    ['another name', { fullName: 'Nguyễn Văn Khác' }, ['fullName']],
    ['another birth date and gender', { dateOfBirth: '1950-01-01', gender: 'male' }, ['dateOfBirth', 'gender']],
  ])('keeps a registration pending when the registry has %s, naming the fields', async (_label, change, fields) => {
    const person = newBeneficiary({ gender: 'female' });
    await seedCitizen(person, change as Partial<BeneficiaryInput>);
    const id = await register(person);
    await waitFor(async () => (await checksOf(id)).length === 1, 'the registry check');
    expect(await checksOf(id)).toEqual([expect.objectContaining({ outcome: 'mismatch', mismatchedFields: fields })]);
    expect((await statusOf(id)).status).toBe('pending_verification');
  });

  it('records a citizen unknown to the registry as not found, and an officer can ask again', async () => {
    const person = newBeneficiary();
    const id = await register(person);
    await waitFor(async () => (await checksOf(id)).length === 1, 'the registry check');
    expect((await checksOf(id))[0].outcome).toBe('not_found');
    await seedCitizen(person);
    await request(app.getHttpServer()).post(`/beneficiaries/${id}/identity-checks`).set('authorization', officer).expect(202);
    await waitFor(async () => (await statusOf(id)).status === 'active', 'the second check');
    expect((await checksOf(id)).map((check) => check.outcome)).toEqual(['not_found', 'match']);
  });

  it('ceases a registration whose citizen the registry already knows as deceased, from the next month', async () => {
    const person = newBeneficiary();
    await seedCitizen(person);
    await reportDeath(person.cccd, '2026-10-15');
    const id = await register(person);
    await waitFor(async () => (await statusOf(id)).status === 'ceased', 'the registry check');
    expect(await statusOf(id)).toEqual({ status: 'ceased', cease_reason: 'DECEASED', ceased_effective_date: '2026-10-15', payments_stop_from: '2026-11-01' });
  });

  it('ceases every active registration of a citizen when the registry reports the death, exactly once', async () => {
    const person = newBeneficiary();
    await seedCitizen(person);
    const allowance = await register(person);
    const meritorious = await register({ ...person, programmeCode: 'NCC' });
    await waitFor(async () => (await statusOf(allowance)).status === 'active' && (await statusOf(meritorious)).status === 'active', 'both verified');

    await reportDeath(person.cccd, '2026-11-20');
    await waitFor(async () => (await statusOf(allowance)).status === 'ceased' && (await statusOf(meritorious)).status === 'ceased', 'the death feed');
    expect(await statusOf(allowance)).toMatchObject({ cease_reason: 'DECEASED', payments_stop_from: '2026-12-01' });
    // The feed keeps polling; once it has polled again, the notice must still have been applied once.
    const [{ updated_at: appliedAt }] = await db.query(`SELECT updated_at FROM beneficiary.registry_feed_cursor WHERE feed = 'deaths'`);
    await waitFor(
      async () => (await db.query(`SELECT updated_at > $1 AS later FROM beneficiary.registry_feed_cursor WHERE feed = 'deaths'`, [appliedAt]))[0].later,
      'another poll of the death feed',
    );
    const ceasedRows = await db.query(`SELECT count(*)::int AS n FROM beneficiary.beneficiary_status_change WHERE beneficiary_id = ANY($1::uuid[]) AND to_status = 'ceased'`, [[allowance, meritorious]]);
    expect(ceasedRows[0].n).toBe(2);
  });

  it('gives no verdict while the registry is down, and verifies once it is back', async () => {
    await registry.stop();
    const person = newBeneficiary();
    const id = await register(person);
    const queue = app.get<Queue>(getQueueToken(IDENTITY_QUEUE));
    // The sweep queued the check and it has failed at least once against the closed port.
    await waitFor(async () => {
      const jobs = await queue.getJobs(['delayed', 'wait', 'active', 'failed']);
      return jobs.some((job) => job?.data.beneficiaryId === id && job.attemptsMade >= 1);
    }, 'a failed attempt while the registry is down');
    expect(await checksOf(id)).toEqual([]);
    expect((await statusOf(id)).status).toBe('pending_verification');

    const seed = path.join(os.tmpdir(), `registry-seed-${id}.json`);
    await writeFile(seed, JSON.stringify([{ cccd: person.cccd, fullName: person.fullName, dateOfBirth: person.dateOfBirth, gender: person.gender }]));
    registry = await ServiceProcess.start('population-registry-stand-in', REGISTRY_PORT, { REGISTRY_SEED_FILE: seed });
    await waitFor(async () => (await statusOf(id)).status === 'active', 'the retried check', 60_000);
    expect((await checksOf(id)).map((check) => check.outcome)).toEqual(['match']);
  });
});
