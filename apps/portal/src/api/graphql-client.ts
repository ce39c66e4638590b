export interface HubEndpoints {
  hubHttpUrl: string;
  hubWsUrl: string;
}

export interface FieldError {
  index?: number;
  field: string;
  message: string;
}

/** A GraphQL error as the hub reports it: a code, a message, and per-field errors for bad input. */
export class HubError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(message);
  }
}

let endpoints: HubEndpoints | null = null;

export async function loadEndpoints(): Promise<HubEndpoints> {
  if (!endpoints) endpoints = (await (await fetch('/config.json')).json()) as HubEndpoints;
  return endpoints;
}

/** Variables for GraphQL: `undefined` fields are dropped by JSON. */
export async function graphqlRequest<T>(query: string, variables: Record<string, unknown>, token: string | null): Promise<T> {
  const { hubHttpUrl } = await loadEndpoints();
  const response = await fetch(`${hubHttpUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string; fieldErrors?: FieldError[] } }[] };
  const [error] = body.errors ?? [];
  if (error) throw new HubError(error.message, error.extensions?.code ?? 'ERROR', error.extensions?.fieldErrors ?? []);
  return body.data as T;
}
