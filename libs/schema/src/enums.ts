export enum OrgKind {
  CARRIER = 'CARRIER',
  ISAC = 'ISAC',
  MINISTRY = 'MINISTRY',
  PARTNER = 'PARTNER',
}

export enum UserRole {
  VIEWER = 'VIEWER',
  PUBLISHER = 'PUBLISHER',
  ADMIN = 'ADMIN',
}

export enum SignalKind {
  TRAFFIC_DROP = 'TRAFFIC_DROP',
  ROUTE_ANOMALY = 'ROUTE_ANOMALY',
  RESOLVER_FAILURE = 'RESOLVER_FAILURE',
  SERVICE_OUTAGE = 'SERVICE_OUTAGE',
  MAINTENANCE = 'MAINTENANCE',
}

export enum Severity {
  INFO = 'INFO',
  MINOR = 'MINOR',
  MAJOR = 'MAJOR',
  CRITICAL = 'CRITICAL',
}

/** TLP 2.0 labels; AMBER_STRICT is TLP:AMBER+STRICT. */
export enum TlpLabel {
  CLEAR = 'CLEAR',
  GREEN = 'GREEN',
  AMBER = 'AMBER',
  AMBER_STRICT = 'AMBER_STRICT',
  RED = 'RED',
}

export enum ApiKeyScope {
  SIGNALS_PUBLISH = 'signals:publish',
  SIGNALS_READ = 'signals:read',
}

export enum RouteAnomalyType {
  ROUTE_LEAK = 'ROUTE_LEAK',
  ORIGIN_HIJACK = 'ORIGIN_HIJACK',
  MORE_SPECIFIC = 'MORE_SPECIFIC',
  PATH_CHANGE = 'PATH_CHANGE',
  WITHDRAWAL = 'WITHDRAWAL',
  FLAPPING = 'FLAPPING',
}

export enum ResolverRole {
  RECURSIVE = 'RECURSIVE',
  AUTHORITATIVE = 'AUTHORITATIVE',
}

export enum ResolverFailureMode {
  TIMEOUT = 'TIMEOUT',
  SERVFAIL = 'SERVFAIL',
  NXDOMAIN_SURGE = 'NXDOMAIN_SURGE',
  RESPONSE_DROP = 'RESPONSE_DROP',
  QUERY_FLOOD = 'QUERY_FLOOD',
}

export enum OutageSymptom {
  UNREACHABLE = 'UNREACHABLE',
  DEGRADED = 'DEGRADED',
  PACKET_LOSS = 'PACKET_LOSS',
  AUTH_FAILURE = 'AUTH_FAILURE',
  DELIVERY_FAILURE = 'DELIVERY_FAILURE',
}

export enum IncidentStatus {
  /** Signals from one organisation only: "is it just me?" — so far, yes. */
  SINGLE_ORG = 'SINGLE_ORG',
  /** A second organisation's signals joined: the event is shared. */
  CROSS_CARRIER = 'CROSS_CARRIER',
  RESOLVED = 'RESOLVED',
}

export enum IncidentEventType {
  OPENED = 'OPENED',
  ORG_JOINED = 'ORG_JOINED',
  STATUS_CHANGED = 'STATUS_CHANGED',
  CURATED = 'CURATED',
}
