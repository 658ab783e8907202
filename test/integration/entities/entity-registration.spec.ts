import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadEntityClasses } from '@app/database';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('entities of the service', () => {
  it('are each registered by the Nest module that owns them (TypeOrmModule.forFeature), none left to a central list', async () => {
    // The storage TypeOrmModule.forFeature fills as modules are declared, and autoLoadEntities reads.
    const { EntitiesMetadataStorage } = (await import(
      pathToFileURL(`${ROOT}node_modules/@nestjs/typeorm/dist/entities-metadata.storage.js`).href
    )) as {
      EntitiesMetadataStorage: { getEntitiesByDataSource(dataSource?: string): unknown[] };
    };
    for (const lib of readdirSync(`${ROOT}libs`)) await import(pathToFileURL(`${ROOT}libs/${lib}/src/index.ts`).href);
    const registered = new Set(EntitiesMetadataStorage.getEntitiesByDataSource('default'));
    const missing = (await loadEntityClasses()).filter((entity) => !registered.has(entity)).map((entity) => entity.name);
    expect(missing).toEqual([]);
  });
});
