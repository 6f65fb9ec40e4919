import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

export interface CountingProxy {
  url: string;
  /** host:port → tunnels opened */
  tunnels: Map<string, number>;
  close(): Promise<void>;
}

/** A minimal HTTPS forward proxy (CONNECT) on loopback that counts the tunnels it opens. */
export async function startConnectProxy(): Promise<CountingProxy> {
  const tunnels = new Map<string, number>();
  const server: Server = createServer((_request, response) => response.writeHead(405).end());
  server.on('connect', (request, client, head) => {
    const target = request.url ?? '';
    tunnels.set(target, (tunnels.get(target) ?? 0) + 1);
    const [host, port] = target.split(':');
    const upstream = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
