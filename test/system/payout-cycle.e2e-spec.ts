import { BANK_REASON_CODE_LIST, foldVietnamese } from '@app/contracts';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { cccdFor, newBeneficiary, type BeneficiaryInput } from '../support/beneficiary-factory';
import { freePort } from '../support/free-port';
import { ServiceProcess, type ServiceName } from '../support/service-process';
import { PRINCIPALS, TEST_ENV, tokenFor, waitFor } from '../support/test-environment';

jest.setTimeout(600_000);
// Waits end as soon as their condition holds (about 50 s in all on an idle 2-core machine); the limits are
// generous because the machines that run this share their two cores with other test runs.
const PATIENCE_MS = 180_000;

/**
 * Issue #4's acceptance: one commune's month, from registration to a closed cycle, with every service
 * and stand-in as a real process on the real broker, database and Redis. The bank stand-in answers the
 * instructions; the test only says, per account or CCCD, what the institution will answer.
 */

const RUN = randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase();
// A programme of this run only: the broker's history (other runs' registrations) never joins the cycle.
const PROGRAMME = `HT_SYS_${RUN}`;
// Xã Sơn Hồng, Hà Tĩnh: no other test nor the demo data pays there, so the bank stand-in answers only this test's instructions.
const COMMUNE = '18160';
const PERIOD = '2026-11';
const BIDV = '970418';
const VIETINBANK = '970415';
const ZALOPAY = 'ZALOPAY';
const VNPOST = 'VNPOST';
const NBSP = '\u00a0';
const MAX_SENDS = Number(TEST_ENV.PAYOUT_MAX_SENDS);

type Forced = { outcome: 'settled' | 'no_answer' | 'drop' } | { outcome: 'rejected'; reasonCode: string };
interface AccountPlan {
  institution: string;
  /** What the institution answers to instructions for this account; absent: it pays. */
  forced?: Forced & { times?: number };
}
interface Person {
  fullName: string;
  gender: 'male' | 'female';
  category: 'NCT_80' | 'KT_NANG' | 'KT_DB_NANG';
  accounts: AccountPlan[];
  /** What the post office answers for this person's cash (forced by CCCD). */
  cash?: Forced;
  preferences?: { channels: Array<'sms' | 'zalo' | 'email'>; email?: string; zaloUserId?: string };
  expected: {
    status: 'paid' | 'held';
    channel?: 'bank' | 'ewallet' | 'cash';
    finalReason?: string;
    amountDong: string;
    /** Each attempt: institution, final status, reason, sends. */
    attempts: Array<[string, string, string | null, number]>;
    notices: string[];
  };
}

const reject = (reasonCode: string, times?: number) => ({ outcome: 'rejected' as const, reasonCode, ...(times ? { times } : {}) });
const linkedAndVerified = (accounts: number) => Array.from({ length: accounts }, () => ['account-linked', 'account-verified']).flat();

