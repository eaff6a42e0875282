import fs from 'node:fs';
import path from 'node:path';
import { createPublicKey } from 'node:crypto';
import { envelopeMetaSchema } from '../envelope';
import { beneficiaryRegisteredV1, deadLetterTopicOf, EVENT_CATALOGUE, instructionIssuedV1, instructionReportedV1, type EventDefinition } from '../events';
import { verifyPayloadSignature, type DetachedSignature } from '../values/canonical-json';
import { PAYING_INSTITUTIONS } from '../values/paying-institution';
import { asyncApiDocument, contractDocuments, DEAD_LETTER_HEADER_DOCS, institutionChannels, schemaFileName } from './contract-documents';
import { contractsDirectory, findRepoRoot, isGeneratedFile, renderContractFiles } from './export-contracts.cli';
import { EXAMPLE_SIGNING_KEYS } from './institution-examples';

type Schema = Record<string, unknown>;

const sampleEnvelope = {
  eventId: '0190f5c2-7b7e-7c3a-9a51-3f2d6c1e8a10',
  type: 'beneficiary.beneficiary.registered',
  version: 1,
  occurredAt: '2026-11-23T08:00:00.000Z',
  producer: 'beneficiary',
  correlationId: 'c-1',
  causationId: null,
  aggregateId: '7d1f1c7e-1111-4a4a-8b8b-123456789abc',
  payload: {
    beneficiaryId: '7d1f1c7e-1111-4a4a-8b8b-123456789abc',
    cccd: '042148001234',
    fullName: 'Nguyễn Thị Đào',
    dateOfBirth: '1948-03-15',
    gender: 'female',
    phone: '0912345678',
    provinceCode: '42',
    communeCode: '18073',
    legacyDistrictCode: null,
    programmeCode: 'TC_XH',
    categoryCode: 'NCT_80',
    status: 'active',
    registeredAt: '2026-11-23T08:00:00.000Z',
  },
};

/**
 * The subset of JSON Schema the generated schemas use (type, const, enum, pattern, lengths, bounds,
 * anyOf, properties, required, additionalProperties), checked the way a bank's validator would; no
 * JSON Schema validator is a dependency of the project.
 */
