import type { Express } from 'express';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HubExpressAdapter } from './express-adapter.js';

describe('HubExpressAdapter', () => {
  let adapter: HubExpressAdapter;
  let server: Server;
  let app: Express;
  const seenByServer: { request: object | null; response: object | null }[] = [];

  beforeAll(async () => {
    adapter = new HubExpressAdapter();
    adapter.initHttpServer({});
    app = adapter.getInstance<Express>();
    app.post('/echo', (request, response) => {
      response.json({ path: request.path, header: request.get('x-probe') });
    });
    server = adapter.getHttpServer();
    // Runs before Express's own listener, so it sees the messages as the server built them.
    server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
      seenByServer.push({ request: Object.getPrototypeOf(request), response: Object.getPrototypeOf(response) });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("builds requests and responses with Express's prototypes, so Express never swaps them", async () => {
    const { port } = server.address() as AddressInfo;
    for (let i = 0; i < 3; i += 1) {
      const answer = await fetch(`http://127.0.0.1:${port}/echo`, { method: 'POST', headers: { 'x-probe': `probe-${i}` } });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ path: '/echo', header: `probe-${i}` });
    }
    expect(seenByServer).toHaveLength(3);
    for (const seen of seenByServer) {
      expect(seen.request).toBe(app.request);
      expect(seen.response).toBe(app.response);
    }
  });

  it('refuses the server options it does not build (https, connection tracking, 503 on closing)', () => {
    expect(() => new HubExpressAdapter().initHttpServer({ forceCloseConnections: true })).toThrow('plain HTTP only');
    expect(() => new HubExpressAdapter().initHttpServer({ return503OnClosing: true })).toThrow('plain HTTP only');
  });
});
