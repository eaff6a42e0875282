import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { NoticeChannel } from '../recipients/contact-plan';

/**
 * Every notice and the variables its file may use. Names are persisted in notice requests: DO NOT
 * CHANGE THEM; add a new one instead. The texts live in ./templates/<name>.txt, so wording changes
 * without touching code; the service refuses to start if a file and this list disagree.
 */
export const TEMPLATE_VARIABLES = {
  'account-linked': ['institution', 'account'],
  'account-verified': ['institution', 'account', 'payableFrom'],
  'account-rejected': ['institution', 'account', 'reason'],
  'account-changed': ['previousInstitution', 'previousAccount', 'institution', 'account', 'payableFrom'],
  'account-change-approved': ['previousInstitution', 'previousAccount', 'institution', 'account', 'payableFrom'],
  'payout-sent': ['payment', 'amount', 'institution', 'account'],
  'payout-sent-cash': ['payment', 'amount', 'place', 'availableFrom', 'availableUntil'],
  'payout-settled': ['payment', 'amount', 'institution', 'account'],
  'payout-settled-cash': ['payment', 'amount'],
  'payout-failed-next-channel': ['payment', 'amount', 'failure'],
  'payout-failed-cash': ['payment', 'amount', 'failure'],
  'payout-held': ['payment', 'amount'],
  'payout-cancelled': ['payment', 'amount'],
  'beneficiary-ceased': ['paymentsStopFrom', 'reason'],
  'beneficiary-ceased-deceased': ['paymentsStopFrom', 'funeral'],
} as const satisfies Record<string, readonly string[]>;

export type TemplateName = keyof typeof TEMPLATE_VARIABLES;
export type TemplateVariables<TName extends TemplateName> = Record<(typeof TEMPLATE_VARIABLES)[TName][number], string>;

export interface RenderedNotice {
  /** E-mail only; SMS and Zalo carry the body alone. */
  subject: string | null;
  text: string;
}

const TEMPLATE_DIRECTORY = path.join(__dirname, 'templates');
const PLACEHOLDER = /\{\{(\w+)\}\}/g;
const SUBJECT_PREFIX = 'Tiêu đề: ';

interface TemplateFile {
  subject: string;
  body: string;
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

function placeholders(text: string): Set<string> {
  return new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1]));
}

function fill(text: string, variables: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const value = variables[name];
    if (value === undefined) throw new TemplateError(`no value for {{${name}}}`);
    return value;
  });
}

/** "Tiêu đề: <subject>", a line "---", then the body. Vietnamese text is kept in NFC, as it is sent. */
function parseTemplate(name: string, source: string): TemplateFile {
  const [head, separator, ...rest] = source.normalize('NFC').replace(/\r\n/g, '\n').split('\n');
  if (!head?.startsWith(SUBJECT_PREFIX) || separator !== '---') {
    throw new TemplateError(`${name}.txt must start with "${SUBJECT_PREFIX}…" and a line "---"`);
  }
  return { subject: head.slice(SUBJECT_PREFIX.length).trim(), body: rest.join('\n').trimEnd() };
}

/** "key = text" lines; '#' starts a comment line. The text after "= " is kept as written, spaces included. */
function parseFragments(source: string): Map<string, string> {
  const fragments = new Map<string, string>();
  for (const line of source.normalize('NFC').split(/\r?\n/)) {
    if (!line.trim() || line.startsWith('#')) continue;
    const match = /^([\w.-]+) =(?: (.*))?$/.exec(line);
    if (!match) throw new TemplateError(`_fragments.txt: cannot read "${line}"`);
    fragments.set(match[1], match[2] ?? '');
  }
  return fragments;
}

/** Loads and checks every template once, at start-up, and renders notices from them. */
export class NoticeTemplates {
  private readonly templates: ReadonlyMap<TemplateName, TemplateFile>;
  private readonly fragments: ReadonlyMap<string, string>;
  private readonly emailFooter: string;

  constructor(directory: string = TEMPLATE_DIRECTORY) {
    const read = (file: string) => readFileSync(path.join(directory, file), 'utf8');
    const templates = new Map<TemplateName, TemplateFile>();
    for (const [name, declared] of Object.entries(TEMPLATE_VARIABLES) as Array<[TemplateName, readonly string[]]>) {
      const template = parseTemplate(name, read(`${name}.txt`));
      const used = placeholders(`${template.subject}\n${template.body}`);
      const undeclared = [...used].filter((variable) => !declared.includes(variable));
      const unused = declared.filter((variable) => !used.has(variable));
      if (undeclared.length || unused.length) {
        throw new TemplateError(`${name}.txt: unknown {{${undeclared.join('}}, {{')}}}; never uses {{${unused.join('}}, {{')}}}`);
      }
      templates.set(name, template);
    }
    const known = new Set([...Object.keys(TEMPLATE_VARIABLES).map((name) => `${name}.txt`), '_fragments.txt', '_email-footer.txt']);
    const strays = readdirSync(directory).filter((file) => file.endsWith('.txt') && !known.has(file));
    if (strays.length) throw new TemplateError(`templates without a notice: ${strays.join(', ')}`);
    this.templates = templates;
    this.fragments = parseFragments(read('_fragments.txt'));
    this.emailFooter = read('_email-footer.txt').normalize('NFC').trimEnd();
  }

  render<TName extends TemplateName>(name: TName, variables: TemplateVariables<TName>, channel: NoticeChannel): RenderedNotice {
    const template = this.templates.get(name);
    if (!template) throw new TemplateError(`no template ${name}`);
    const values = variables as Readonly<Record<string, string>>;
    const body = fill(template.body, values);
    if (channel !== 'email') return { subject: null, text: body };
    return { subject: fill(template.subject, values), text: `${body}\n${this.emailFooter}` };
  }

  hasFragment(key: string): boolean {
    return this.fragments.has(key);
  }

  fragment(key: string, variables: Readonly<Record<string, string>> = {}): string {
    const text = this.fragments.get(key);
    if (text === undefined) throw new TemplateError(`no fragment ${key} in _fragments.txt`);
    return fill(text, variables);
  }
}
