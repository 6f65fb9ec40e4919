/**
 * Registers a contract run against a real server when its variable is set; otherwise one skipped
 * test whose title says why (CI's GitHub Actions workflow sets the variables and runs them).
 */
export function whenServer(variable: 'EVENTSTORE_CONNECTION_STRING' | 'MONGODB_URI', title: string, register: (value: string) => void): void {
  const value = process.env[variable];
  if (value) return register(value);
  describe(title, () => {
    it(`skipped: ${variable} is not set — no ${variable.startsWith('EVENT') ? 'EventStoreDB' : 'MongoDB'} server here; the GitHub Actions workflow runs it`, function () {
      this.skip();
    });
  });
}
