export const SIGNAL_FIELDS = `id kind severity tlp observedStart observedEnd publishedAt regions service text sourceRef
  publisher { pseudonym organization { id name } }
  details {
    __typename
    ... on TrafficDropDetails { dropPercent peerAsn affectedUsers }
    ... on RouteAnomalyDetails { anomalyType prefixCount originAsn leakingAsn }
    ... on ResolverFailureDetails { resolverRole failureMode failureRate domains }
    ... on ServiceOutageDetails { symptom affectedUsers }
    ... on MaintenanceDetails { plannedStart plannedEnd description }
  }`;

export const INCIDENT_FIELDS = `id status crossCarrier title severity kinds regions orgCount signalCount firstSeen lastSeen updatedAt
  participants { pseudonym isViewerOrganization }`;

export const LOGIN = `mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    accessToken expiresAt viewer { role permissions email organization { id name kind } }
  }
}`;

export const ME = `{ me { role permissions email organization { id name kind } } }`;

export const RECENT_SIGNALS = `query Recent($filter: SignalFilter) {
  signals(filter: $filter, last: 50) { edges { cursor node { ${SIGNAL_FIELDS} } } pageInfo { endCursor } }
}`;

export const SIGNAL_FEED = `subscription Feed($filter: SignalFilter, $after: String) {
  signalPublished(filter: $filter, after: $after) { cursor signal { ${SIGNAL_FIELDS} } }
}`;

export const OPEN_INCIDENTS = `{ incidents(first: 50) { edges { cursor node { ${INCIDENT_FIELDS} } } } }`;

export const INCIDENT_FEED = `subscription Incidents($after: String) {
  incidentUpdated(after: $after) { cursor incident { ${INCIDENT_FIELDS} } }
}`;

export const ORGANISATIONS = `{ organizations { id name kind } }`;

export const PUBLISH = `mutation Publish($signals: [SignalInput!]!) {
  publishSignals(signals: $signals) { duplicate signal { ${SIGNAL_FIELDS} } incident { id status otherOrgCount } }
}`;

export const INCIDENT = `query Incident($id: ID!) {
  incident(id: $id) {
    ${INCIDENT_FIELDS} tlp note openedAt resolvedAt services
    participants { pseudonym isViewerOrganization organization { name } }
    timeline { type at actor fromStatus toStatus kind description }
    signals { ${SIGNAL_FIELDS} }
    plannedWork { ${SIGNAL_FIELDS} }
  }
}`;

export const CURATE = `mutation Curate($id: ID!, $input: CurateIncidentInput!) { curateIncident(id: $id, input: $input) { id } }`;

export const AGGREGATES = `query Aggregates($from: DateTime!, $to: DateTime!, $bucket: AggregateBucket!, $groupBy: [AggregateDimension!]) {
  aggregates(from: $from, to: $to, bucket: $bucket, groupBy: $groupBy) {
    k everyCellShown gridComplete cells { bucketStart kind region suppressed signalCount orgCount }
  }
}`;

export const ADVISORIES = `{ advisories(first: 20) { edges { node { id title body tlp publishedAt issuer { name } } } } }`;

export const PUBLISH_ADVISORY = `mutation Advise($input: PublishAdvisoryInput!) { publishAdvisory(input: $input) { id } }`;

export const ADMIN_ORGANISATIONS = `{ organizations { id name kind asns regions } }`;
export const CREATE_ORGANISATION = `mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }`;
export const USERS = `query($orgId: ID!) { users(orgId: $orgId) { id email displayName role active } }`;
export const CREATE_USER = `mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`;
export const API_KEYS = `query($orgId: ID!) { apiKeys(orgId: $orgId) { id name keyId scopes createdAt revokedAt } }`;
export const CREATE_API_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id } } }`;
export const REVOKE_API_KEY = `mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`;

export const PUBLIC_STATUS = `{
  incidents(first: 50) { edges { node { id status title severity kinds regions firstSeen lastSeen } } }
  advisories(first: 20) { edges { node { id title body publishedAt issuer { name } } } }
}`;
