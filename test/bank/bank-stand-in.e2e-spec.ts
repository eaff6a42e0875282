import {
  instructionIssuedV1,
  instructionReportedV1,
  signPayload,
  verifyPayloadSignature,
  type EventEnvelope,
  type PayloadOf,
} from '@app/contracts';
import { Kafka, logLevel, Partitioners, type Admin, type Producer } from 'kafkajs';
import { createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import { freePort } from '../support/free-port';
import { buildPain001 } from '../../apps/payment/src/bank-files/pain001.builder';
import { parsePain002 } from '../../apps/payment/src/bank-files/pain002.parser';
import { ServiceProcess } from '../support/service-process';
import { TestConsumer, type ReceivedMessage } from '../support/test-consumer';
import { TEST_ENV, waitFor } from '../support/test-environment';

jest.setTimeout(120_000);

type Instruction = PayloadOf<ReturnType<typeof instructionIssuedV1>>;
type Result = PayloadOf<ReturnType<typeof instructionReportedV1>>;

// Institution codes of this run only: no other test (nor a stand-in it starts) reads these topics.
const RUN = randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase();
const BANK = `ZZB${RUN}`;
const POST_OFFICE = `ZZC${RUN}`;
const KEY_ID = 'bank-stand-in-e2e';

const ansinhKey = createPrivateKey({ key: Buffer.from(TEST_ENV.INSTRUCTION_SIGNING_KEY, 'base64'), format: 'der', type: 'pkcs8' });
const bankPublicKey = createPublicKey(createPrivateKey({ key: Buffer.from(TEST_ENV.BANK_STAND_IN_SIGNING_KEY, 'base64'), format: 'der', type: 'pkcs8' }));

let accountSerial = 0;
function newAccountNumber(): string {
  accountSerial += 1;
  return `71${RUN.replace(/\D/g, '').padEnd(6, '0').slice(0, 6)}${String(accountSerial).padStart(4, '0')}`;
}

function unsignedInstruction(overrides: Partial<Instruction> & { accountNumber?: string | null; cccd?: string | null; name?: string } = {}): Omit<Instruction, 'signature'> {
  const { accountNumber, cccd, name, ...rest } = overrides;
  const cash = rest.channel === 'cash';
  return {
    instructionId: randomUUID(),
    endToEndId: randomUUID(),
    batchId: randomUUID(),
    institutionCode: BANK,
    channel: 'bank',
    amountDong: '500000',
    currency: 'VND',
    creditor: {
      name: name ?? 'Nguyễn Thị Đào',
      accountNumber: cash ? null : (accountNumber ?? newAccountNumber()),
      cccd: cash ? (cccd ?? '042148670487') : null,
      provinceCode: '42',
      communeCode: '18073',
    },
    remittanceInformation: 'AnSinh TC_XH 2026-11 tro cap hang thang',
    requestedExecutionDate: '2026-11-23',
    sendSequence: 1,
    issuedAt: new Date().toISOString(),
    ...rest,
  };
}

function envelopeOf(payload: Instruction): EventEnvelope<Instruction> {
  const definition = instructionIssuedV1(payload.institutionCode);
  return definition.envelope.parse({
    eventId: randomUUID(),
    type: definition.type,
    version: definition.version,
    occurredAt: new Date().toISOString(),
    producer: 'payment',
    correlationId: `e2e-${payload.batchId}`,
    causationId: null,
    aggregateId: payload.instructionId,
    payload,
  }) as EventEnvelope<Instruction>;
}

describe('bank stand-in: a paying institution on Kafka and by file', () => {
  let bank: ServiceProcess;
  let results: TestConsumer;
  let producer: Producer;
  let admin: Admin;

  const http = async (method: string, path: string, body?: unknown, contentType = 'application/json') => {
    const response = await fetch(`${bank.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': contentType },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, json: () => JSON.parse(text) };
  };
  const openAccount = (account: string, holderName: string, extra: Record<string, unknown> = {}) =>
    http('PUT', `/accounts/${BANK}/${account}`, { holderName, ...extra }).then((response) => expect(response.status).toBe(200));

  /** Publishes one signed instruction (or the envelope as given) on the institution's topic. */
  const publish = async (envelope: EventEnvelope<Instruction> | Record<string, unknown>) => {
    const { payload } = envelope as EventEnvelope<Instruction>;
    await producer.send({
      topic: instructionIssuedV1(payload.institutionCode).topic,
      messages: [{ key: payload.instructionId, value: JSON.stringify(envelope), headers: { 'x-correlation-id': String(envelope.correlationId) } }],
    });
    return envelope as EventEnvelope<Instruction>;
  };
  const send = (overrides: Parameters<typeof unsignedInstruction>[0] = {}) => publish(envelopeOf(signPayload(unsignedInstruction(overrides), ansinhKey, 'ansinh-test-1')));

  const answersTo = (instructionId: string) => results.messages.filter((message) => message.key === instructionId);
  const waitForAnswers = async (instructionId: string, count: number): Promise<Array<{ message: ReceivedMessage; envelope: EventEnvelope<Result> }>> => {
    await waitFor(async () => answersTo(instructionId).length >= count, `${count} answer(s) to ${instructionId}`, 30_000);
    return answersTo(instructionId).map((message) => ({ message, envelope: JSON.parse(message.value!.toString()) as EventEnvelope<Result> }));
  };
  const ledgerOf = async (instructionId: string) => (await http('GET', `/ledger?instructionId=${instructionId}`)).json().entries as Array<Record<string, unknown>>;
  const creditsOf = async (instructionId: string) => (await http('GET', '/ledger/summary')).json().creditsPerInstruction[instructionId] ?? 0;

  beforeAll(async () => {
    const kafka = new Kafka({ clientId: 'bank-stand-in-e2e', brokers: TEST_ENV.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    bank = await ServiceProcess.start('bank-stand-in', await freePort(), {
      BANK_STAND_IN_KAFKA_ENABLED: 'true',
      BANK_STAND_IN_INSTITUTIONS: `${BANK},${POST_OFFICE}`,
      BANK_STAND_IN_CONSUMER_GROUP: `bank-stand-in-e2e-${RUN}`,
      BANK_STAND_IN_KEY_ID: KEY_ID,
    });
    // the stand-in created its topics before it answered HTTP
    const topics = await admin.listTopics();
    expect(topics).toEqual(expect.arrayContaining([instructionIssuedV1(BANK).topic, instructionReportedV1(BANK).topic, instructionReportedV1(POST_OFFICE).topic]));
    results = await TestConsumer.start([instructionReportedV1(BANK).topic, instructionReportedV1(POST_OFFICE).topic]);
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
  });

  afterAll(async () => {
    await results?.stop();
    await producer?.disconnect();
    await bank?.stop();
    const ours = (await admin.listTopics()).filter((topic) => topic.includes(RUN.toLowerCase()));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours }).catch(() => undefined);
    await admin.disconnect();
  });

  it('settles a signed instruction to a known account and answers with a signed result in the standard envelope', async () => {
    const account = newAccountNumber();
    await openAccount(account, 'NGUYEN THI DAO');
    const instruction = await send({ accountNumber: account, amountDong: '1250000' });

    const [{ message, envelope }] = await waitForAnswers(instruction.payload.instructionId, 1);
    expect(message.topic).toBe(`bank.${BANK.toLowerCase()}.instruction.reported.v1`);
    expect(message.key).toBe(instruction.payload.instructionId);
    expect(message.headers['x-correlation-id']).toBe(instruction.correlationId);
    expect(instructionReportedV1(BANK).envelope.safeParse(envelope).success).toBe(true);
    expect(envelope).toMatchObject({
      type: 'bank.instruction.reported',
      version: 1,
      aggregateId: instruction.payload.instructionId,
      correlationId: instruction.correlationId,
      causationId: instruction.eventId,
      payload: { instructionId: instruction.payload.instructionId, institutionCode: BANK, status: 'settled', reasonCode: null, amountDong: '1250000' },
    });
    expect(envelope.payload.bankReference).toMatch(/^SIM/);
    expect(envelope.payload.signature?.keyId).toBe(KEY_ID);
    expect(verifyPayloadSignature(envelope.payload, bankPublicKey)).toBe(true);

    const [entry] = await ledgerOf(instruction.payload.instructionId);
    expect(entry).toMatchObject({ signature: 'valid', status: 'settled', credited: true, repeat: false, accountLast4: account.slice(-4), sendSequence: 1 });
  });

  it('refuses an instruction whose signature does not verify, or that has none: NARR "invalid signature", nothing credited', async () => {
    const account = newAccountNumber();
    await openAccount(account, 'NGUYEN THI DAO');
    const signed = signPayload(unsignedInstruction({ accountNumber: account }), ansinhKey, 'ansinh-test-1');
    // the amount changed after signing
    const tampered = await publish(envelopeOf({ ...signed, amountDong: '5000000' }));
    const { signature: _removed, ...unsigned } = signPayload(unsignedInstruction({ accountNumber: account }), ansinhKey, 'ansinh-test-1');
    const missing = await publish({ ...envelopeOf(signed), aggregateId: unsigned.instructionId, payload: unsigned });

    for (const instruction of [tampered, missing]) {
      const [{ envelope }] = await waitForAnswers(instruction.payload.instructionId, 1);
      expect(envelope.payload).toMatchObject({ status: 'rejected', reasonCode: 'NARR', reasonText: 'invalid signature', bankReference: null });
      expect(verifyPayloadSignature(envelope.payload, bankPublicKey)).toBe(true);
      expect(await ledgerOf(instruction.payload.instructionId)).toEqual([expect.objectContaining({ signature: 'invalid', credited: false })]);
    }
    expect(tampered.payload.amountDong).toBe('5000000');
  });

  it('in strict mode executes a repeated instruction once and answers every send with the same result', async () => {
    const account = newAccountNumber();
    await openAccount(account, 'NGUYEN THI DAO');
    const first = await send({ accountNumber: account });
    await waitForAnswers(first.payload.instructionId, 1);
    // a resend after a timeout: same instructionId, next sendSequence, signed again
    const { signature: _old, ...again } = first.payload;
    await publish(envelopeOf(signPayload({ ...again, sendSequence: 2, issuedAt: new Date().toISOString() }, ansinhKey, 'ansinh-test-1')));

    const answers = await waitForAnswers(first.payload.instructionId, 2);
    expect(answers.map(({ envelope }) => envelope.payload.status)).toEqual(['settled', 'settled']);
    expect(answers[1].envelope.payload).toEqual(answers[0].envelope.payload);
    expect(answers[1].envelope.eventId).not.toBe(answers[0].envelope.eventId);
    expect(await creditsOf(first.payload.instructionId)).toBe(1);
    expect((await ledgerOf(first.payload.instructionId)).map((entry) => [entry.sendSequence, entry.repeat, entry.credited])).toEqual([
      [1, false, true],
      [2, true, false],
    ]);

    // the same instructionId with another amount is not a resend: refused as a duplicate, not executed
    const { signature: _sig, ...modified } = first.payload;
    await publish(envelopeOf(signPayload({ ...modified, amountDong: '900000', sendSequence: 3 }, ansinhKey, 'ansinh-test-1')));
    const [, , third] = await waitForAnswers(first.payload.instructionId, 3);
    expect(third.envelope.payload).toMatchObject({ status: 'rejected', reasonCode: 'AM05' });
    expect(await creditsOf(first.payload.instructionId)).toBe(1);
  });

  it('in naive mode credits every message, so a duplicate shows up as a second credit', async () => {
    expect((await http('POST', '/control', { mode: 'naive' })).json().mode).toBe('naive');
    try {
      const account = newAccountNumber();
      await openAccount(account, 'NGUYEN THI DAO');
      const instruction = await send({ accountNumber: account });
      await publish({ ...instruction, eventId: randomUUID() });
      await waitForAnswers(instruction.payload.instructionId, 2);
      expect(await creditsOf(instruction.payload.instructionId)).toBe(2);
      const summary = (await http('GET', '/ledger/summary')).json();
      expect(summary.mode).toBe('naive');
      expect(summary.instructionsCreditedMoreThanOnce).toContain(instruction.payload.instructionId);
      expect(summary.endToEndIdsCreditedMoreThanOnce).toContain(instruction.payload.endToEndId);
    } finally {
      await http('POST', '/control', { mode: 'strict' });
    }
  });

  it('rejects what its account book says: unknown AC01, closed AC04, blocked AC06, deceased MD07, another holder BE01', async () => {
    const [closed, blocked, deceased, other, reordered] = [newAccountNumber(), newAccountNumber(), newAccountNumber(), newAccountNumber(), newAccountNumber()];
    await openAccount(closed, 'NGUYEN THI DAO', { status: 'closed' });
    await openAccount(blocked, 'NGUYEN THI DAO', { status: 'blocked' });
    await openAccount(deceased, 'NGUYEN THI DAO', { deceased: true });
    await openAccount(other, 'TRAN VAN HUNG');
    await openAccount(reordered, 'DAO NGUYEN THI');
    const cases: Array<[string, string | null]> = [
      [newAccountNumber(), 'AC01'],
      [closed, 'AC04'],
      [blocked, 'AC06'],
      [deceased, 'MD07'],
      [other, 'BE01'],
      [reordered, null],
    ];
    const sent = await Promise.all(cases.map(([account]) => send({ accountNumber: account, name: 'Nguyễn Thị Đào' })));
    for (const [index, instruction] of sent.entries()) {
      const [{ envelope }] = await waitForAnswers(instruction.payload.instructionId, 1);
      const expected = cases[index][1];
      expect({ account: index, status: envelope.payload.status, reasonCode: envelope.payload.reasonCode }).toEqual({
        account: index,
        status: expected ? 'rejected' : 'settled',
        reasonCode: expected,
      });
    }
  });

  it('applies an outcome forced over HTTP: AC04 for an account, TECH once then the resend executes', async () => {
    const account = newAccountNumber();
    await openAccount(account, 'NGUYEN THI DAO');
    expect((await http('PUT', `/forced-outcomes/${account}`, { outcome: 'rejected', reasonCode: 'AC04', times: 1 })).status).toBe(200);
    const refused = await send({ accountNumber: account });
    const [{ envelope }] = await waitForAnswers(refused.payload.instructionId, 1);
    expect(envelope.payload).toMatchObject({ status: 'rejected', reasonCode: 'AC04', reasonText: 'Tài khoản đã đóng' });
    expect(await creditsOf(refused.payload.instructionId)).toBe(0);

    const unsigned = unsignedInstruction({ accountNumber: account });
    await http('PUT', `/forced-outcomes/${unsigned.instructionId}`, { outcome: 'rejected', reasonCode: 'TECH', times: 1 });
    await publish(envelopeOf(signPayload(unsigned, ansinhKey, 'ansinh-test-1')));
    await publish(envelopeOf(signPayload({ ...unsigned, sendSequence: 2 }, ansinhKey, 'ansinh-test-1')));
    const answers = await waitForAnswers(unsigned.instructionId, 2);
    expect(answers.map(({ envelope: answer }) => answer.payload.reasonCode ?? answer.payload.status)).toEqual(['TECH', 'settled']);
    expect(await creditsOf(unsigned.instructionId)).toBe(1);
    expect((await http('PUT', '/forced-outcomes/not-a-key', { outcome: 'settled' })).status).toBe(400);
    expect((await http('PUT', `/forced-outcomes/${account}`, { outcome: 'rejected' })).status).toBe(400);
  });

  it('hands cash over at the post office, or answers NOT_COLLECTED when forced for that CCCD', async () => {
    const paid = await send({ institutionCode: POST_OFFICE, channel: 'cash', cccd: '042148670487', amountDong: '1000000' });
    await http('PUT', '/forced-outcomes/042039256787', { outcome: 'rejected', reasonCode: 'NOT_COLLECTED' });
    const uncollected = await send({ institutionCode: POST_OFFICE, channel: 'cash', cccd: '042039256787', name: 'Trần Văn Hùng' });
    const [{ message, envelope: settled }] = await waitForAnswers(paid.payload.instructionId, 1);
    expect(message.topic).toBe(instructionReportedV1(POST_OFFICE).topic);
    expect(settled.payload).toMatchObject({ status: 'settled', institutionCode: POST_OFFICE, amountDong: '1000000' });
    const [{ envelope: refused }] = await waitForAnswers(uncollected.payload.instructionId, 1);
    expect(refused.payload).toMatchObject({ status: 'rejected', reasonCode: 'NOT_COLLECTED' });
    await http('DELETE', '/forced-outcomes/042039256787');
  });

  it('sends accepted before the final answer when asked, and replays sent results byte for byte', async () => {
    await http('POST', '/control', { acceptedFirst: true, latency: { minMs: 50, maxMs: 150 } });
    try {
      const account = newAccountNumber();
      await openAccount(account, 'NGUYEN THI DAO');
      const instruction = await send({ accountNumber: account });
      const answers = await waitForAnswers(instruction.payload.instructionId, 2);
      expect(answers.map(({ envelope }) => envelope.payload.status)).toEqual(['accepted', 'settled']);

      expect((await http('POST', '/results/replay', { instructionId: instruction.payload.instructionId })).json()).toEqual({ replayed: 2 });
      const replayed = await waitForAnswers(instruction.payload.instructionId, 4);
      expect(replayed.slice(2).map(({ message }) => message.value!.toString())).toEqual(answers.map(({ message }) => message.value!.toString()));
      expect(await creditsOf(instruction.payload.instructionId)).toBe(1);
    } finally {
      await http('POST', '/control', { acceptedFirst: false, latency: { minMs: 0, maxMs: 0 } });
    }
  });

  it('draws faults from a seeded PRNG (same seed, same outcomes) and answers a lost answer on the resend', async () => {
    const account = newAccountNumber();
    await openAccount(account, 'NGUYEN THI DAO');
    const run = async () => {
      await http('POST', '/control', { seed: 42, rates: { TECH: 0.3, AC06: 0.2 }, noAnswerRate: 0.2 });
      const outcomes: Array<{ instruction: Instruction; outcome: string }> = [];
      for (let index = 0; index < 15; index += 1) {
        const instruction = await send({ accountNumber: account });
        const [entry] = await waitFor(async () => {
          const entries = await ledgerOf(instruction.payload.instructionId);
          return entries.length > 0 && entries;
        }, 'the ledger entry');
        outcomes.push({ instruction: instruction.payload, outcome: entry.delivery === 'withhold' ? 'no answer' : String(entry.reasonCode ?? entry.status) });
      }
      return outcomes;
    };
    try {
      const first = await run();
      const second = await run();
      expect(second.map(({ outcome }) => outcome)).toEqual(first.map(({ outcome }) => outcome));
      expect(new Set(first.map(({ outcome }) => outcome))).toEqual(new Set(['settled', 'TECH', 'AC06', 'no answer']));

      // executed but unanswered: the resend gets the answer, and no second credit
      await http('POST', '/control', { rates: {}, noAnswerRate: 0 });
      const { signature: _signature, ...lost } = first.find(({ outcome }) => outcome === 'no answer')!.instruction;
      const [entry] = await ledgerOf(lost.instructionId);
      expect(answersTo(lost.instructionId)).toHaveLength(0);
      await publish(envelopeOf(signPayload({ ...lost, sendSequence: 2 }, ansinhKey, 'ansinh-test-1')));
      const answers = await waitForAnswers(lost.instructionId, 1);
      expect(answers[0].envelope.payload.status).toBe(entry.status);
      expect(await ledgerOf(lost.instructionId)).toEqual([expect.objectContaining({ delivery: 'withhold' }), expect.objectContaining({ repeat: true, delivery: 'send', credited: false })]);
      expect(await creditsOf(lost.instructionId)).toBe(entry.credited ? 1 : 0);
    } finally {
      await http('POST', '/control', { rates: {}, noAnswerRate: 0 });
    }
  });

  it('answers a pain.001 file with a pain.002 that AnSinh reads back: settled, refused with reasons, cash', async () => {
    const good = newAccountNumber();
    const closed = newAccountNumber();
    await openAccount(good, 'NGUYEN THI DAO');
    await openAccount(closed, 'TRAN VAN HUNG', { status: 'closed' });
    const instructions = [
      { account: good, name: 'Nguyễn Thị Đào', amount: 500_000n, agent: BANK },
      { account: closed, name: 'Trần Văn Hùng', amount: 750_000n, agent: BANK },
      { account: newAccountNumber(), name: 'Lê Thị Hoa', amount: 1_000_000n, agent: BANK },
      { account: null, name: 'Lê Thị Lan', amount: 2_000_000n, agent: POST_OFFICE },
    ].map(({ account, name, amount, agent }) => ({
      instructionId: randomUUID(),
      endToEndId: randomUUID(),
      amountDong: amount,
      creditorName: name,
      creditorAccount: account,
      creditorAgentCode: agent,
      remittanceInformation: 'AnSinh TC_XH 2026-11 tro cap hang thang',
    }));
    const file = buildPain001({
      messageId: `ANSINH-${RUN}`,
      createdAt: new Date(),
      initiatingParty: 'Sở Lao động - Thương binh và Xã hội Hà Tĩnh',
      debtor: { name: 'Sở LĐ-TB&XH Hà Tĩnh', accountNumber: '3761000000001', agentBin: '970405' },
      paymentInformationId: `PMT-${RUN}`,
      requestedExecutionDate: '2026-11-23',
      instructions,
    });

    const response = await http('POST', '/files/pain001', file, 'application/xml');
    expect(response.status).toBe(200);
    const report = parsePain002(response.text);
    expect(report.originalMessageId).toBe(`ANSINH-${RUN}`);
    expect(report.groupStatus).toBe('PART');
    expect(report.transactions.map(({ instructionId, endToEndId, status, reasonCode, amountDong }) => ({ instructionId, endToEndId, status, reasonCode, amountDong }))).toEqual(
      instructions.map((instruction, index) => ({
        instructionId: instruction.instructionId,
        endToEndId: instruction.endToEndId,
        status: [`settled`, 'rejected', 'rejected', 'settled'][index],
        reasonCode: [null, 'AC04', 'AC01', null][index],
        amountDong: instruction.amountDong,
      })),
    );
    // the same file again: strict mode answers the same, credits nothing more
    const again = parsePain002((await http('POST', '/files/pain001', file, 'application/xml')).text);
    expect(again.transactions.map((transaction) => transaction.status)).toEqual(report.transactions.map((transaction) => transaction.status));
    expect(await creditsOf(instructions[0].instructionId)).toBe(1);

    const badTotal = await http('POST', '/files/pain001', file.replace(/<CtrlSum>4250000<\/CtrlSum>/, '<CtrlSum>4250001</CtrlSum>'), 'application/xml');
    expect(parsePain002(badTotal.text)).toMatchObject({ groupStatus: 'RJCT' });
    expect((await http('POST', '/files/pain001', '<Document><unclosed></Document>', 'application/xml')).status).toBe(400);
  });
});
