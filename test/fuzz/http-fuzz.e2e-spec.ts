import { parseConfig, type Principal } from '@app/platform';
import { JwtService } from '@nestjs/jwt';
import fc from 'fast-check';
import { BeneficiaryAppModule } from '../../apps/beneficiary/src/app.module';
import { beneficiaryConfigSchema } from '../../apps/beneficiary/src/config/beneficiary.config';
import { NotificationAppModule } from '../../apps/notification/src/app.module';
import { notificationConfigSchema } from '../../apps/notification/src/config/notification.config';
import { PaymentAppModule } from '../../apps/payment/src/app.module';
import { paymentConfigSchema } from '../../apps/payment/src/config/payment.config';
import { newBeneficiary } from '../support/beneficiary-factory';
import { TEST_ENV } from '../support/test-environment';
import { changedTables, snapshotSchema } from './database-snapshot';
import { bearer, CALLERS, covers, FuzzStack, schemaOf, SERVICES, type CallerName, type FuzzedService } from './fuzz-stack';
import { routeTable, type RouteEntry } from './route-table';

jest.setTimeout(300_000);

/**
 * Bad input and access, against the three services running as processes:
 * - every operation their OpenAPI documents is called with generated malformed path parameters,
 *   queries and bodies, using a token whose role and area the route accepts: no 5xx, the service
 *   stays up, and a write that is refused changes no row of the service's schema;
 * - every route × every kind of caller (role × own area / other area / other bank, no token, bad
 *   tokens): only the cells @Roles and the area rules allow get past access control.
 * FUZZ_SEED replays a run; FUZZ_CASES sets the cases per operation.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const CASES = Number(process.env.FUZZ_CASES ?? 25);

type SchemaObject = { type?: string; enum?: unknown[]; example?: unknown; default?: unknown; items?: SchemaObject; properties?: Record<string, SchemaObject>; required?: string[]; $ref?: string; allOf?: SchemaObject[]; format?: string };
interface Operation {
  method: RouteEntry['method'];
  path: string;
  parameters: Array<{ name: string; in: 'path' | 'query'; required?: boolean; schema?: SchemaObject }>;
  body?: { contentType: string; schema: SchemaObject };
  roles: readonly RouteEntry['roles'][number][];
}

/** Routes straight from the modules' metadata; forRoot only describes a module, it connects to nothing. */
function routesOf(service: FuzzedService): RouteEntry[] {
  switch (service) {
    case 'beneficiary':
      return routeTable(BeneficiaryAppModule.forRoot(parseConfig(beneficiaryConfigSchema, { ...TEST_ENV })));
    case 'payment':
      return routeTable(PaymentAppModule.forRoot(parseConfig(paymentConfigSchema, { ...TEST_ENV })));
    case 'notification':
      return routeTable(NotificationAppModule.forRoot(parseConfig(notificationConfigSchema, { ...TEST_ENV })));
  }
}

async function operationsOf(stack: FuzzStack, service: FuzzedService, routes: RouteEntry[]): Promise<Operation[]> {
  const document = (await (await fetch(`${stack.url(service)}/docs-json`)).json()) as { paths: Record<string, Record<string, { parameters?: Operation['parameters']; requestBody?: { content: Record<string, { schema: SchemaObject }> } }>>; components: { schemas: Record<string, SchemaObject> } };
  const resolve = (schema: SchemaObject): SchemaObject => {
    if (schema.$ref) return resolve(document.components.schemas[schema.$ref.split('/').pop()!]);
    if (schema.allOf?.length === 1) return { ...resolve(schema.allOf[0]), ...schema, allOf: undefined };
    if (schema.properties) return { ...schema, properties: Object.fromEntries(Object.entries(schema.properties).map(([name, property]) => [name, resolve(property)])) };
    return schema;
  };
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, definition] of Object.entries(methods)) {
      const route = routes.find((entry) => entry.path === path && entry.method === method.toUpperCase());
      if (!route) throw new Error(`${service}: ${method.toUpperCase()} ${path} is documented but no controller declares it`);
      if (route.public) continue;
      const [contentType, content] = Object.entries(definition.requestBody?.content ?? {})[0] ?? [];
      operations.push({ method: route.method, path, parameters: definition.parameters ?? [], body: content ? { contentType, schema: resolve(content.schema) } : undefined, roles: route.roles });
    }
  }
  return operations;
}