/** Every reason code of bank-reason-codes.ts, and an institution that never answers, happens to someone. */
const PEOPLE: Person[] = [
  {
    fullName: 'Nguyễn Thị Đào', gender: 'female', category: 'NCT_80', accounts: [{ institution: BIDV }],
    preferences: { channels: ['zalo', 'email'], email: 'dao.nguyen@example.vn', zaloUserId: '5833212345678901234' },
    expected: { status: 'paid', channel: 'bank', amountDong: '500000', attempts: [[BIDV, 'settled', null, 1]], notices: [...linkedAndVerified(1), 'payout-sent', 'payout-settled'] },
  },
  {
    fullName: 'Trần Văn Hùng', gender: 'male', category: 'KT_NANG', accounts: [{ institution: BIDV, forced: reject('AC01') }, { institution: ZALOPAY }],
    preferences: { channels: ['email'], email: 'tran.van.hung@example.vn' },
    expected: {
      status: 'paid', channel: 'ewallet', amountDong: '750000', attempts: [[BIDV, 'rejected', 'AC01', 1], [ZALOPAY, 'settled', null, 1]],
      notices: [...linkedAndVerified(2), 'payout-sent', 'payout-failed-next-channel', 'payout-sent', 'payout-settled'],
    },
  },
  {
    fullName: 'Lê Thị Hoa', gender: 'female', category: 'NCT_80', accounts: [{ institution: BIDV, forced: reject('AC04') }],
    expected: {
      status: 'paid', channel: 'cash', amountDong: '500000', attempts: [[BIDV, 'rejected', 'AC04', 1], [VNPOST, 'settled', null, 1]],
      notices: [...linkedAndVerified(1), 'payout-sent', 'payout-failed-cash', 'payout-sent-cash', 'payout-settled-cash'],
    },
  },
  {
    fullName: 'Phạm Văn Dũng', gender: 'male', category: 'KT_DB_NANG', accounts: [{ institution: BIDV, forced: reject('AC06') }, { institution: ZALOPAY, forced: reject('AG01') }],
    expected: {
      status: 'paid', channel: 'cash', amountDong: '1000000', attempts: [[BIDV, 'rejected', 'AC06', 1], [ZALOPAY, 'rejected', 'AG01', 1], [VNPOST, 'settled', null, 1]],
      notices: [...linkedAndVerified(2), 'payout-sent', 'payout-failed-next-channel', 'payout-sent', 'payout-failed-cash', 'payout-sent-cash', 'payout-settled-cash'],
    },
  },
  {
    fullName: 'Hoàng Thị Lan', gender: 'female', category: 'NCT_80', accounts: [{ institution: BIDV, forced: reject('BE01') }], cash: reject('NOT_COLLECTED'),
    expected: {
      status: 'held', finalReason: 'NOT_COLLECTED', amountDong: '500000', attempts: [[BIDV, 'rejected', 'BE01', 1], [VNPOST, 'rejected', 'NOT_COLLECTED', 1]],
      notices: [...linkedAndVerified(1), 'payout-sent', 'payout-failed-cash', 'payout-sent-cash', 'payout-held'],
    },
  },
  {
    fullName: 'Vũ Văn Giang', gender: 'male', category: 'NCT_80', accounts: [{ institution: BIDV, forced: reject('RR04') }],
    expected: {
      status: 'paid', channel: 'cash', amountDong: '500000', attempts: [[BIDV, 'rejected', 'RR04', 1], [VNPOST, 'settled', null, 1]],
      notices: [...linkedAndVerified(1), 'payout-sent', 'payout-failed-cash', 'payout-sent-cash', 'payout-settled-cash'],
    },
  },
  {
    fullName: 'Đặng Thị Mai', gender: 'female', category: 'NCT_80', accounts: [{ institution: VIETINBANK, forced: reject('NARR') }, { institution: ZALOPAY }],
    expected: {
      status: 'paid', channel: 'ewallet', amountDong: '500000', attempts: [[VIETINBANK, 'rejected', 'NARR', 1], [ZALOPAY, 'settled', null, 1]],
      notices: [...linkedAndVerified(2), 'payout-sent', 'payout-failed-next-channel', 'payout-sent', 'payout-settled'],
    },
  },
  {
    // a technical failure, then paid: the same instruction id sent again (the attempt keeps the TECH it
    // got on the way), credited once
    fullName: 'Bùi Văn Khánh', gender: 'male', category: 'NCT_80', accounts: [{ institution: BIDV, forced: reject('TECH', 1) }],
    expected: { status: 'paid', channel: 'bank', amountDong: '500000', attempts: [[BIDV, 'settled', 'TECH', 2]], notices: [...linkedAndVerified(1), 'payout-sent', 'payout-settled'] },
  },
  {
    // deceased: held for the officer, never sent to her e-wallet nor to cash
    fullName: 'Đỗ Thị Hương', gender: 'female', category: 'NCT_80', accounts: [{ institution: BIDV, forced: reject('MD07') }, { institution: ZALOPAY }],
    expected: { status: 'held', finalReason: 'MD07', amountDong: '500000', attempts: [[BIDV, 'rejected', 'MD07', 1]], notices: [...linkedAndVerified(2), 'payout-sent', 'payout-held'] },
  },
  {
    fullName: 'Hồ Văn Long', gender: 'male', category: 'NCT_80', accounts: [{ institution: BIDV, forced: reject('AM05') }],
    expected: { status: 'held', finalReason: 'AM05', amountDong: '500000', attempts: [[BIDV, 'rejected', 'AM05', 1]], notices: [...linkedAndVerified(1), 'payout-sent', 'payout-held'] },
  },
  {
    fullName: 'Ngô Thị Nhung', gender: 'female', category: 'KT_NANG', accounts: [{ institution: BIDV, forced: reject('AM09') }],
    expected: { status: 'held', finalReason: 'AM09', amountDong: '750000', attempts: [[BIDV, 'rejected', 'AM09', 1]], notices: [...linkedAndVerified(1), 'payout-sent', 'payout-held'] },
  },
  {
    // the bank never answers: sent PAYOUT_MAX_SENDS times, then held (it may have paid)
    fullName: 'Dương Văn Sơn', gender: 'male', category: 'NCT_80', accounts: [{ institution: BIDV, forced: { outcome: 'drop' } }],
    expected: {
      status: 'held', finalReason: 'TIMEOUT', amountDong: '500000', attempts: [[BIDV, 'unanswered', 'TIMEOUT', MAX_SENDS]],
      notices: [...linkedAndVerified(1), 'payout-sent', 'payout-held'],
    },
  },
  {
    // paid, but the answer was lost on the way back: the resend of the same instruction gets it, no second credit
    fullName: 'Lý Thị Thảo', gender: 'female', category: 'NCT_80', accounts: [{ institution: VIETINBANK, forced: { outcome: 'no_answer', times: 1 } }],
    expected: { status: 'paid', channel: 'bank', amountDong: '500000', attempts: [[VIETINBANK, 'settled', null, 2]], notices: [...linkedAndVerified(1), 'payout-sent', 'payout-settled'] },
  },
  {
    // no account: cash from the start
    fullName: 'Phan Văn Tài', gender: 'male', category: 'NCT_80', accounts: [],
    expected: { status: 'paid', channel: 'cash', amountDong: '500000', attempts: [[VNPOST, 'settled', null, 1]], notices: ['payout-sent-cash', 'payout-settled-cash'] },
  },
  {
    // a technical failure every time: after the last send it is held, not sent to cash (an earlier send may still be executed)
    fullName: 'Huỳnh Thị Yến', gender: 'female', category: 'NCT_80', accounts: [{ institution: VIETINBANK, forced: reject('TECH') }],
    expected: {
      status: 'held', finalReason: 'TECH', amountDong: '500000', attempts: [[VIETINBANK, 'rejected', 'TECH', MAX_SENDS]],
      notices: [...linkedAndVerified(1), 'payout-sent', 'payout-held'],
    },
  },
];

