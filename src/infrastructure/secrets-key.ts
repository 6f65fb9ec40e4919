import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeFolder } from '../adapters/driven/sqlite/make-folder.js';
import { AesGcmSecretBox, parseSecretsKey } from './aes-gcm-secret-box.js';
import { ConfigurationError, type Config } from './config.js';

/**
 * SECRETS_KEY when given. The embedded default may instead keep a key file beside its data file
 * (created on first start, readable by the owner only); the production stores require SECRETS_KEY.
 */
export function secretBoxFor(config: Config): AesGcmSecretBox {
  const previous = config.secretsKeyPrevious ? parseSecretsKey(config.secretsKeyPrevious, 'SECRETS_KEY_PREVIOUS') : null;
  if (config.secretsKey) return new AesGcmSecretBox(parseSecretsKey(config.secretsKey), previous);
  if (config.eventStoreConnectionString || config.mongodbUri) {
    throw new ConfigurationError('SECRETS_KEY', 'is required when EventStoreDB and MongoDB are configured.', 'Set it to 32 random bytes in base64, kept in your secret manager.');
  }
  if (config.dataFile === ':memory:') return new AesGcmSecretBox(randomBytes(32));
  const file = keyFileOf(config);
  const text = (() => {
    try {
      if (!existsSync(file)) writeKeyFile(file, randomBytes(32).toString('base64'));
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigurationError(
        'DATA_FILE',
        `${file}, the secrets key kept beside the store, cannot be made or read (${error instanceof Error ? error.message : String(error)}).`,
        'Set DATA_FILE to a file in a folder this process can make and write, or set SECRETS_KEY (32 random bytes in base64) so that no key file is needed.',
      );
    }
  })();
  keysRead.set(file, text);
  return new AesGcmSecretBox(parseSecretsKey(text), previous);
}

/** Key files this process read, by path: what sealed the secrets of the store beside each. */
const keysRead = new Map<string, string>();

function keyFileOf(config: Config): string {
  return join(dirname(config.dataFile), 'secrets.key');
}

function writeKeyFile(file: string, text: string): void {
  makeFolder(dirname(file));
  writeFileSync(file, text, { mode: 0o600 });
}

/**
 * Writes the key file again when it was removed while the server ran (with the store's folder, say):
 * without it, the store's saved copy would open with every connector secret unreadable. Its path when
 * written, else null.
 */
export function restoreKeyFile(config: Config): string | null {
  const file = keyFileOf(config);
  const text = keysRead.get(file);
  if (text === undefined || existsSync(file)) return null;
  writeKeyFile(file, text);
  return file;
}