// ---------------------------------------------------------------- generators of bad input

const NASTY = [
  '',
  ' ',
  'abc',
  '-1',
  '0',
  '-0.5',
  '1.5',
  '1e308',
  '-500000',
  'NaN',
  'Infinity',
  'null',
  'undefined',
  'true',
  '99999999999999999999',
  '9223372036854775808',
  "' OR '1'='1",
  "1; DROP TABLE payment.entitlement; --",
  "'); DELETE FROM beneficiary.beneficiary; --",
  '../../../etc/passwd',
  '%00',
  '\u0000',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  'Nguyễn Thị Đào',
  'N\u0067\u0075\u0079\u0065\u0302\u0303n',
  '🙂'.repeat(40),
  '０４２１４８００１２３４',
  '042148001234',
  '04214800123',
  '0421480012345',
  '099148001234',
  '<script>alert(1)</script>',
  '{"$gt":""}',
  '=HYPERLINK("http://x")',
  'x'.repeat(5_000),
  'Đ'.repeat(20_000),
];
const nasty = fc.constantFrom(...NASTY);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: nasty },
  fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
  fc.double(),
  fc.constantFrom(-1, 0.5, -500_000, 2 ** 53 + 1, Number.MAX_VALUE),
  fc.boolean(),
  fc.constant(null),
  fc.array(nasty, { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('a', '$ne', '__proto__', 'constructor'), nasty, { maxKeys: 2 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
/** A value of the wrong JSON type for a property, which validation must refuse. */
const wrongTypeFor = (schema: SchemaObject): fc.Arbitrary<unknown> =>
  schema.type === 'string' || schema.enum
    ? fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.integer(), { maxLength: 2 }), fc.constant({ nested: 1 }))
    : schema.type === 'array'
      ? fc.oneof(nasty, fc.integer(), fc.constant({ a: 1 }))
      : schema.type === 'object' || schema.properties
        ? fc.oneof(nasty, fc.integer(), fc.array(fc.integer(), { maxLength: 2 }))
        : fc.oneof(fc.constantFrom('abc', '1e999', ''), fc.array(fc.integer(), { maxLength: 2 }), fc.constant({ a: 1 }));
const MASS_ASSIGNMENT = ['status', 'amountDong', 'approvedBy', 'preparedBy', 'id', 'bankAccount', 'role', 'provinceCode2', 'isAdmin', 'createdAt'];

/** A valid example body, built from the documented examples, enums and defaults. */
function exampleOf(schema: SchemaObject): unknown {
  if (schema.example !== undefined) return schema.example;
  if (schema.enum) return schema.type === 'array' ? [schema.enum[0]] : schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.type === 'array') return schema.items ? [exampleOf(schema.items)] : [];
  if (schema.properties) return Object.fromEntries(Object.entries(schema.properties).map(([name, property]) => [name, exampleOf(property)]));
  if (schema.type === 'integer' || schema.type === 'number') return 1;
  if (schema.type === 'boolean') return true;
  return 'x';
}

interface FuzzCase {
  path: string;
  query: Array<[string, string]>;
  body?: { raw: string | FormData; contentType?: string };
  defect: string;
}

