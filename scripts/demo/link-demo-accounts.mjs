// Links the demo beneficiaries' accounts through the public API, as an officer would (the stand-in bank
// was seeded with the same file, so name-enquiry answers for them). Idempotent: an account the person
// already has, in use or not, is counted as present. People are found by CCCD through the officer search.
import { readFile } from 'node:fs/promises';

const [, , baseUrl, token] = process.argv;
const accounts = JSON.parse(await readFile(new URL('./bank-accounts.json', import.meta.url), 'utf8'));
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-correlation-id': 'demo-accounts' };
let linked = 0;
let present = 0;
for (const account of accounts) {
  const search = await fetch(`${baseUrl}/beneficiaries?q=${account.cccd}`, { headers });
  if (!search.ok) throw new Error(`demo account: search for ${account.cccd.slice(-3)} failed: ${search.status}`);
  const [person] = (await search.json()).items;
  if (!person) throw new Error(`demo account: no beneficiary with CCCD ending ${account.cccd.slice(-3)}`);
  // Already there, in use or not (a rejected demo account stays rejected): nothing to do.
  const existing = await (await fetch(`${baseUrl}/beneficiaries/${person.id}/accounts`, { headers })).json();
  const institutionOf = (channel) => channel.bankBin ?? channel.providerCode;
  if ([...existing.channels, ...existing.inactive].some((channel) => institutionOf(channel) === account.institution && channel.accountNumberMasked === `****${account.account.slice(-4)}`)) {
    present += 1;
    continue;
  }
  const response = await fetch(`${baseUrl}/beneficiaries/${person.id}/accounts`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      channel: account.channel,
      ...(account.channel === 'bank' ? { bankBin: account.institution } : { providerCode: account.institution }),
      accountNumber: account.account,
      consent: { method: account.consentMethod },
    }),
  });
  if (response.status === 201) linked += 1;
  else if (response.status === 409) present += 1;
  else throw new Error(`demo account of ${account.cccd.slice(-3)} failed: ${response.status} ${await response.text()}`);
}
console.log(`demo data: ${linked} accounts linked, ${present} already linked`);
