import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { asyncApiDocument, contractDocuments } from './contract-documents';

// Writes the contracts for banks' engineers into docs/contracts/: `npm run contracts:export`
// (after `nest build beneficiary`, which compiles this file). The committed copies are compared with
// the code by contract-documents.spec.ts, so regenerate them whenever an event changes.

export const ASYNCAPI_FILE = 'asyncapi.yaml';

/** The repository root: the nearest folder above `from` that holds nest-cli.json. */
export function findRepoRoot(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'nest-cli.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no nest-cli.json in ${from} or any folder above it`);
  }
}

export function contractsDirectory(root: string = findRepoRoot()): string {
  return path.join(root, 'docs', 'contracts');
}

/** Whether a file in docs/contracts/ is one this command writes (and so may delete when stale). */
export function isGeneratedFile(name: string): boolean {
  return name === ASYNCAPI_FILE || name.endsWith('.schema.json');
}

/** Every generated file, name → exact content. */
export function renderContractFiles(): Record<string, string> {
  // No anchors/aliases (shared objects are written out in full) and no line folding: plain, diffable YAML.
  const asyncApi = stringify(asyncApiDocument(), { aliasDuplicateObjects: false, lineWidth: 0 });
  return { ...contractDocuments(), [ASYNCAPI_FILE]: asyncApi };
}

function main(): void {
  const directory = contractsDirectory();
  fs.mkdirSync(directory, { recursive: true });
  const files = renderContractFiles();
  for (const name of fs.readdirSync(directory)) {
    if (isGeneratedFile(name) && !(name in files)) {
      fs.rmSync(path.join(directory, name));
      console.log(`removed ${path.relative(process.cwd(), path.join(directory, name))} (no longer in the catalogue)`);
    }
  }
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(directory, name), content);
    console.log(`wrote ${path.relative(process.cwd(), path.join(directory, name))}`);
  }
}

if (require.main === module) main();