function caseArbitrary(stack: FuzzStack, service: FuzzedService, operation: Operation): fc.Arbitrary<FuzzCase> {
  const write = operation.method !== 'GET';
  const pathParams = operation.parameters.filter((parameter) => parameter.in === 'path');
  const queryParams = operation.parameters.filter((parameter) => parameter.in === 'query');
  // a malformed or unknown id; a valid one only where the body carries the defect, or for reads
  const badId = fc.oneof(nasty.filter((value) => value.trim() !== '' && value !== '../../../etc/passwd'), fc.uuid(), fc.uuid({ version: 7 }), fc.integer().map(String));
  const canUseRealIds = !write || (operation.body !== undefined && operation.body.contentType === 'application/json');
  const pathArb = fc
    .tuple(...pathParams.map((parameter) => (canUseRealIds ? fc.oneof(fc.constant(null), badId) : badId).map((value) => [parameter.name, value] as const)))
    .map((values) => {
      let path = operation.path;
      for (const [name, value] of values) path = path.replace(`{${name}}`, value === null ? stack.resourceFor(service, operation.path, name) : encodeURIComponent(value));
      return path;
    });
  const queryArb = fc
    .tuple(
      ...queryParams.map((parameter) =>
        fc.oneof(
          fc.constant([] as Array<[string, string]>),
          anyValue.map((value) => [[parameter.name, typeof value === 'string' ? value : JSON.stringify(value)]] as Array<[string, string]>),
          fc.array(nasty, { minLength: 2, maxLength: 3 }).map((values) => values.map((value) => [parameter.name, value] as [string, string])),
        ),
      ),
      fc.oneof(fc.constant([] as Array<[string, string]>), fc.constantFrom<Array<[string, string]>>([['unknown', '1']], [['status[$ne]', 'x']], [['__proto__[admin]', 'true']])),
    )
    .map((parts) => parts.flat());

  if (operation.body?.contentType === 'multipart/form-data') {
    // an upload without a file, or a file with an invalid programme: both must be refused whole
    const body = fc.oneof(
      fc.record({ programmeCode: anyValue }).map(({ programmeCode }) => {
        const form = new FormData();
        form.set('programmeCode', typeof programmeCode === 'string' ? programmeCode : JSON.stringify(programmeCode));
        return { raw: form, defect: 'upload without a file' };
      }),
      fc.record({ programmeCode: nasty.filter((value) => !/^[A-Z0-9_]{2,40}$/.test(value)), bytes: fc.uint8Array({ maxLength: 2_000 }) }).map(({ programmeCode, bytes }) => {
        const form = new FormData();
        form.set('programmeCode', programmeCode);
        form.set('file', new Blob([bytes], { type: 'text/csv' }), 'danh-sach.csv');
        return { raw: form, defect: 'invalid programme code with a file' };
      }),
      fc.constant({ raw: '{"programmeCode":"TC_XH"}', contentType: 'application/json', defect: 'JSON instead of multipart' }),
    );
    return fc.record({ path: pathArb, query: queryArb, body }).map(({ path, query, body: b }) => ({ path, query, body: { raw: b.raw, contentType: 'contentType' in b ? b.contentType : undefined }, defect: b.defect }));
  }

  if (operation.body) {
    const schema = operation.body.schema;
    const properties = Object.entries(schema.properties ?? {});
    const required = schema.required ?? [];
    const valid = exampleOf(schema) as Record<string, unknown>;
    const defect = fc.oneof(
      fc.constantFrom(...MASS_ASSIGNMENT).chain((field) => anyValue.map((value) => ({ defect: `unknown field ${field}`, apply: (body: Record<string, unknown>) => ({ ...body, [field]: value }) }))),
      ...(required.length ? [fc.constantFrom(...required).map((field) => ({ defect: `missing ${field}`, apply: (body: Record<string, unknown>) => Object.fromEntries(Object.entries(body).filter(([name]) => name !== field)) }))] : []),
      ...(properties.length
        ? [fc.constantFrom(...properties).chain(([field, property]) => wrongTypeFor(property).map((value) => ({ defect: `wrong type for ${field}`, apply: (body: Record<string, unknown>) => ({ ...body, [field]: value }) })))]
        : []),
      fc.constantFrom<unknown>([], 'text', 42, null, true, [{}]).map((value) => ({ defect: `body is ${JSON.stringify(value)}`, apply: () => value as Record<string, unknown> })),
    );
    const noise = properties.length
      ? fc.array(fc.tuple(fc.constantFrom(...properties.map(([name]) => name)), anyValue), { maxLength: 2 })
      : fc.constant([] as Array<[string, unknown]>);
    const encoding = fc.oneof(
      { weight: 8, arbitrary: fc.constant('json' as const) },
      fc.constantFrom('not-json' as const, 'text/plain' as const, 'huge' as const),
    );
    const body = fc.record({ defect, noise, encoding }).map(({ defect: d, noise: n, encoding: e }) => {
      const object = d.apply({ ...valid, ...Object.fromEntries(n) });
      const json = JSON.stringify(object) ?? 'null';
      if (e === 'not-json') return { raw: `${json.slice(0, -1)},`, contentType: 'application/json', defect: `${d.defect}, truncated JSON` };
      if (e === 'text/plain') return { raw: json, contentType: 'text/plain', defect: `${d.defect}, sent as text/plain` };
      if (e === 'huge') return { raw: JSON.stringify({ ...(typeof object === 'object' && object ? object : {}), padding: 'x'.repeat(2_000_000) }), contentType: 'application/json', defect: `${d.defect}, 2 MB body` };
      return { raw: json, contentType: 'application/json', defect: d.defect };
    });
    return fc.record({ path: pathArb, query: queryArb, body }).map(({ path, query, body: b }) => ({ path, query, body: { raw: b.raw, contentType: b.contentType }, defect: b.defect }));
  }

  return fc.record({ path: pathArb, query: queryArb }).map(({ path, query }) => ({ path, query, defect: write ? 'malformed or unknown id' : 'malformed parameters' }));
}

