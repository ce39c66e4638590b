import 'reflect-metadata';
import { ConfigError, loadHubConfig } from './hub-config.js';

const SECRET = 'k'.repeat(32);

/** The error loadHubConfig throws for an environment, or a failure if it throws none. */
function refusal(env: NodeJS.ProcessEnv): Error {
  let accepted: unknown;
  try {
    accepted = loadHubConfig(env);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused, got ${JSON.stringify(accepted)}`);
}

describe('loadHubConfig', () => {
  it('has defaults for a laptop: embedded Postgres, local port 4000, k = 3', () => {
    const config = loadHubConfig({});
    expect(config).toMatchObject({
      HUB_ENV: 'development',
      PORT: 4000,
      HUB_HOST: '127.0.0.1',
      HUB_PUBSUB: 'postgres',
      LOG_LEVEL: 'info',
      HUB_AGGREGATE_MIN_ORGS: 3,
      HUB_DEMO_SEED: false,
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.HUB_SECRET).toBeUndefined();
    expect(config.HUB_BOOTSTRAP_ADMIN_EMAIL).toBeUndefined();
    expect(config.publicUrl).toBe('http://127.0.0.1:4000');
  });

  it('does not read process.env when given an environment', () => {
    const saved = process.env.PORT;
    process.env.PORT = '5999';
    try {
      expect(loadHubConfig({}).PORT).toBe(4000);
    } finally {
      if (saved === undefined) delete process.env.PORT;
      else process.env.PORT = saved;
    }
  });

  it('parses numbers, booleans and strings from the environment', () => {
    const config = loadHubConfig({
      PORT: '8080',
      HUB_DEMO_SEED: 'true',
      HUB_AGGREGATE_MIN_ORGS: '5',
      DATABASE_URL: 'postgres://hub@db/kessetsu',
      LOG_LEVEL: 'debug',
      HUB_PUBSUB: 'memory',
    });
    expect(config).toMatchObject({
      PORT: 8080,
      HUB_DEMO_SEED: true,
      HUB_AGGREGATE_MIN_ORGS: 5,
      DATABASE_URL: 'postgres://hub@db/kessetsu',
      LOG_LEVEL: 'debug',
      HUB_PUBSUB: 'memory',
    });
    expect(config.publicUrl).toBe('http://127.0.0.1:8080');
  });

  it('accepts production with a long enough HUB_SECRET', () => {
    const config = loadHubConfig({ HUB_ENV: 'production', HUB_SECRET: SECRET });
    expect(config.HUB_ENV).toBe('production');
    expect(config.HUB_SECRET).toBe(SECRET);
  });

  it('accepts a bootstrap admin with both email and password', () => {
    const config = loadHubConfig({ HUB_BOOTSTRAP_ADMIN_EMAIL: 'admin@example.jp', HUB_BOOTSTRAP_ADMIN_PASSWORD: 'correct horse battery' });
    expect(config.HUB_BOOTSTRAP_ADMIN_EMAIL).toBe('admin@example.jp');
  });

  it.each<[string, NodeJS.ProcessEnv, string]>([
    ['a PORT that is not a number', { PORT: 'abc' }, 'PORT'],
    ['a PORT out of range', { PORT: '70000' }, 'PORT'],
    ['production without HUB_SECRET', { HUB_ENV: 'production' }, 'HUB_SECRET'],
    ['production with an empty HUB_SECRET', { HUB_ENV: 'production', HUB_SECRET: '' }, 'HUB_SECRET'],
    ['a short HUB_SECRET in production', { HUB_ENV: 'production', HUB_SECRET: 'short-secret' }, 'HUB_SECRET'],
    ['a short HUB_SECRET in development', { HUB_SECRET: 'x'.repeat(31) }, 'HUB_SECRET'],
    ['a bootstrap admin email without a password', { HUB_BOOTSTRAP_ADMIN_EMAIL: 'admin@example.jp' }, 'HUB_BOOTSTRAP_ADMIN_PASSWORD'],
    ['a bad LOG_LEVEL', { LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
    ['an unknown HUB_ENV', { HUB_ENV: 'staging' }, 'HUB_ENV'],
  ])('refuses %s, naming %s', (_case, env, variable) => {
    const error = refusal(env);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(variable);
  });

  it('names every bad variable at once', () => {
    const error = refusal({ PORT: 'abc', LOG_LEVEL: 'loud', HUB_ENV: 'production' });
    expect(error).toBeInstanceOf(ConfigError);
    for (const variable of ['PORT', 'LOG_LEVEL', 'HUB_SECRET']) expect(error.message).toContain(variable);
  });

  it('names only the bad variable', () => {
    expect(refusal({ LOG_LEVEL: 'verbose', PORT: '8080' }).message).not.toContain('PORT');
  });
});

describe('empty variables', () => {
  it('treats an empty variable as unset, so its default applies', () => {
    const config = loadHubConfig({ PORT: '', HUB_DEMO_SEED: '', DATABASE_URL: '' });
    expect(config.PORT).toBe(4000);
    expect(config.HUB_DEMO_SEED).toBe(false);
    expect(config.DATABASE_URL).toBeUndefined();
  });
});
