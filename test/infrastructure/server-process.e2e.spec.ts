import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const SERVER = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'infrastructure', 'server-main.js');

describe('npm start as a process', function () {
  this.timeout(30_000);

  it('refuses to start on a port in use, saying so, and prints no sign-in token', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as AddressInfo;
    const dir = mkdtempSync(join(tmpdir(), 'ontrackio-port-'));
    try {
      const child = spawn(process.execPath, [SERVER], { env: { ...process.env, DATA_FILE: join(dir, 'store.sqlite'), PORT: String(port), HOST: '127.0.0.1', API_TOKENS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      const [code] = await once(child, 'exit');
      expect(code).to.equal(1);
      expect(stderr).to.match(new RegExp(`PORT: port ${port} on 127\\.0\\.0\\.1 is in use\\. Stop what uses it, or set PORT to a free port\\.`));
      expect(stdout).to.not.match(/listening|Sign-in token/);
    } finally {
      taken.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