/** The only writes a bank makes: its own institution's status reports (pain.002), never anyone's data. */
const BANK_WRITES = ['POST /bank-files/pain002'];

/** A caller the route accepts, from the fixtures' own area. */
function callerFor(operation: Operation): Principal {
  const preference: CallerName[] = ['officer, own commune', 'supervisor, own province', 'auditor, national', 'admin, national', 'bank A (Vietcombank)'];
  const name = preference.find((candidate) => operation.roles.includes(CALLERS[candidate].role));
  if (!name) throw new Error(`no caller for ${operation.method} ${operation.path}`);
  return CALLERS[name];
}

async function send(stack: FuzzStack, service: FuzzedService, operation: Operation, fuzz: FuzzCase, principal: Principal): Promise<{ status: number | 'closed'; text: string }> {
  const query = new URLSearchParams(fuzz.query).toString();
  const headers: Record<string, string> = { authorization: bearer(principal) };
  if (fuzz.body?.contentType) headers['content-type'] = fuzz.body.contentType;
  let response: Response;
  try {
    response = await fetch(`${stack.url(service)}${fuzz.path}${query ? `?${query}` : ''}`, { method: operation.method, headers, body: fuzz.body?.raw, signal: AbortSignal.timeout(15_000) });
  } catch (error) {
    // A server that refuses an oversized body (413) may close the connection before the client has written it
    // all. That is a refusal only if the service is still up; a crash fails the check after the operation.
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if ((code === 'ECONNRESET' || code === 'EPIPE') && (await alive(stack, service))) return { status: 'closed', text: code };
    throw error;
  }
  return { status: response.status, text: (await response.text()).slice(0, 300) };
}

async function alive(stack: FuzzStack, service: FuzzedService): Promise<boolean> {
  const response = await fetch(`${stack.url(service)}/health/live`).catch(() => undefined);
  return response?.status === 200;
}

/**
 * Runs `act` between two snapshots of the schema. A Kafka event consumed meanwhile (another test run
 * shares the broker) legitimately changes the inbox, so such a window is measured again.
 */
async function unchangedBy(stack: FuzzStack, service: FuzzedService, act: () => Promise<void>): Promise<string[]> {
  let changed: string[] = [];
  for (let round = 0; round < 3; round += 1) {
    await stack.quiet();
    const before = await snapshotSchema(stack.db, schemaOf(service));
    await act();
    await stack.quiet();
    changed = changedTables(before, await snapshotSchema(stack.db, schemaOf(service)));
    if (!changed.includes('inbox_event')) return changed;
  }
  return changed;
}

