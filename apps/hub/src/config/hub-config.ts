import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  MinLength,
  ValidateIf,
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' ? Number(value) : value);
const toBool = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? ['1', 'true', 'yes'].includes(value.toLowerCase()) : value;

export type HubEnvironment = 'development' | 'test' | 'production';
export type PubSubEngineName = 'memory' | 'postgres';

/**
 * Every setting the hub reads from the environment. Defaults suit the embedded
 * mode (`npm start` on a laptop); production must set the secrets explicitly.
 */
export class HubConfig {
  @IsIn(['development', 'test', 'production'])
  HUB_ENV: HubEnvironment = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 4000;

  @IsString()
  HUB_HOST = '127.0.0.1';

  /** Public base URL of the hub, as browsers reach it. */
  @IsOptional()
  @IsString()
  HUB_PUBLIC_URL?: string;

  /** When unset the hub starts an embedded Postgres under HUB_DATA_DIR. */
  @IsOptional()
  @IsString()
  DATABASE_URL?: string;

  @IsString()
  HUB_DATA_DIR = '.data';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  HUB_EMBEDDED_PG_PORT = 54329;

  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(200)
  HUB_DB_POOL_SIZE = 10;

  /** Master secret for tokens and pseudonyms; generated and kept in the database when unset outside production. */
  @ValidateIf((config: HubConfig) => config.HUB_ENV === 'production' || config.HUB_SECRET !== undefined)
  @IsString()
  @MinLength(32, { message: 'HUB_SECRET must be at least 32 characters' })
  HUB_SECRET?: string;

  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(86400)
  HUB_JWT_TTL_SECONDS = 900;

  @IsOptional()
  @IsEmail({}, { message: 'HUB_BOOTSTRAP_ADMIN_EMAIL must be an email address' })
  HUB_BOOTSTRAP_ADMIN_EMAIL?: string;

  @ValidateIf((config: HubConfig) => config.HUB_BOOTSTRAP_ADMIN_EMAIL !== undefined)
  @IsString({ message: 'HUB_BOOTSTRAP_ADMIN_PASSWORD is required with HUB_BOOTSTRAP_ADMIN_EMAIL' })
  @MinLength(12, { message: 'HUB_BOOTSTRAP_ADMIN_PASSWORD must be at least 12 characters' })
  HUB_BOOTSTRAP_ADMIN_PASSWORD?: string;

  @IsIn(['memory', 'postgres'])
  HUB_PUBSUB: PubSubEngineName = 'postgres';

  /** How often the live feed checks the database for commits it was not told about (ms). */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60000)
  HUB_FEED_POLL_MS = 1000;

  /** Signals a live subscriber may fall behind by before it is asked to resume from its cursor. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  HUB_FEED_MAX_BACKLOG = 10000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100000)
  HUB_MAX_BATCH_SIZE = 5000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  HUB_LOGIN_ATTEMPTS_PER_MINUTE = 10;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  HUB_PUBLISH_REQUESTS_PER_MINUTE = 1200;

  /** graphql-ws connection attempts per client address. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  HUB_CONNECTIONS_PER_MINUTE = 120;

  /** Live subscriptions one person or key may hold at once in one hub process. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  HUB_MAX_LIVE_SUBSCRIPTIONS = 20;

  /** Observed windows are widened by this much when signals are correlated into incidents. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(24 * 60)
  HUB_CORRELATION_MARGIN_MINUTES = 15;

  /** An incident whose signals have all ended resolves after this much quiet (no joins, no curation). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 3600)
  HUB_INCIDENT_QUIET_SECONDS = 3600;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  HUB_INCIDENT_SWEEP_MS = 30_000;

  /** k: aggregate cells with fewer distinct organisations are withheld from everyone but the ministry. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  HUB_AGGREGATE_MIN_ORGS = 3;

  @IsOptional()
  @IsString()
  HUB_PORTAL_ORIGIN?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Transform(toBool)
  @IsBoolean()
  HUB_DEMO_SEED = false;

  get publicUrl(): string {
    return this.HUB_PUBLIC_URL ?? `http://${this.HUB_HOST}:${this.PORT}`;
  }
}

export class ConfigError extends Error {}

/** Reads and validates the environment; throws a ConfigError naming every bad variable. */
export function loadHubConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  // An empty variable means "unset": the default applies.
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const config = plainToInstance(HubConfig, set, { exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: false });
  if (errors.length > 0) {
    const lines = errors.flatMap((error) =>
      Object.values(error.constraints ?? {}).map((message) =>
        message.startsWith(error.property) ? message : `${error.property}: ${message}`,
      ),
    );
    throw new ConfigError(`Invalid hub configuration:\n  - ${lines.join('\n  - ')}`);
  }
  return config;
}