interface Registered extends Person {
  id: string;
  input: BeneficiaryInput;
  numbers: string[];
}

const bearer = (principal: Parameters<typeof tokenFor>[0]) => `Bearer ${tokenFor(principal)}`;
const officer = bearer(PRINCIPALS.haTinhOfficer);
const supervisor = bearer(PRINCIPALS.haTinhSupervisor);
const auditor = bearer(PRINCIPALS.nationalAuditor);

async function call<T = Record<string, unknown>>(url: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { authorization: init.token } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      'x-correlation-id': `system-${RUN}`,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

async function expectStatus<T = Record<string, unknown>>(expected: number, url: string, init: Parameters<typeof call>[1] = {}): Promise<T> {
  const { status, body } = await call<T>(url, init);
  if (status !== expected) throw new Error(`${init.method ?? 'GET'} ${url}: expected ${expected}, got ${status} ${JSON.stringify(body)}`);
  return body;
}

describe('a month of payouts across every service: register, link, pay, fail over, crash, balance, close, notify', () => {
  const db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
  const running = new Map<ServiceName, ServiceProcess>();
  const people: Registered[] = [];
  let cycleId: string;
  let paymentPort: number;
  let paymentEnv: Record<string, string>;
  const url = (service: ServiceName, path: string) => `${running.get(service)!.url}${path}`;
  const count = async (sql: string, values: unknown[] = []) => Number((await db.query(sql, values)).rows[0].count);

  beforeAll(async () => {
    await db.connect();
    // The programme pays like the monthly social allowance (TC_XH): same standard level and coefficients.
    await db.query(
      `INSERT INTO payment.allowance_standard_level (programme_code, province_code, effective_from, amount_dong, legal_basis)
       SELECT $1, province_code, effective_from, amount_dong, legal_basis FROM payment.allowance_standard_level WHERE programme_code = 'TC_XH'`,
      [PROGRAMME],
    );
    await db.query(
      `INSERT INTO payment.allowance_coefficient (programme_code, category_code, effective_from, coefficient_milli, label_vi, legal_basis)
       SELECT $1, category_code, effective_from, coefficient_milli, label_vi, legal_basis FROM payment.allowance_coefficient WHERE programme_code = 'TC_XH'`,
      [PROGRAMME],
    );

    const [registryPort, bankPort, messagingPort, smtpPort, beneficiaryPort, notificationPort] = await Promise.all(Array.from({ length: 6 }, () => freePort()));
    paymentPort = await freePort();
    // Results count only when signed with this run's institution key: another test playing a bank on the
    // same broker (payouts.e2e-spec answers every VNPOST instruction it sees) cannot settle our payouts.
    const institutionKey = generateKeyPairSync('ed25519');
    paymentEnv = {
      PAYOUT_RESULT_TIMEOUT_MS: '3000',
      BANK_RESULT_PUBLIC_KEYS: JSON.stringify({ '*': institutionKey.publicKey.export({ format: 'der', type: 'spki' }).toString('base64') }),
    };
    const start = async (name: ServiceName, port: number, env: Record<string, string> = {}) => running.set(name, await ServiceProcess.start(name, port, env));
    await Promise.all([
      start('population-registry-stand-in', registryPort),
      start('bank-stand-in', bankPort, {
        BANK_STAND_IN_KAFKA_ENABLED: 'true',
        BANK_STAND_IN_INSTITUTIONS: [BIDV, VIETINBANK, ZALOPAY, VNPOST].join(','),
        BANK_STAND_IN_CONSUMER_GROUP: `bank-stand-in-system-${RUN}`,
        BANK_STAND_IN_COMMUNES: COMMUNE,
        BANK_STAND_IN_SKIP_EARLIER: 'true',
        BANK_STAND_IN_SIGNING_KEY: institutionKey.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
        // answers arrive over a while, so the payment service dies with results still on their way
        BANK_STAND_IN_RESULT_LATENCY_MIN_MS: '200',
        BANK_STAND_IN_RESULT_LATENCY_MAX_MS: '1200',
      }),
      start('messaging-providers-stand-in', messagingPort, { SMTP_PORT: String(smtpPort) }),
    ]);
    await Promise.all([
      start('beneficiary', beneficiaryPort, { POPULATION_REGISTRY_URL: running.get('population-registry-stand-in')!.url, BANK_STAND_IN_URL: running.get('bank-stand-in')!.url }),
      start('payment', paymentPort, paymentEnv),
      start('notification', notificationPort, {
        SMS_GATEWAY_URL: running.get('messaging-providers-stand-in')!.url,
        ZALO_OA_URL: running.get('messaging-providers-stand-in')!.url,
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        NOTICE_BACKOFF_MS: '200',
      }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([...running.values()].map((service) => service.stop()));
    await db.end();
  });

  it('registers the commune through the API, checks identities with the registry and verifies accounts with the banks', async () => {
    let serial = 0;
    for (const [index, person] of PEOPLE.entries()) {
      const template = newBeneficiary({ gender: person.gender }, 4_200 + index);
      const input: BeneficiaryInput = {
        ...template,
        fullName: person.fullName,
        // born in Hà Tĩnh, consistent with the date of birth and gender
        cccd: cccdFor('42', template.dateOfBirth, person.gender, 133_000 + index),
        communeCode: COMMUNE,
        programmeCode: PROGRAMME,
        categoryCode: person.category,
      };
      await expectStatus(200, `${running.get('population-registry-stand-in')!.url}/citizens/${input.cccd}`, {
        method: 'PUT',
        body: { fullName: input.fullName, dateOfBirth: input.dateOfBirth, gender: input.gender },
      });
      const { id } = await expectStatus<{ id: string }>(201, url('beneficiary', '/beneficiaries'), { method: 'POST', token: officer, body: input });
      const registered: Registered = { ...person, id, input, numbers: [] };
      people.push(registered);
      if (person.preferences) {
        // how they want to hear from us, recorded before the first notice about their accounts
        await waitFor(async () => (await count(`SELECT count(*) FROM notification.recipient WHERE beneficiary_id = $1`, [id])) === 1, 'the recipient at notification', PATIENCE_MS);
        await expectStatus(200, url('notification', `/recipients/${id}/contact-preferences`), { method: 'PUT', token: officer, body: person.preferences });
      }

      for (const [priority, account] of person.accounts.entries()) {
        serial += 1;
        const ewallet = account.institution === ZALOPAY;
        // an e-wallet is known by the holder's mobile number
        const number = ewallet ? `09${RUN.replace(/\D/g, '').padEnd(4, '7').slice(0, 4)}${String(serial).padStart(4, '0')}` : `42${String(Date.now()).slice(-7)}${String(serial).padStart(4, '0')}`;
        registered.numbers.push(number);
        // the bank prints holders in upper case without diacritics
        await expectStatus(200, `${running.get('bank-stand-in')!.url}/accounts/${account.institution}/${number}`, {
          method: 'PUT',
          body: { holderName: foldVietnamese(person.fullName).toUpperCase() },
        });
        if (account.forced) await expectStatus(200, `${running.get('bank-stand-in')!.url}/forced-outcomes/${number}`, { method: 'PUT', body: account.forced });
        await expectStatus(201, url('beneficiary', `/beneficiaries/${id}/accounts`), {
          method: 'POST',
          token: officer,
          body: {
            channel: ewallet ? 'ewallet' : 'bank',
            ...(ewallet ? { providerCode: ZALOPAY } : { bankBin: account.institution }),
            accountNumber: number,
            priority: priority + 1,
            consent: { method: 'paper_form' },
          },
        });
      }
      if (person.cash) await expectStatus(200, `${running.get('bank-stand-in')!.url}/forced-outcomes/${input.cccd}`, { method: 'PUT', body: person.cash });
    }

    const accounts = PEOPLE.reduce((sum, person) => sum + person.accounts.length, 0);
    await waitFor(
      async () => (await count(`SELECT count(*) FROM payment.payee WHERE programme_code = $1 AND status = 'active'`, [PROGRAMME])) === PEOPLE.length,
      'every identity confirmed by the registry, as payment sees it',
      PATIENCE_MS,
      200,
    );
    await waitFor(
      async () =>
        (await count(`SELECT count(*) FROM payment.payee_account a JOIN payment.payee p USING (beneficiary_id) WHERE p.programme_code = $1 AND a.status = 'verified'`, [PROGRAMME])) ===
        accounts,
      `all ${accounts} accounts verified by name-enquiry, as payment sees them`,
      PATIENCE_MS,
      200,
    );

  });

  it('opens the cycle, prepares a batch per institution, and a supervisor who did not prepare them approves', async () => {
    const cycle = await expectStatus<{ id: string; entitledCount: number; entitledDong: string }>(201, url('payment', '/cycles'), {
      method: 'POST',
      token: officer,
      body: { programmeCode: PROGRAMME, provinceCode: '42', communeCode: COMMUNE, period: PERIOD },
    });
    cycleId = cycle.id;
    expect(cycle).toMatchObject({ entitledCount: PEOPLE.length, entitledDong: '8500000' });

    type Batch = { id: string; institutionCode: string; itemCount: number; totalDong: string; contentHash: string };
    const batches = await expectStatus<Batch[]>(200, url('payment', `/cycles/${cycleId}/batches`), { method: 'POST', token: officer });
    expect(batches.map((batch) => [batch.institutionCode, batch.itemCount, batch.totalDong]).sort()).toEqual([
      [VIETINBANK, 3, '1500000'],
      [BIDV, 11, '6500000'],
      [VNPOST, 1, '500000'],
    ]);
    // the officer who prepared cannot approve
    await expectStatus(403, url('payment', `/batches/${batches[0].id}/approve`), { method: 'POST', token: officer, body: { contentHash: batches[0].contentHash } });
    for (const batch of batches) {
      expect(await expectStatus(200, url('payment', `/batches/${batch.id}/approve`), { method: 'POST', token: supervisor, body: { contentHash: batch.contentHash } })).toMatchObject({
        status: 'dispatched',
      });
    }
  });

  it('keeps every payout on track although the payment service dies by SIGKILL while results are flowing', async () => {
    const final = () => count(`SELECT count(*) FROM payment.entitlement WHERE cycle_id = $1 AND status IN ('paid', 'held')`, [cycleId]);
    await waitFor(async () => (await final()) >= 2, 'the first results applied', PATIENCE_MS, 20);
    await running.get('payment')!.kill();
    const atKill = await final();
    // The crash really happened mid-cycle: otherwise this test would prove nothing.
    expect(atKill).toBeLessThan(PEOPLE.length);

    running.set('payment', await ServiceProcess.start('payment', paymentPort, paymentEnv));
    await waitFor(
      async () => (await count(`SELECT count(*) FROM payment.entitlement WHERE cycle_id = $1 AND status NOT IN ('paid', 'held')`, [cycleId])) === 0,
      'every entitlement in a final state',
      PATIENCE_MS,
      200,
    );

    for (const person of people) {
      const { rows } = await db.query(`SELECT status, paid_channel, final_reason, amount_dong::text FROM payment.entitlement WHERE cycle_id = $1 AND beneficiary_id = $2`, [
        cycleId,
        person.id,
      ]);
      expect({ who: person.fullName, ...rows[0] }).toEqual({
        who: person.fullName,
        status: person.expected.status,
        paid_channel: person.expected.channel ?? null,
        final_reason: person.expected.finalReason ?? null,
        amount_dong: person.expected.amountDong,
      });
      const attempts = await db.query(
        `SELECT a.institution_code, a.status, a.reason_code, a.send_count FROM payment.payout_attempt a JOIN payment.entitlement e ON e.id = a.entitlement_id
          WHERE e.cycle_id = $1 AND e.beneficiary_id = $2 ORDER BY a.attempt_number`,
        [cycleId, person.id],
      );
      // A send the sweep repeats after the restart (its answer still unread in Kafka) is harmless and may
      // happen: an attempt is sent at least as often as its story needs, never more than PAYOUT_MAX_SENDS.
      const sends = (count: number, least: number) => (count >= least && count <= MAX_SENDS ? least : count);
      expect({
        who: person.fullName,
        attempts: attempts.rows.map((row, index) => [row.institution_code, row.status, row.reason_code, sends(row.send_count, person.expected.attempts[index]?.[3] ?? 1)]),
      }).toEqual({
        who: person.fullName,
        attempts: person.expected.attempts,
      });
    }
    // every reason an institution can give, and silence, happened in this month
    const reasons = new Set((await db.query(`SELECT DISTINCT reason_code FROM payment.payout_attempt a JOIN payment.entitlement e ON e.id = a.entitlement_id WHERE e.cycle_id = $1`, [cycleId])).rows.map((row) => row.reason_code));
    expect([...BANK_REASON_CODE_LIST, 'TIMEOUT'].filter((code) => !reasons.has(code))).toEqual([]);
  });

  it('balances to the đồng, pays nobody twice, and closes', async () => {
    const report = await expectStatus<Record<string, unknown>>(200, url('payment', `/cycles/${cycleId}/conservation`), { token: auditor });
    expect(report.balanced).toBe(true);
    expect(report.total).toMatchObject({
      entitled: { count: 15, dong: '8500000' },
      paid: { bank: { count: 3, dong: '1500000' }, ewallet: { count: 2, dong: '1250000' }, cash: { count: 4, dong: '2500000' } },
      awaitingApproval: { count: 0, dong: '0' },
      inFlight: { count: 0, dong: '0' },
      held: { NOT_COLLECTED: { count: 1, dong: '500000' }, MD07: { count: 1, dong: '500000' }, AM05: { count: 1, dong: '500000' }, AM09: { count: 1, dong: '750000' }, TIMEOUT: { count: 1, dong: '500000' }, TECH: { count: 1, dong: '500000' } },
      unexplained: { count: 0, dong: '0' },
    });
    expect(report.violations).toEqual({ paidWithoutOneSettlement: 0, settledButNotPaid: 0, settledAmountDiffers: 0, moreThanOneSettlement: 0, openAfterClose: 0 });

    // our rows: one settled attempt and one settlement event per paid entitlement, none for the others
    const { rows } = await db.query(
      `SELECT e.status, (SELECT count(*)::int FROM payment.payout_attempt a WHERE a.entitlement_id = e.id AND a.status = 'settled') AS settled_attempts,
              (SELECT count(*)::int FROM payment.payout_event v WHERE v.entitlement_id = e.id AND v.kind = 'settled') AS settled_events
         FROM payment.entitlement e WHERE e.cycle_id = $1`,
      [cycleId],
    );
    for (const row of rows) expect([row.status, row.settled_attempts, row.settled_events]).toEqual(row.status === 'paid' ? ['paid', 1, 1] : ['held', 0, 0]);
    // the institutions' books: each entitlement (the endToEndId) credited at most once, whatever was resent
    const bank = await expectStatus<{ instructionsCreditedMoreThanOnce: string[]; endToEndIdsCreditedMoreThanOnce: string[]; creditsPerInstruction: Record<string, number> }>(
      200,
      `${running.get('bank-stand-in')!.url}/ledger/summary`,
    );
    expect(bank.instructionsCreditedMoreThanOnce).toEqual([]);
    expect(bank.endToEndIdsCreditedMoreThanOnce).toEqual([]);
    expect(Object.values(bank.creditsPerInstruction).reduce((sum, credits) => sum + credits, 0)).toBe(9); // the 9 paid: 3 bank, 2 e-wallet, 4 cash

    const closed = await expectStatus(200, url('payment', `/cycles/${cycleId}/close`), { method: 'POST', token: supervisor });
    expect(closed).toMatchObject({ cycleStatus: 'closed', balanced: true });
  });

  it('changes nothing when every result is delivered again and the month is generated again', async () => {
    const rowsNow = async () => (await db.query(`SELECT (SELECT count(*) FROM payment.payout_event)::int AS events, (SELECT count(*) FROM payment.entitlement)::int AS entitlements`)).rows[0];
    const before = await rowsNow();
    const duplicates = async () => {
      const metrics = await (await fetch(url('payment', '/metrics'))).text();
      return [...metrics.matchAll(/^ansinh_events_consumed_total\{[^}]*topic="bank\.[^"]+\.instruction\.reported\.v1"[^}]*outcome="duplicate"[^}]*\} (\d+)/gm)].reduce(
        (sum, match) => sum + Number(match[1]),
        0,
      );
    };
    const duplicatesBefore = await duplicates();
    const { replayed } = await expectStatus<{ replayed: number }>(200, `${running.get('bank-stand-in')!.url}/results/replay`, { method: 'POST', body: {} });
    expect(replayed).toBeGreaterThanOrEqual(26);
    await waitFor(async () => (await duplicates()) >= duplicatesBefore + replayed, `the ${replayed} replayed results recognised as duplicates`, PATIENCE_MS, 200);

    const again = await call<{ id: string; entitledCount: number }>(url('payment', '/cycles'), {
      method: 'POST',
      token: officer,
      body: { programmeCode: PROGRAMME, provinceCode: '42', communeCode: COMMUNE, period: PERIOD },
    });
    expect(again).toMatchObject({ status: 200, body: { id: cycleId, entitledCount: PEOPLE.length } });
    expect(await rowsNow()).toEqual(before);
    expect((await expectStatus<{ intact: boolean }>(200, url('payment', '/audit/verify'), { token: auditor })).intact).toBe(true);
  });

  it('tells each beneficiary what happened, in Vietnamese, once per event and channel', async () => {
    const expected = people.reduce((sum, person) => sum + person.expected.notices.length, 0);
    await waitFor(
      async () =>
        (await count(`SELECT count(*) FROM notification.notice_request r WHERE r.beneficiary_id = ANY($1::uuid[]) AND r.status = 'delivered'`, [people.map((person) => person.id)])) >= expected,
      `${expected} notices delivered`,
      PATIENCE_MS,
      200,
    );
    for (const person of people) {
      const { rows } = await db.query(`SELECT template, status FROM notification.notice_request WHERE beneficiary_id = $1 ORDER BY template`, [person.id]);
      expect({ who: person.fullName, notices: rows.map((row) => `${row.template}:${row.status}`) }).toEqual({
        who: person.fullName,
        notices: [...person.expected.notices].sort().map((template) => `${template}:delivered`),
      });
    }

    // what the providers received: one message per notice sent, on the first channel of each plan
    type Message = { channel: string; to: string; subject: string | null; text: string; clientReference: string; requests: number };
    const { messages } = await expectStatus<{ messages: Message[] }>(200, `${running.get('messaging-providers-stand-in')!.url}/messages`);
    const { rows: sent } = await db.query(
      `SELECT n.id, n.channel, n.body, n.beneficiary_id FROM notification.notice n WHERE n.beneficiary_id = ANY($1::uuid[]) AND n.status = 'sent'`,
      [people.map((person) => person.id)],
    );
    expect(sent).toHaveLength(expected);
    const byNotice = new Map<string, Message[]>();
    for (const message of messages) {
      // requestId (SMS), tracking_id (Zalo) or Message-ID <id@…> (e-mail): the notice id
      const noticeId = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(message.clientReference)?.[0] ?? message.clientReference;
      byNotice.set(noticeId, [...(byNotice.get(noticeId) ?? []), message]);
    }
    for (const notice of sent) expect({ notice: notice.id, messages: (byNotice.get(notice.id) ?? []).map((message) => message.channel) }).toEqual({ notice: notice.id, messages: [notice.channel] });

    const dao = people[0];
    const daoAccount = `****${dao.numbers[0].slice(-4)}`;
    const toDao = messages.filter((message) => message.to === dao.preferences!.zaloUserId);
    expect(toDao.map((message) => message.channel)).toEqual(['zalo', 'zalo', 'zalo', 'zalo']);
    expect(toDao.map((message) => message.text)).toContain(`Tiền trợ cấp tháng 11/2026, số tiền 500.000${NBSP}₫, đã vào tài khoản BIDV ${daoAccount}.`);

    const hoa = people.find((person) => person.fullName === 'Lê Thị Hoa')!;
    const toHoa = messages.filter((message) => message.to === hoa.input.phone).map((message) => message.text);
    expect(toHoa).toHaveLength(6);
    expect(toHoa).toContain(
      `Tiền trợ cấp tháng 11/2026, số tiền 500.000${NBSP}₫, chưa chuyển được vào tài khoản BIDV ****${hoa.numbers[0].slice(-4)} (tài khoản đã đóng). ` +
        'Tiền sẽ được chi trả bằng tiền mặt tại bưu điện; ông/bà sẽ nhận thông báo về địa điểm và thời gian nhận.',
    );
    expect(toHoa).toContain(`Tiền trợ cấp tháng 11/2026, số tiền 500.000${NBSP}₫, đã được chi trả bằng tiền mặt tại bưu điện.`);
    // nobody's account number, CCCD or phone travelled in a notice
    for (const message of messages) expect(message.text).not.toMatch(/\d{5,}/);
  });
});