const stack = new FuzzStack();
const operations = {} as Record<FuzzedService, Operation[]>;
const routes = Object.fromEntries(SERVICES.map((service) => [service, routesOf(service)])) as Record<FuzzedService, RouteEntry[]>;
const figures: Record<string, number | string> = {};

beforeAll(async () => {
  await stack.start();
  await stack.seed();
  for (const service of SERVICES) operations[service] = await operationsOf(stack, service, routes[service]);
});

afterAll(async () => {
  await stack.stop();
  process.stdout.write(`reliability figures: ${JSON.stringify(figures)}\n`);
});

describe('the route table', () => {
  it.each(SERVICES)('%s: every documented operation is a declared route with roles, and every declared route is documented', (service) => {
    const documented = operations[service].map((operation) => `${operation.method} ${operation.path}`).sort();
    const declared = routes[service].filter((route) => !route.public && route.path !== '/metrics').map((route) => `${route.method} ${route.path}`).sort();
    expect(documented).toEqual(declared);
    for (const operation of operations[service]) expect(operation.roles.length).toBeGreaterThan(0);
    figures[`${service}.operations`] = documented.length;
  });

  it('lets no auditor call any route that writes, and a bank only the one that reports its own results', () => {
    for (const service of SERVICES) {
      for (const operation of operations[service].filter((candidate) => candidate.method !== 'GET')) {
        const route = `${operation.method} ${operation.path}`;
        const allowed = BANK_WRITES.includes(route) ? ['bank'] : [];
        expect({ route, roles: operation.roles.filter((role) => role === 'auditor' || role === 'bank') }).toEqual({ route, roles: allowed });
      }
    }
  });
});

describe('HTTP fuzzing: malformed input gets a 4xx and changes nothing', () => {
  it.each(SERVICES)('%s', async (service) => {
    const serverErrors: string[] = [];
    const acceptedWrites: string[] = [];
    let cases = 0;
    const started = Date.now();
    for (const [index, operation] of operations[service].entries()) {
      const principal = callerFor(operation);
      const samples = fc.sample(caseArbitrary(stack, service, operation), { seed: SEED + index, numRuns: CASES });
      const changed = await unchangedBy(stack, service, async () => {
        for (const fuzz of samples) {
          const { status, text } = await send(stack, service, operation, fuzz, principal);
          cases += 1;
          if (status === 'closed') continue;
          if (status >= 500) serverErrors.push(`${operation.method} ${fuzz.path}?${new URLSearchParams(fuzz.query)} (${fuzz.defect}) → ${status} ${text}`);
          if (operation.method !== 'GET' && status < 400) acceptedWrites.push(`${operation.method} ${fuzz.path} (${fuzz.defect}) → ${status} ${text}`);
        }
      });
      expect({ operation: `${operation.method} ${operation.path}`, changedTables: operation.method === 'GET' || acceptedWrites.length === 0 ? changed : [] }).toEqual({
        operation: `${operation.method} ${operation.path}`,
        changedTables: [],
      });
      expect(await alive(stack, service)).toBe(true);
    }
    figures[`${service}.fuzzCases`] = cases;
    figures[`${service}.fuzzSeconds`] = ((Date.now() - started) / 1000).toFixed(1);
    figures[`${service}.serverErrors`] = serverErrors.length;
    expect(serverErrors).toEqual([]);
    expect(acceptedWrites).toEqual([]);
  });
});

// ---------------------------------------------------------------- access matrix

