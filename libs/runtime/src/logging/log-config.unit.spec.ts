import { ConfigError, loadConfig } from '../config';

describe('logging configuration', () => {
  it('logs at info, pretty in development (the default NODE_ENV) and JSON lines otherwise', () => {
    expect(loadConfig({}).log).toEqual({ level: 'info', pretty: true });
    expect(loadConfig({ NODE_ENV: 'test' }).log).toEqual({ level: 'info', pretty: false });
    expect(loadConfig({ NODE_ENV: 'production', AUTH_SECRET: 'a-production-secret-of-at-least-32-characters' }).log).toEqual({ level: 'info', pretty: false });
  });

  it('takes LOG_LEVEL, silent included, and refuses a level pino does not have', () => {
    expect(loadConfig({ LOG_LEVEL: 'debug' }).log.level).toBe('debug');
    expect(loadConfig({ LOG_LEVEL: 'silent' }).log.level).toBe('silent');
    expect(loadConfig({ LOG_LEVEL: '' }).log.level).toBe('info');
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_LEVEL: 'INFO' })).toThrow(/LOG_LEVEL must be fatal, error, warn, info, debug, trace or silent/);
  });
});
