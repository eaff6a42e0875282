// Loads the demo registry through the public API, as an officer would. Idempotent: a person already
// registered answers 409 and is counted as present.
import { readFile } from 'node:fs/promises';

const [, , baseUrl, token] = process.argv;
const people = JSON.parse(await readFile(new URL('./beneficiaries.json', import.meta.url), 'utf8'));
let created = 0;
let present = 0;
for (const person of people) {
  const response = await fetch(`${baseUrl}/beneficiaries`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-correlation-id': 'demo-data' },
    body: JSON.stringify(person),
  });
  if (response.status === 201) created += 1;
  else if (response.status === 409) present += 1;
  else throw new Error(`demo registration of ${person.cccd.slice(-3)} failed: ${response.status} ${await response.text()}`);
}
console.log(`demo data: ${created} beneficiaries registered, ${present} already present`);