/** A request each route would carry out for a caller it admits: so a denial is access control, not a bad body. */
function validBody(operation: Operation): unknown {
  switch (`${operation.method} ${operation.path}`) {
    case 'POST /beneficiaries':
      return newBeneficiary({ provinceCode: '42', communeCode: '18073', programmeCode: 'TC_XH', categoryCode: 'NCT_80' });
    case 'POST /beneficiaries/{id}/status':
      return { action: 'suspend', reasonCode: 'UNDER_REVIEW' };
    case 'POST /duplicate-candidates/{id}/resolve':
      return { decision: 'distinct_people', note: 'Hai người khác nhau, đã đối chiếu tại xã.' };
    case 'POST /beneficiaries/{id}/accounts':
      return { channel: 'ewallet', providerCode: 'MOMO', accountNumber: '0912345678', priority: 2, consent: { method: 'in_person' } };
    case 'POST /beneficiaries/{id}/accounts/{accountId}/review':
      return { decision: 'confirm', note: 'Đã đối chiếu sổ tiết kiệm, tên trùng khớp.' };
    case 'POST /cycles':
      return { programmeCode: 'TC_XH', provinceCode: '42', communeCode: '18073', period: '2026-12' };
    case 'POST /batches/{id}/approve':
      return { contentHash: stack.fixtures.batchContentHash };
    case 'PUT /recipients/{beneficiaryId}/contact-preferences':
      return { channels: ['sms'] };
    case 'POST /payouts/{entitlementId}/release':
      return { payTo: 'cash', note: 'Bà Đào nhận tiền mặt tại bưu điện xã.' };
    case 'POST /payouts/{entitlementId}/release/approve':
      return { releaseId: '019ab2c4-5d6e-7f80-9a1b-2c3d4e5f6a7b' };
    case 'POST /payouts/{entitlementId}/cancel':
      return { reasonCode: 'NOT_ENTITLED', note: 'Không đủ điều kiện hưởng trong kỳ này.' };
    case 'POST /funeral-supports/{entitlementId}/claim':
      return { claimant: { fullName: 'Trần Thị Mai', cccd: '042168001235', dateOfBirth: '1968-04-02', gender: 'female', relationship: 'child' }, payTo: { channel: 'cash' } };
    default:
      return undefined;
  }
}

/** Routes whose target is in an area: an id in the path, or the area named in the body. */
const areaScoped = (operation: Operation) => operation.path.includes('{') || ['POST /beneficiaries', 'POST /cycles'].includes(`${operation.method} ${operation.path}`);

function badTokens(): Record<string, string> {
  const claims = { sub: 'can.bo.ha.tinh', role: 'officer', provinceCode: '42' };
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const valid = new JwtService({ secret: TEST_ENV.JWT_SECRET }).sign(claims, { algorithm: 'HS256', expiresIn: '1h' });
  const [header, , signature] = valid.split('.');
  return {
    'no token': '',
    'not a bearer token': `Basic ${Buffer.from('admin:admin').toString('base64')}`,
    expired: `Bearer ${new JwtService({ secret: TEST_ENV.JWT_SECRET }).sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }, { algorithm: 'HS256' })}`,
    'signed with another key': `Bearer ${new JwtService({ secret: 'another-secret-of-at-least-32-characters!!' }).sign(claims, { algorithm: 'HS256', expiresIn: '1h' })}`,
    'alg none': `Bearer ${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...claims, role: 'admin' })}.`,
    'claims changed after signing': `Bearer ${header}.${encode({ ...claims, role: 'supervisor', exp: Math.floor(Date.now() / 1000) + 3600 })}.${signature}`,
    'role outside the list': `Bearer ${new JwtService({ secret: TEST_ENV.JWT_SECRET }).sign({ sub: 'x', role: 'root' }, { algorithm: 'HS256', expiresIn: '1h' })}`,
  };
}

