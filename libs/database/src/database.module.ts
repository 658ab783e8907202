import { Logger, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { TypedConfigService } from '@app/config';
import { buildDataSourceOptions } from './data-source-options.js';
import { runPendingMigrations } from './migrate.js';

const logger = new Logger('Database');

/**
 * The service's TypeORM connection. With `app.runMigrations` pending migrations are applied while
 * the DataSource is created, i.e. before any lifecycle hook, so no consumer starts on an old schema.
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
          retryAttempts: 5,
          retryDelay: 2000,
        };
      },
      dataSourceFactory: async (options) => {
        if (!options) throw new Error('DatabaseModule: no DataSource options');
        const dataSource = await new DataSource({ ...options, migrationsRun: false }).initialize();
        if (options.migrationsRun) {
          try {
            await runPendingMigrations(dataSource, logger);
          } catch (error) {
            await dataSource.destroy();
            throw error;
          }
        }
        return dataSource;
      },
    }),
  ],
  exports: [TypeOrmModule],
})
export class DatabaseModule {}
