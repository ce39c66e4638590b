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
