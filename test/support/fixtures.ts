import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from './service-process.js';

/** The exact bytes of a fixture file: signatures are checked over these, never a re-serialisation. */
export function fixtureBytes(relativePath: string): Buffer {
  return readFileSync(resolve(REPO_ROOT, 'test/fixtures', relativePath));
}
