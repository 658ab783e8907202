import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getMetadataArgsStorage } from 'typeorm';

type EntityClass = new () => unknown;

/** Where every lib lives, whether this runs from source (ts-jest) or from dist/. */
const LIBS_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXTENSION = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** Every `*.entity` file of every lib (`libs/<lib>/src/**`), sorted: the pattern entities are found by. */
export function entityFiles(root = LIBS_ROOT): string[] {
  const files: string[] = [];
  for (const lib of readdirSync(root, { withFileTypes: true })) {
    if (!lib.isDirectory()) continue;
    const src = join(root, lib.name, 'src');
    let names: string[];
    try {
      names = readdirSync(src, { recursive: true, encoding: 'utf8' });
    } catch {
      continue;
    }
    for (const name of names) if (name.endsWith(`.entity${EXTENSION}`)) files.push(join(src, name));
  }
  return files.sort();
}

/**
 * The entity classes of every lib, for a DataSource built outside Nest (the TypeORM CLI, tests);
 * the service's own connection registers each module's entities instead (TypeOrmModule.forFeature
 * with autoLoadEntities). Imported one file at a time: TypeORM's own glob loading imports them all
 * at once from CommonJS, which Jest's ESM runtime does not survive across test files.
 */
export async function loadEntityClasses(files = entityFiles()): Promise<EntityClass[]> {
  const tables = getMetadataArgsStorage().tables;
  const classes = new Set<EntityClass>();
  for (const file of files) {
    const exported: Record<string, unknown> = await import(pathToFileURL(file).href);
    for (const value of Object.values(exported)) {
      if (typeof value === 'function' && tables.some((table) => table.target === value && table.type === 'regular')) {
        classes.add(value as EntityClass);
      }
    }
  }
  return [...classes];
}
