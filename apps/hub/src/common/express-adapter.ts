import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';
import { IncomingMessage, ServerResponse, createServer } from 'node:http';

/**
 * Express moves every request and response to its own prototype (`app.request`,
 * `app.response`) with `Object.setPrototypeOf`. Each message then had a hidden class of
 * its own (no two consecutive responses shared one), and everything they reached
 * survived young-generation collections until the next full one: on a trivial route at
 * 320 requests/s, 2.1 MB promoted and an 8.8 ms pause per scavenge. Messages constructed
 * with those prototypes make Express's call a no-op (0.04 MB, 0.8 ms; bench/README.md
 * "Sixth session").
 */
export class HubExpressAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    if (options.httpsOptions || options.forceCloseConnections || options.return503OnClosing) {
      throw new Error('HubExpressAdapter serves plain HTTP only');
    }
    this.httpServer = createServer(expressMessageClasses(this.getInstance<Express>()), this.getInstance());
  }
}

/** Node's message constructors with Express's prototypes in place of their own. */
function expressMessageClasses(app: Express): { IncomingMessage: typeof IncomingMessage; ServerResponse: typeof ServerResponse } {
  // Node's message classes are plain constructor functions; what the server passes is forwarded.
  function ExpressRequest(this: IncomingMessage, ...args: unknown[]) {
    Reflect.apply(IncomingMessage, this, args);
  }
  ExpressRequest.prototype = app.request;
  function ExpressResponse(this: ServerResponse, ...args: unknown[]) {
    Reflect.apply(ServerResponse, this, args);
  }
  ExpressResponse.prototype = app.response;
  return {
    IncomingMessage: ExpressRequest as unknown as typeof IncomingMessage,
    ServerResponse: ExpressResponse as unknown as typeof ServerResponse,
  };
}
