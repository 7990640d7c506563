import { autoReleaseDaysDefault, loadConfig } from './config';

describe('AUTO_RELEASE_DAYS', () => {
  it('defaults to 14 days', () => {
    expect(autoReleaseDaysDefault).toBe(14);
    expect(loadConfig({}).autoReleaseDays).toBe(14);
    expect(loadConfig({ AUTO_RELEASE_DAYS: '' }).autoReleaseDays).toBe(14);
  });

  it('takes a whole number of days; 0 disables auto-release', () => {
    expect(loadConfig({ AUTO_RELEASE_DAYS: '0' }).autoReleaseDays).toBe(0);
    expect(loadConfig({ AUTO_RELEASE_DAYS: '30' }).autoReleaseDays).toBe(30);
    expect(loadConfig({ AUTO_RELEASE_DAYS: '365' }).autoReleaseDays).toBe(365);
  });

  it.each(['-1', '1.5', '14d', ' 14', 'fourteen', '366'])('refuses %j', (raw) => {
    expect(() => loadConfig({ AUTO_RELEASE_DAYS: raw })).toThrow(/^configuration: AUTO_RELEASE_DAYS must be/);
  });
});
