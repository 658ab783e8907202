import { Logger, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import type { TypedConfigService } from '@app/config';
import { buildDataSourceOptions } from './data-source-options.js';
import { migrateDatabase } from './migrate.js';

const logger = new Logger('Database');

/** What the factory below needs beyond TypeORM's options: where migrations run. */
type ServiceDataSourceOptions = DataSourceOptions & { migrationsUrl: string };

/**
 * The service's TypeORM connection. With `app.runMigrations` pending migrations are applied while
 * the DataSource is created, i.e. before any lifecycle hook, so no consumer starts on an old schema.
 * They run over DATABASE_DIRECT_URL (DATABASE_URL unless set), on a small connection pool of their
 * own, so a deployment that puts a transaction pooler on DATABASE_URL can keep DDL off it.
 * `migrationsRun` carries that setting to the factory; TypeORM's own (unlocked) run stays off.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: TypedConfigService) => {
        const app = config.get('app', { infer: true });
        return {
          ...buildDataSourceOptions(app.databaseUrl),
          // Each module registers its own entities (TypeOrmModule.forFeature).
          autoLoadEntities: true,
          migrationsRun: app.runMigrations,
          migrationsUrl: app.databaseDirectUrl,
          retryAttempts: 5,
          retryDelay: 2000,
        };
      },
      dataSourceFactory: async (options) => {
        if (!options) throw new Error('DatabaseModule: no DataSource options');
        const { migrationsUrl, ...dataSourceOptions } = options as ServiceDataSourceOptions;
        if (options.migrationsRun) await migrateDatabase(migrationsUrl, logger);
        return new DataSource({ ...dataSourceOptions, migrationsRun: false }).initialize();
      },
    }),
  ],
  exports: [TypeOrmModule],
})
export class DatabaseModule {}