async function request(service: FuzzedService, operation: Operation, authorization: string): Promise<{ status: number; code?: string; text: string }> {
  const body = validBody(operation);
  let payload: BodyInit | undefined;
  const headers: Record<string, string> = authorization ? { authorization } : {};
  if (operation.body?.contentType === 'multipart/form-data') {
    const form = new FormData();
    form.set('programmeCode', 'TC_XH');
    const person = newBeneficiary({ provinceCode: '42', communeCode: '18073', programmeCode: 'TC_XH', categoryCode: 'NCT_80' });
    form.set('file', new Blob([`Họ và tên,Số CCCD,Ngày sinh,Giới tính (Nam/Nữ),Mã tỉnh,Mã xã,Mã nhóm đối tượng\n${person.fullName},${person.cccd},${person.dateOfBirth},Nữ,42,18073,NCT_80\n`], { type: 'text/csv' }), 'danh-sach.csv');
    payload = form;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${stack.url(service)}${stack.fillPath(service, operation.path)}`, { method: operation.method, headers, body: payload });
  const text = await response.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { code?: string }).code;
  } catch {
    // not JSON: a file
  }
  return { status: response.status, code, text };
}

describe('access matrix: every route × every caller', () => {
  it.each(SERVICES)('%s: only the cells @Roles and the area rules allow get past access control', async (service) => {
    const wrong: string[] = [];
    let denied = 0;
    let allowed = 0;
    const ownIds = () => [stack.fixtures.beneficiaryId, stack.fixtures.accountId, stack.fixtures.importId, stack.fixtures.cycleId, stack.fixtures.entitlementId, stack.fixtures.batchId];
    // reads first; the approval goes before re-preparing the batches it approves
    const rank = (operation: Operation) => (operation.method === 'GET' ? 0 : operation.path === '/batches/{id}/approve' ? 1 : 2);
    for (const operation of [...operations[service]].sort((a, b) => rank(a) - rank(b))) {
      const route = `${operation.method} ${operation.path}`;
      const callers = Object.keys(CALLERS) as CallerName[];
      const admitted = (caller: CallerName) => operation.roles.includes(CALLERS[caller].role) && (!areaScoped(operation) || covers(caller));

      const changed = await unchangedBy(stack, service, async () => {
        for (const [what, authorization] of Object.entries(badTokens())) {
          const answer = await request(service, operation, authorization);
          denied += 1;
          if (answer.status !== 401) wrong.push(`${route} with ${what}: expected 401, got ${answer.status} ${answer.code}`);
        }
        for (const caller of callers.filter((name) => !admitted(name))) {
          const answer = await request(service, operation, bearer(CALLERS[caller]));
          denied += 1;
          const expected = operation.roles.includes(CALLERS[caller].role) ? 'AUTH.OUT_OF_AREA' : 'AUTH.ROLE_NOT_ALLOWED';
          const asDesigned = (answer.status === 403 && answer.code === expected) || (expected === 'AUTH.OUT_OF_AREA' && answer.status === 404);
          if (!asDesigned) wrong.push(`${route} by ${caller}: expected 403 ${expected}, got ${answer.status} ${answer.code}`);
        }
        if (route === 'POST /batches/{id}/approve') {
          // the officer who prepared the batch, now holding a supervisor's token: four eyes means two people
          const preparer: Principal = { sub: CALLERS['officer, own province'].sub, role: 'supervisor', provinceCode: '42' };
          const answer = await request(service, operation, bearer(preparer));
          denied += 1;
          if (answer.status !== 403 || answer.code !== 'PAYMENT.FOUR_EYES') wrong.push(`${route} by its preparer: expected 403 PAYMENT.FOUR_EYES, got ${answer.status} ${answer.code}`);
        }
      });
      if (changed.length > 0) wrong.push(`${route}: refused calls changed ${changed.join(', ')}`);

      for (const caller of callers.filter(admitted)) {
        const answer = await request(service, operation, bearer(CALLERS[caller]));
        allowed += 1;
        if (answer.status === 401 || (answer.status === 403 && answer.code?.startsWith('AUTH.')) || answer.status >= 500) {
          wrong.push(`${route} by ${caller}: expected to pass access control, got ${answer.status} ${answer.code}`);
        }
        if (!covers(caller) && answer.status < 300) {
          const leaked = ownIds().filter((id) => answer.text.includes(id));
          if (leaked.length > 0) wrong.push(`${route} by ${caller}: shows Hà Tĩnh data (${leaked.join(', ')}) to a caller outside the area`);
        }
      }
      expect(await alive(stack, service)).toBe(true);
    }
    figures[`${service}.matrixDenied`] = denied;
    figures[`${service}.matrixAllowed`] = allowed;
    expect(wrong).toEqual([]);
  });
});
