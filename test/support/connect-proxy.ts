import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

/** A forward proxy on loopback that tunnels CONNECT requests and counts them, as a corporate proxy would. */
export interface ConnectProxy {
  url: string;
  /** host:port of every tunnel asked for. */
  tunnels: string[];
  close(): Promise<void>;
}

/**
 * `hosts` maps names to addresses, as the proxy's own DNS would: a name only the proxy can
 * resolve proves that a client reached it through the tunnel.
 */
export async function startConnectProxy(hosts: Record<string, string> = {}): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const server: Server = createServer((_req, res) => {
    res.statusCode = 405;
    res.end('this proxy only tunnels');
  });
  server.on('connect', (req, client, head) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), hosts[host!] ?? host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    const end = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', end);
    client.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
