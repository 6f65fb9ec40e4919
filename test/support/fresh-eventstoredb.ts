import { EventStoreDBClient, StreamNotFoundError } from '@eventstore/db-client';

/**
 * The register is projected from every `hardware-` stream on the server: a server that already holds
 * import runs would have them counted too. Throws, saying so, unless the server holds none.
 */
export async function expectFreshEventStoreDb(connectionString: string, who: string): Promise<void> {
  const client = EventStoreDBClient.connectionString(connectionString);
  try {
    for await (const _event of client.readStream('mdmImport-intune', { maxCount: 1 })) {
      throw new Error(`EventStoreDB already holds import runs (mdmImport-intune): run ${who} against a fresh server, as the GitHub workflow does.`);
    }
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  } finally {
    await client.dispose();
  }
}
