import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { PubSubEngine } from 'graphql-subscriptions';
import type { WebSocket } from 'ws';
import type { Logger } from 'pino';
import { AUTH_OPTIONS, AccessTokenClaims, AuthOptions, Viewer, jwtVerifyOptions } from '@kessetsu/auth';
import { ViewerSourceService } from '../auth/viewer-source.service.js';
import { HubConfig } from '../config/hub-config.js';
import { RateLimiter } from '../security/rate-limiter.js';
import { ROOT_LOGGER } from '../common/logger.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { CredentialRevokedEvent, HUB_PUBSUB, HubTrigger } from '../pubsub/hub-events.js';

/** graphql-ws close codes used by the hub (4400-4499 are the protocol's client errors). */
export enum LiveCloseCode {
  TOKEN_EXPIRED = 4401,
  CREDENTIAL_REVOKED = 4403,
  SHUTTING_DOWN = 1001,
}

export interface LiveConnectionHandle {
  forget(): void;
  /** False when the identity already holds the most live subscriptions allowed. */
  admit(subscriptionId: string): boolean;
  release(subscriptionId: string): void;
}

export interface ConnectionInitPayload {
  authorization?: unknown;
  apiKey?: unknown;
}

interface LiveConnection {
  viewer: Viewer;
  socket: WebSocket;
  expiryTimer: NodeJS.Timeout | null;
  subscriptionIds: Set<string>;
}

/** One person or one key, however many connections it opens. */
const identityOf = (viewer: Viewer) => viewer.apiKeyId ?? viewer.userId ?? 'anonymous';

/**
 * Authenticates graphql-ws connections at `connection_init` and keeps them accountable:
 * a connection ends when its token expires or its key or user loses access.
 */
@Injectable()
export class LiveConnectionsService implements OnModuleInit, OnModuleDestroy {
  private readonly connections = new Set<LiveConnection>();
  private revocationSubscription: number | null = null;

  constructor(
    private readonly viewers: ViewerSourceService,
    private readonly jwt: JwtService,
    private readonly metrics: MetricsService,
    @Inject(AUTH_OPTIONS) private readonly authOptions: AuthOptions,
    @Inject(HUB_PUBSUB) private readonly pubsub: PubSubEngine,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    private readonly config: HubConfig,
    private readonly rateLimiter: RateLimiter,
  ) {}

  async onModuleInit(): Promise<void> {
    this.revocationSubscription = await this.pubsub.subscribe(HubTrigger.CREDENTIAL_REVOKED, (event: CredentialRevokedEvent) =>
      this.closeRevoked(event),
      {},
    );
  }

  onModuleDestroy(): void {
    if (this.revocationSubscription !== null) this.pubsub.unsubscribe(this.revocationSubscription);
    for (const connection of this.connections) this.close(connection, LiveCloseCode.SHUTTING_DOWN, 'Hub shutting down');
  }

  /** The viewer behind a `connection_init` payload, or null to refuse the connection. */
  async authenticate(payload: ConnectionInitPayload | undefined, clientAddress: string): Promise<Viewer | null> {
    try {
      this.rateLimiter.consume('connect', clientAddress);
    } catch {
      return null;
    }
    return this.viewerFor(payload);
  }

  /** The viewer behind a bearer token or an API key, or null when neither is valid. */
  async viewerFor(payload: ConnectionInitPayload | undefined): Promise<Viewer | null> {
    if (typeof payload?.apiKey === 'string') return this.viewers.viewerForApiKey(payload.apiKey);
    const bearer = typeof payload?.authorization === 'string' ? /^Bearer (\S+)$/i.exec(payload.authorization) : null;
    if (!bearer) return null;
    try {
      const claims = await this.jwt.verifyAsync<AccessTokenClaims>(bearer[1], jwtVerifyOptions(this.authOptions));
      return await this.viewers.viewerForToken(claims);
    } catch {
      return null;
    }
  }

  /** Tracks an accepted connection; returns the function to call when it closes. */
  register(viewer: Viewer, socket: WebSocket): LiveConnectionHandle {
    const connection: LiveConnection = { viewer, socket, expiryTimer: null, subscriptionIds: new Set() };
    if (viewer.expiresAt) {
      const remaining = Math.max(0, viewer.expiresAt.getTime() - Date.now());
      connection.expiryTimer = setTimeout(() => this.close(connection, LiveCloseCode.TOKEN_EXPIRED, 'Token expired'), remaining);
    }
    this.connections.add(connection);
    this.metrics.liveConnections.inc();
    return {
      forget: () => this.forget(connection),
      admit: (subscriptionId) => this.admit(connection, subscriptionId),
      release: (subscriptionId) => connection.subscriptionIds.delete(subscriptionId),
    };
  }

  /** Caps live subscriptions per identity across all its connections to this process. */
  private admit(connection: LiveConnection, subscriptionId: string): boolean {
    const identity = identityOf(connection.viewer);
    let active = 0;
    for (const other of this.connections) {
      if (identityOf(other.viewer) === identity) active += other.subscriptionIds.size;
    }
    if (active >= this.config.HUB_MAX_LIVE_SUBSCRIPTIONS) return false;
    connection.subscriptionIds.add(subscriptionId);
    return true;
  }

  private closeRevoked(event: CredentialRevokedEvent): void {
    for (const connection of this.connections) {
      const { apiKeyId, userId } = connection.viewer;
      if ((event.apiKeyId && apiKeyId === event.apiKeyId) || (event.userId && userId === event.userId)) {
        this.logger.info({ apiKeyId, userId }, 'closing live connection of a revoked credential');
        this.close(connection, LiveCloseCode.CREDENTIAL_REVOKED, 'Credential revoked');
      }
    }
  }

  private close(connection: LiveConnection, code: LiveCloseCode, reason: string): void {
    this.forget(connection);
    connection.socket.close(code, reason);
  }

  private forget(connection: LiveConnection): void {
    if (!this.connections.delete(connection)) return;
    if (connection.expiryTimer) clearTimeout(connection.expiryTimer);
    this.metrics.liveConnections.dec();
  }
}
