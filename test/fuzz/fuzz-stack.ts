import { coversArea, type AreaRef, type Principal } from '@app/platform';
import { AssignerProtocol, Kafka, logLevel, type Admin } from 'kafkajs';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { newBeneficiary } from '../support/beneficiary-factory';
import { freePort } from '../support/free-port';
import { ServiceProcess } from '../support/service-process';
import { TEST_ENV, tokenFor, waitFor } from '../support/test-environment';

export const SERVICES = ['beneficiary', 'payment', 'notification'] as const;
export type FuzzedService = (typeof SERVICES)[number];

/** Hà Tĩnh, commune 18073: where every fixture lives. */
export const OWN_AREA: AreaRef = { provinceCode: '42', communeCode: '18073' };

/** Every kind of caller the matrix tries: roles × own area / other area / other bank. */
export const CALLERS = {
  'officer, own province': { sub: 'can.bo.ha.tinh', role: 'officer', provinceCode: '42' },
  'officer, own commune': { sub: 'can.bo.xa.18073', role: 'officer', provinceCode: '42', communeCode: '18073' },
  'officer, other commune': { sub: 'can.bo.xa.18001', role: 'officer', provinceCode: '42', communeCode: '18001' },
  'officer, other province': { sub: 'can.bo.ha.noi', role: 'officer', provinceCode: '01' },
  'supervisor, own province': { sub: 'lanh.dao.ha.tinh', role: 'supervisor', provinceCode: '42' },
  'supervisor, other province': { sub: 'lanh.dao.ha.noi', role: 'supervisor', provinceCode: '01' },
  'auditor, national': { sub: 'kiem.toan.nha.nuoc', role: 'auditor' },
  'auditor, other province': { sub: 'thanh.tra.ha.noi', role: 'auditor', provinceCode: '01' },
  'admin, national': { sub: 'quan.tri', role: 'admin' },
  'bank A (Vietcombank)': { sub: 'vietcombank', role: 'bank', bankBin: '970436' },
  'bank B (BIDV)': { sub: 'bidv', role: 'bank', bankBin: '970418' },
} as const satisfies Record<string, Principal>;
export type CallerName = keyof typeof CALLERS;

export const bearer = (principal: Principal) => `Bearer ${tokenFor(principal)}`;
export const covers = (caller: CallerName) => coversArea(CALLERS[caller], OWN_AREA);

export interface Fixtures {
  beneficiaryId: string;
  otherAreaBeneficiaryId: string;
  accountId: string;
  importId: string;
  duplicateCandidateId: number;
  cycleId: string;
  batchId: string;
  batchContentHash: string;
  entitlementId: string;
}

const SCHEMAS: Record<FuzzedService, string> = { beneficiary: 'beneficiary', payment: 'payment', notification: 'notification' };
export const schemaOf = (service: FuzzedService) => SCHEMAS[service];

/**
 * Messages on the topics a service consumes that its consumer groups have not committed yet: the
 * service's own group and its batch consumers' (`payment-bank-results…`), all named after the service.
 */
export async function consumerLag(admin: Admin, service: 'payment' | 'notification'): Promise<number> {
  const suffix = TEST_ENV.KAFKA_CONSUMER_GROUP_SUFFIX;
  const { groups } = await admin.listGroups();
  const groupIds = groups.map(({ groupId }) => groupId).filter((groupId) => groupId === `${service}${suffix}` || (groupId.startsWith(`${service}-`) && groupId.endsWith(suffix)));
  let behind = 0;
  for (const groupId of groupIds) {
    // Only what the group's live members read: an earlier test may have committed offsets for this group on
    // topics its current members no longer subscribe to, and nobody will ever catch up there.
    const { groups: described } = await admin.describeGroups([groupId]);
    const assigned = new Set(
      described.flatMap((group) => group.members.flatMap((member) => Object.keys(AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment ?? {}))),
    );
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
      if (!assigned.has(topic)) continue;
      const ends = new Map((await admin.fetchTopicOffsets(topic)).map((partition) => [partition.partition, Number(partition.high)]));
      for (const partition of partitions) behind += Math.max(0, (ends.get(partition.partition) ?? 0) - Math.max(0, Number(partition.offset)));
    }
  }
  return behind;
}

/**
 * The three services as real processes from their build output, with the parties they call
 * (population registry, bank name enquiry) pointed at closed ports: their jobs fail and change
 * nothing, so the database moves only when a request moves it. Resends wait an hour.
 */
