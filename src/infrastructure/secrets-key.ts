import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
  const file = join(dirname(config.dataFile), 'secrets.key');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  }
  return new AesGcmSecretBox(parseSecretsKey(readFileSync(file, 'utf8')), previous);
}
