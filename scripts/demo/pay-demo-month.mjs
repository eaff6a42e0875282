// Pays this month's social allowance to the demo province, as its officers would: an officer opens the cycle
// and prepares the batches, a supervisor approves them, and the bank stand-in answers the instructions over
// Kafka. Prints the cycle id (progress goes to stderr). Idempotent: a month already opened is found again, and
// batches already approved are left alone.
// Waits first until identities and accounts are checked and the payment service has read those events, since a
// cycle is generated once and a person not yet verified then would be left out of the month.
import { setTimeout as pause } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';

const [, , beneficiaryUrl, paymentUrl, officerToken, supervisorToken, provinceCode, period, brokers = '127.0.0.1:9092', groupSuffix = ''] = process.argv;
const headers = (token) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-correlation-id': 'demo-month' });

async function call(method, url, token, body) {
  const response = await fetch(url, { method, headers: headers(token), body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Polls until `ready()` is true or the time is up; the month is paid either way, with whoever is ready. */
async function until(what, ready, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ready()) return true;
    await pause(500);
  }
  console.warn(`demo month: gave up waiting for ${what}; paying whoever is ready`);
  return false;
}

const people = (await call('GET', `${beneficiaryUrl}/beneficiaries?pageSize=100`, officerToken)).body.items;
await until('identity checks with the population registry', async () => {
  const { body } = await call('GET', `${beneficiaryUrl}/beneficiaries?pageSize=100`, officerToken);
  return body.items.every((person) => person.status !== 'pending_verification');
});
await until('name-enquiry of the linked accounts', async () => {
  for (const person of people) {
    const { body } = await call('GET', `${beneficiaryUrl}/beneficiaries/${person.id}/accounts`, officerToken);
    if ([...body.channels, ...body.inactive].some((account) => account.status === 'pending_verification')) return false;
  }
  return true;
});

// The payment service has read every beneficiary event once its consumer group's offsets reach the end.
const kafka = new Kafka({ clientId: 'ansinh-demo', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
try {
  const topics = (await admin.listTopics()).filter((topic) => topic.startsWith('beneficiary.') && !topic.endsWith('.dlq'));
  const groupId = `payment${groupSuffix}`;
  await until('the payment service to read the beneficiary events', async () => {
    const committed = await admin.fetchOffsets({ groupId, topics });
    for (const { topic, partitions } of committed) {
      const ends = await admin.fetchTopicOffsets(topic);
      for (const end of ends) {
        const offset = Number(partitions.find((partition) => partition.partition === end.partition)?.offset ?? -1);
        if (Number(end.high) > Number(end.low) && offset < Number(end.high)) return false;
      }
    }
    return true;
  });
} finally {
  await admin.disconnect();
}

const cycle = await call('POST', `${paymentUrl}/cycles`, officerToken, { programmeCode: 'TC_XH', provinceCode, period });
if (cycle.status !== 201 && cycle.status !== 200) throw new Error(`demo month: opening the cycle failed: ${cycle.status} ${JSON.stringify(cycle.body)}`);
const cycleId = cycle.body.id;
// Preparing again is harmless: it only refreshes batches still awaiting approval (a closed month answers 409).
const prepared = await call('POST', `${paymentUrl}/cycles/${cycleId}/batches`, officerToken);
const batches = prepared.status === 200 ? prepared.body : [];
let approved = 0;
for (const batch of batches.filter((candidate) => candidate.status === 'awaiting_approval')) {
  const result = await call('POST', `${paymentUrl}/batches/${batch.id}/approve`, supervisorToken, { contentHash: batch.contentHash });
  if (result.status !== 200) throw new Error(`demo month: approving the ${batch.institutionCode} batch failed: ${result.status} ${JSON.stringify(result.body)}`);
  approved += 1;
}
console.error(
  `demo month: cycle ${cycleId} (${period}), ${cycle.body.entitledCount} payouts, ${cycle.body.entitledDong} đồng; ` +
    `${batches.length} batch(es), ${approved} approved now`,
);
// stdout carries only the id, for scripts/run.sh
console.log(cycleId);