export class FuzzStack {
  readonly services = {} as Record<FuzzedService, ServiceProcess>;
  readonly db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
  private readonly admin: Admin = new Kafka({ clientId: 'ansinh-fuzz', brokers: TEST_ENV.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
  private bank?: ServiceProcess;
  fixtures!: Fixtures;

  /** Earlier test files of the same run leave rows of their own (a notice waiting for contact details): not ours to wait for. */
  private readonly startedAt = new Date();

  async start(): Promise<void> {
    await Promise.all([this.db.connect(), this.admin.connect()]);
    // name enquiry answers at once, so a linked account settles; the population registry and the
    // messaging providers are closed ports: those jobs fail without writing, or end after one try
    this.bank = await ServiceProcess.start('bank-stand-in', await freePort());
    const closed = await freePort();
    const env = {
      POPULATION_REGISTRY_URL: `http://127.0.0.1:${closed}`,
      BANK_STAND_IN_URL: this.bank.url,
      PAYOUT_RESULT_TIMEOUT_MS: '3600000',
      SMS_GATEWAY_URL: `http://127.0.0.1:${closed}`,
      ZALO_OA_URL: `http://127.0.0.1:${closed}`,
      SMTP_URL: `smtp://127.0.0.1:${closed}`,
      NOTICE_MAX_ATTEMPTS: '1',
      NOTICE_BACKOFF_MS: '100',
    };
    const started = await Promise.all(SERVICES.map(async (name) => ServiceProcess.start(name, await freePort(), env)));
    SERVICES.forEach((name, index) => (this.services[name] = started[index]));
  }

  async stop(): Promise<void> {
    await Promise.all([...Object.values(this.services), ...(this.bank ? [this.bank] : [])].map((service) => service.stop()));
    await Promise.all([this.db.end(), this.admin.disconnect()]);
  }

  lag(service: 'payment' | 'notification'): Promise<number> {
    return consumerLag(this.admin, service);
  }

  url(service: FuzzedService): string {
    return this.services[service].url;
  }

  async call(service: FuzzedService, method: string, path: string, principal: Principal | null, body?: unknown): Promise<{ status: number; json: Record<string, unknown> | null; text: string }> {
    const response = await fetch(`${this.url(service)}${path}`, {
      method,
      headers: { ...(principal ? { authorization: bearer(principal) } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    let json: Record<string, unknown> | null = null;
    try {
      json = JSON.parse(text);
    } catch {
      // CSV, XLSX, HTML: kept as text
    }
    return { status: response.status, json, text };
  }

  /** Nothing left for the outbox relays to publish, so no background write is pending. */
  async quiet(): Promise<void> {
    await waitFor(
      async () => {
        for (const service of SERVICES) {
          const { rows } = await this.db.query(`SELECT count(*)::int AS n FROM "${schemaOf(service)}".outbox_event WHERE published_at IS NULL`);
          if (rows[0].n > 0) return false;
        }
        const { rows } = await this.db.query(
          `SELECT (SELECT count(*) FROM beneficiary.import_job WHERE status IN ('queued', 'running') AND created_at >= $1)
                + (SELECT count(*) FROM beneficiary.payment_channel WHERE status = 'pending_verification' AND created_at >= $1)
                + (SELECT count(*) FROM notification.notice WHERE status IN ('queued', 'sending', 'retry_wait') AND created_at >= $1) AS n`,
          [this.startedAt],
        );
        if (Number(rows[0].n) > 0) return false;
        return (await this.lag('payment')) === 0 && (await this.lag('notification')) === 0;
      },
      'outboxes drained, imports and name enquiries finished, notices settled, consumers caught up',
    );
  }

  /** One resource of every kind in Hà Tĩnh commune 18073, made through the services' own APIs where they have one. */
  async seed(): Promise<Fixtures> {
    const officer = CALLERS['officer, own commune'];
    const person = newBeneficiary({ provinceCode: '42', communeCode: '18073', programmeCode: 'TC_XH', categoryCode: 'NCT_80' }, 4218073);
    const registered = await this.call('beneficiary', 'POST', '/beneficiaries', officer, person);
    if (registered.status !== 201) throw new Error(`registration failed: ${registered.text}`);
    const beneficiaryId = String(registered.json!.id);
    // the same person entered again with another CCCD: a likely duplicate for an officer to resolve
    const twin = await this.call('beneficiary', 'POST', '/beneficiaries', officer, { ...person, cccd: `${person.cccd.slice(0, 6)}${String((Number(person.cccd.slice(6)) + 1) % 1_000_000).padStart(6, '0')}` });
    if (twin.status !== 201) throw new Error(`registration failed: ${twin.text}`);
    const other = await this.call('beneficiary', 'POST', '/beneficiaries', CALLERS['officer, other province'], newBeneficiary({ provinceCode: '01', communeCode: '00004', programmeCode: 'TC_XH', categoryCode: 'NCT_80' }, 104));
    if (other.status !== 201) throw new Error(`registration failed: ${other.text}`);
    const linked = await this.call('beneficiary', 'POST', `/beneficiaries/${beneficiaryId}/accounts`, officer, {
      channel: 'bank',
      bankBin: '970436',
      accountNumber: '0071000123456',
      priority: 1,
      consent: { method: 'paper_form' },
    });
    if (linked.status !== 201) throw new Error(`account link failed: ${linked.text}`);

    const form = new FormData();
    form.set('programmeCode', 'TC_XH');
    const csv = `Họ và tên,Số CCCD,Ngày sinh,Giới tính (Nam/Nữ),Mã tỉnh,Mã xã,Mã nhóm đối tượng\n${person.fullName},${person.cccd},${person.dateOfBirth},${person.gender === 'female' ? 'Nữ' : 'Nam'},42,18073,NCT_80\n`;
    form.set('file', new Blob([csv], { type: 'text/csv' }), 'danh-sach.csv');
    const uploaded = await fetch(`${this.url('beneficiary')}/imports`, { method: 'POST', headers: { authorization: bearer(officer) }, body: form });
    const upload = (await uploaded.json()) as { id: string };
    if (uploaded.status !== 201) throw new Error(`import failed: ${JSON.stringify(upload)}`);

    // payment knows payees from the registry's events; an active one is inserted directly so a cycle has something to pay
    const payeeId = uuidv7();
    await this.db.query(
      `INSERT INTO payment.payee (beneficiary_id, cccd, full_name, programme_code, category_code, province_code, commune_code, status, registered_at, source_event_id)
       VALUES ($1, '042148001234', 'NGUYEN THI DAO', 'TC_XH', 'NCT_80', '42', '18073', 'active', now(), $2)`,
      [payeeId, uuidv7()],
    );
    const cycle = await this.call('payment', 'POST', '/cycles', CALLERS['officer, own province'], { programmeCode: 'TC_XH', provinceCode: '42', communeCode: '18073', period: '2026-12' });
    if (cycle.status !== 201) throw new Error(`cycle failed: ${cycle.text}`);
    const cycleId = String(cycle.json!.id);
    const batches = await this.call('payment', 'POST', `/cycles/${cycleId}/batches`, CALLERS['officer, own province'], undefined);
    if (batches.status !== 200) throw new Error(`batches failed: ${batches.text}`);
    const [batch] = batches.json as unknown as Array<{ id: string; contentHash: string }>;
    const { rows: entitlements } = await this.db.query(`SELECT id FROM payment.entitlement WHERE cycle_id = $1`, [cycleId]);

    await waitFor(async () => (await this.db.query(`SELECT count(*)::int AS n FROM notification.recipient WHERE beneficiary_id = ANY($1::uuid[])`, [[beneficiaryId, String(other.json!.id)]])).rows[0].n === 2, 'recipients in the notification service');
    const { rows: candidates } = await this.db.query(`SELECT id FROM beneficiary.duplicate_candidate ORDER BY id LIMIT 1`);
    await this.quiet();
    this.fixtures = {
      beneficiaryId,
      otherAreaBeneficiaryId: String(other.json!.id),
      accountId: String(linked.json!.id),
      importId: upload.id,
      duplicateCandidateId: candidates[0] ? Number(candidates[0].id) : 1,
      cycleId,
      batchId: batch.id,
      batchContentHash: batch.contentHash,
      entitlementId: entitlements[0].id,
    };
    return this.fixtures;
  }

  /** The own-area resource a path parameter names. */
  resourceFor(service: FuzzedService, path: string, parameter: string): string {
    const f = this.fixtures;
    if (service === 'notification') return f.beneficiaryId;
    if (service === 'beneficiary') {
      if (parameter === 'accountId') return f.accountId;
      if (path.startsWith('/imports')) return f.importId;
      if (path.startsWith('/duplicate-candidates')) return String(f.duplicateCandidateId);
      return f.beneficiaryId;
    }
    if (path.startsWith('/batches')) return f.batchId;
    if (path.startsWith('/payouts')) return f.entitlementId;
    return f.cycleId;
  }

  fillPath(service: FuzzedService, path: string): string {
    return path.replace(/\{(\w+)\}/g, (_, name: string) => this.resourceFor(service, path, name));
  }
}
