import { ConfigModule, ConfigService } from '@nestjs/config';
import { AppConfig, loadAppConfig } from './environment.js';

export interface AllConfig {
  app: AppConfig;
}

export type TypedConfigService = ConfigService<AllConfig, true>;

/** Global, validated configuration: read it with `config.get('app', { infer: true })`. */
export const AppConfigModule = ConfigModule.forRoot({
  isGlobal: true,
  cache: true,
  ignoreEnvFile: true,
  validate: (raw) => ({ app: loadAppConfig(raw) }),
});