function violations(schema: Schema, value: unknown, at = '$'): string[] {
  const problems: string[] = [];
  const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);
  if (schema.anyOf) {
    const branches = schema.anyOf as Schema[];
    return branches.some((branch) => violations(branch, value, at).length === 0) ? [] : [`${at}: matches no anyOf branch`];
  }
  if (schema.type !== undefined) {
    const actual = typeOf(value);
    const ok = schema.type === actual || (schema.type === 'number' && actual === 'integer');
    if (!ok) return [`${at}: expected ${String(schema.type)}, got ${actual}`];
  }
  if ('const' in schema && value !== schema.const) problems.push(`${at}: must be ${JSON.stringify(schema.const)}`);
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) problems.push(`${at}: not in enum`);
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern as string, 'u').test(value)) problems.push(`${at}: does not match ${String(schema.pattern)}`);
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) problems.push(`${at}: shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === 'number' && [...value].length > schema.maxLength) problems.push(`${at}: longer than ${schema.maxLength}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.exclusiveMinimum === 'number' && !(value > schema.exclusiveMinimum)) problems.push(`${at}: not > ${schema.exclusiveMinimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) problems.push(`${at}: > ${schema.maximum}`);
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in object)) problems.push(`${at}.${key}: required`);
    for (const [key, child] of Object.entries(object)) {
      if (properties[key]) problems.push(...violations(properties[key], child, `${at}.${key}`));
      else if (schema.additionalProperties === false) problems.push(`${at}.${key}: not allowed`);
    }
  }
  return problems;
}

function parsedSchemaOf(topic: string): Schema {
  return JSON.parse(contractDocuments()[schemaFileName(topic)]) as Schema;
}

const INSTITUTION_SCHEMA_FILES = ['bank.institution.instruction.issued.v1.schema.json', 'bank.institution.instruction.reported.v1.schema.json'];

describe('contract documents', () => {
  it('has one JSON Schema document per catalogue topic and per institution topic family, and nothing else', () => {
    const documents = contractDocuments();
    expect(Object.keys(documents).sort()).toEqual([...EVENT_CATALOGUE.map((definition) => `${definition.topic}.schema.json`), ...INSTITUTION_SCHEMA_FILES].sort());
    const definitions: EventDefinition[] = [...EVENT_CATALOGUE, ...institutionChannels().map((channel) => channel.definition)];
    for (const definition of definitions) {
      const text = documents[schemaFileName(definition.topic)];
      expect(text.endsWith('}\n')).toBe(true);
      expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
      const schema = JSON.parse(text) as Schema;
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.title).toBe(definition.topic);
      const properties = schema.properties as Record<string, Schema>;
      expect(properties.type.const).toBe(definition.type);
      expect(properties.version.const).toBe(definition.version);
    }
  });

  it('requires every envelope field and the identifying payload fields', () => {
    const schema = parsedSchemaOf(beneficiaryRegisteredV1.topic);
    expect([...(schema.required as string[])].sort()).toEqual([...Object.keys(envelopeMetaSchema.shape), 'payload'].sort());
    expect(schema.additionalProperties).toBe(false);
    const payload = (schema.properties as Record<string, Schema>).payload;
    expect(payload.required).toEqual(expect.arrayContaining(['beneficiaryId', 'cccd']));
    expect(payload.additionalProperties).toBe(false);
  });

  it('accepts a valid envelope and rejects what the zod contract rejects', () => {
    const schema = parsedSchemaOf(beneficiaryRegisteredV1.topic);
    expect(beneficiaryRegisteredV1.envelope.safeParse(sampleEnvelope).success).toBe(true);
    expect(violations(schema, sampleEnvelope)).toEqual([]);

    const { cccd: _cccd, ...withoutCccd } = sampleEnvelope.payload;
    const broken: Array<[string, unknown]> = [
      ['payload without cccd', { ...sampleEnvelope, payload: withoutCccd }],
      ['11-digit cccd', { ...sampleEnvelope, payload: { ...sampleEnvelope.payload, cccd: '04214800123' } }],
      ['unknown payload field', { ...sampleEnvelope, payload: { ...sampleEnvelope.payload, iban: 'x' } }],
      ['missing aggregateId', { ...sampleEnvelope, aggregateId: undefined }],
      ['unknown gender', { ...sampleEnvelope, payload: { ...sampleEnvelope.payload, gender: 'other' } }],
    ];
    for (const [label, envelope] of broken) {
      const clean = JSON.parse(JSON.stringify(envelope)) as unknown;
      expect({ label, zod: beneficiaryRegisteredV1.envelope.safeParse(clean).success }).toEqual({ label, zod: false });
      expect({ label, rejected: violations(schema, clean).length > 0 }).toEqual({ label, rejected: true });
    }
    // Pinned by the document though zod's envelope accepts it: consumers dead-letter another type/version.
    expect(violations(schema, { ...sampleEnvelope, version: 2 })).toEqual(['$.version: must be 1']);
  });

  it('describes every topic and its dead-letter topic in AsyncAPI 3.0.0, keyed by aggregateId', () => {
    const document = asyncApiDocument() as { asyncapi: string; channels: Record<string, Schema>; operations: Record<string, Schema> };
    expect(document.asyncapi).toBe('3.0.0');
    const byAddress = new Map(Object.entries(document.channels).map(([id, channel]) => [channel.address as string, { id, channel }]));
    // every catalogue topic and its dead letters, plus instructions, results and the results' dead letters
    expect(byAddress.size).toBe(EVENT_CATALOGUE.length * 2 + 3);
    for (const definition of EVENT_CATALOGUE) {
      const main = byAddress.get(definition.topic)!;
      const [message] = Object.values(main.channel.messages as Record<string, Schema>);
      const payload = message.payload as { schemaFormat: string; schema: Schema };
      expect(payload.schemaFormat).toBe('application/schema+json;version=draft-07');
      const { $schema: _draft07, ...payloadSchema } = payload.schema;
      const { $schema: _draft2020, ...fileSchema } = parsedSchemaOf(definition.topic);
      expect(payloadSchema).toEqual(fileSchema);
      expect(JSON.stringify((message.bindings as { kafka: { key: Schema } }).kafka.key)).toContain('aggregateId');

      const deadLetter = byAddress.get(deadLetterTopicOf(definition.topic))!;
      const [deadLetterMessage] = Object.values(deadLetter.channel.messages as Record<string, Schema>);
      const headers = deadLetterMessage.headers as { properties: Schema; required: string[] };
      const expectedHeaders = [
        'x-dlq-reason', 'x-dlq-detail', 'x-dlq-original-topic', 'x-dlq-original-partition',
        'x-dlq-original-offset', 'x-dlq-consumer', 'x-dlq-attempts',
      ];
      expect(Object.keys(headers.properties).sort()).toEqual([...expectedHeaders].sort());
      expect([...headers.required].sort()).toEqual([...expectedHeaders].sort());
      expect(Object.keys(DEAD_LETTER_HEADER_DOCS).sort()).toEqual([...expectedHeaders].sort());

      for (const { id, channel } of [main, deadLetter]) {
        const operations = Object.values(document.operations).filter((operation) => (operation.channel as { $ref: string }).$ref === `#/channels/${id}`);
        expect(operations).toHaveLength(1);
        const [messageRef] = operations[0].messages as Array<{ $ref: string }>;
        const messageId = messageRef.$ref.split('/').pop()!;
        expect(messageRef.$ref).toBe(`#/channels/${id}/messages/${messageId}`);
        expect((channel.messages as Record<string, Schema>)[messageId]).toBeDefined();
      }
    }
  });

  it('documents the per-institution topics once, as channels parameterised by the institution code', () => {
    const document = asyncApiDocument() as { channels: Record<string, Schema>; operations: Record<string, Schema> };
    const byAddress = new Map(Object.values(document.channels).map((channel) => [channel.address as string, channel]));
    const codes = PAYING_INSTITUTIONS.map((institution) => institution.code.toLowerCase());
    expect(codes).toEqual(expect.arrayContaining(['970436', 'momo', 'vnpost']));
    for (const address of ['bank.{institution}.instruction.issued.v1', 'bank.{institution}.instruction.reported.v1', 'bank.{institution}.instruction.reported.v1.dlq']) {
      const channel = byAddress.get(address)!;
      expect(channel).toBeDefined();
      const parameter = (channel.parameters as Record<string, Schema>).institution;
      expect(parameter.enum).toEqual(codes);
      expect(String(parameter.description)).toContain('bank.<institution>.');
    }
    // AnSinh sends instructions and receives results
    const actionOn = (address: string) =>
      Object.values(document.operations)
        .filter((operation) => (operation.channel as { $ref: string }).$ref === `#/channels/${Object.entries(document.channels).find(([, channel]) => channel.address === address)![0]}`)
        .map((operation) => operation.action);
    expect(actionOn('bank.{institution}.instruction.issued.v1')).toEqual(['send']);
    expect(actionOn('bank.{institution}.instruction.reported.v1')).toEqual(['receive']);
    expect(byAddress.has('bank.{institution}.instruction.issued.v1.dlq')).toBe(false);

    for (const channel of institutionChannels()) {
      const [message] = Object.values(byAddress.get(channel.definition.topic)!.messages as Record<string, Schema>);
      expect(JSON.stringify((message.bindings as { kafka: { key: Schema } }).kafka.key)).toContain('instructionId');
      const { $schema: _draft07, ...payloadSchema } = (message.payload as { schema: Schema }).schema;
      const { $schema: _draft2020, examples, ...fileSchema } = parsedSchemaOf(channel.definition.topic);
      expect(payloadSchema).toEqual(fileSchema);
      expect((message.examples as Array<{ payload: unknown }>).map((example) => example.payload)).toEqual(examples);
    }
  });

  it('gives valid, signed examples of instructions and results, with Vietnamese names and amounts in đồng strings', () => {
    const ansinhKey = createPublicKey({ key: Buffer.from(EXAMPLE_SIGNING_KEYS.ansinh.publicKeySpki, 'base64'), format: 'der', type: 'spki' });
    const institutionKey = createPublicKey({ key: Buffer.from(EXAMPLE_SIGNING_KEYS.institution.publicKeySpki, 'base64'), format: 'der', type: 'spki' });
    const [issued, reported] = institutionChannels();
    const statuses: string[] = [];
    for (const [channel, key, definitionOf] of [
      [issued, ansinhKey, instructionIssuedV1],
      [reported, institutionKey, instructionReportedV1],
    ] as const) {
      const schema = parsedSchemaOf(channel.definition.topic);
      expect(schema.examples).toHaveLength(channel.examples.length);
      for (const { envelope } of channel.examples) {
        const payload = envelope.payload as Record<string, unknown> & { institutionCode: string; amountDong: string; signature: DetachedSignature; status?: string };
        const clean = JSON.parse(JSON.stringify(envelope)) as unknown;
        expect(definitionOf(payload.institutionCode).envelope.safeParse(clean).success).toBe(true);
        expect(violations(schema, clean)).toEqual([]);
        expect(payload.amountDong).toMatch(/^[1-9]\d*$/);
        expect(verifyPayloadSignature(payload, key)).toBe(true);
        // one đồng more and the signature no longer holds
        expect(verifyPayloadSignature({ ...payload, amountDong: String(BigInt(payload.amountDong) + 1n) }, key)).toBe(false);
        if (payload.status) statuses.push(payload.status);
      }
    }
    expect(statuses.sort()).toEqual(['rejected', 'settled']);
    expect(JSON.stringify(issued.examples)).toContain('Nguyễn Thị Đào');
  });

  it('matches the committed docs/contracts/ (run `npm run build && npm run contracts:export` after changing an event)', () => {
    const directory = contractsDirectory();
    expect(directory).toBe(path.join(findRepoRoot(), 'docs', 'contracts'));
    expect(fs.existsSync(path.join(findRepoRoot(), 'nest-cli.json'))).toBe(true);
    const expected = renderContractFiles();
    expect(Object.keys(expected)).toContain('asyncapi.yaml');
    const committed = fs.existsSync(directory) ? fs.readdirSync(directory).filter(isGeneratedFile).sort() : [];
    expect(committed).toEqual(Object.keys(expected).sort());
    for (const [name, content] of Object.entries(expected)) {
      expect({ name, content: fs.readFileSync(path.join(directory, name), 'utf8') }).toEqual({ name, content });
    }
  });
});
