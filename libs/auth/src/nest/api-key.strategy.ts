import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import type { Request } from 'express';
import { VIEWER_SOURCE, Viewer, ViewerSource } from '../viewer.js';

export const API_KEY_HEADER = 'x-api-key';

/** Machines: `X-Api-Key: <key>` issued by `createApiKey`. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, 'api-key') {
  constructor(@Inject(VIEWER_SOURCE) private readonly viewers: ViewerSource) {
    super();
  }

  async validate(request: Request): Promise<Viewer | false> {
    const presented = request.headers[API_KEY_HEADER];
    if (typeof presented !== 'string' || presented.length === 0) return false;
    return (await this.viewers.viewerForApiKey(presented)) ?? false;
  }
}
