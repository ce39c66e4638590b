import { DEMO_PASSWORD } from '../seed/demo-organisations.js';
import { LEAK_START_JST, ReplayActor, ReplayStep, TIMELINE_2017 } from './timeline-2017.js';

/** Demo logins that act in the replay (created by the demo seed). */
const ACTORS: Record<ReplayActor, string> = {
  ntt: 'noc@ntt-com.example',
  kddi: 'noc@kddi.example',
  isac: 'analyst@ict-isac.example',
  ministry: 'duty@mic.example',
};

export interface ReplayOptions {
  hubUrl: string;
  /** Event minutes per real minute; Infinity publishes everything at once. */
  speed: number;
  /** Keep the 2017 times; otherwise the leak "starts" when the replay starts. */
  historical: boolean;
  /** Distinguishes runs: re-running with the same id stores nothing twice. */
  runId: string;
  log: (line: string) => void;
}

interface Published {
  incidentId: string | null;
}

async function call<T>(hubUrl: string, token: string | null, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${hubUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((error) => error.message).join('; '));
  return body.data!;
}

async function login(hubUrl: string, email: string): Promise<string> {
  const data = await call<{ login: { accessToken: string } }>(
    hubUrl,
    null,
    `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }`,
    { email, password: DEMO_PASSWORD },
  );
  return data.login.accessToken;
}

/** Replays the 2017-08-25 route leak through the API, as the organisations' NOCs would have published it. */
export async function replay2017(options: ReplayOptions): Promise<void> {
  const tokens = Object.fromEntries(
    await Promise.all(Object.entries(ACTORS).map(async ([actor, email]) => [actor, await login(options.hubUrl, email)])),
  ) as Record<ReplayActor, string>;
  const startedAt = Date.now();
  const eventZero = options.historical ? Date.parse(LEAK_START_JST) : startedAt;
  const eventTime = (minutes: number) => new Date(eventZero + minutes * 60_000).toISOString();
  let incidentId: string | null = null;

  for (const step of TIMELINE_2017) {
    const due = startedAt + (step.at * 60_000) / options.speed;
    if (Number.isFinite(options.speed) && due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    const published = await publishStep(options, tokens[step.actor], step, eventTime, incidentId);
    incidentId ??= published.incidentId;
  }
}

async function publishStep(
  options: ReplayOptions,
  token: string,
  step: ReplayStep,
  eventTime: (minutes: number) => string,
  incidentId: string | null,
): Promise<Published> {
  const clock = `12:22+${String(step.at).padStart(3)}m`;
  if (step.advisory) {
    await call(options.hubUrl, token, `mutation($input: PublishAdvisoryInput!) { publishAdvisory(input: $input) { id } }`, {
      input: { ...step.advisory, tlp: 'GREEN', incidentId },
    });
    options.log(`${clock}  ${step.actor.padEnd(8)} advisory: ${step.advisory.title}`);
    return { incidentId: null };
  }
  const { ref, observedFrom, observedUntil, ...signal } = step.signal!;
  const data = await call<{ publishSignals: { duplicate: boolean; incident: { id: string; status: string; otherOrgCount: number } | null }[] }>(
    options.hubUrl,
    token,
    `mutation($signals: [SignalInput!]!) { publishSignals(signals: $signals) { duplicate incident { id status otherOrgCount } } }`,
    {
      signals: [
        {
          ...signal,
          sourceRef: `replay-2017-${options.runId}-${ref}`,
          observedStart: eventTime(observedFrom),
          observedEnd: observedUntil === undefined ? null : eventTime(observedUntil),
        },
      ],
    },
  );
  const [result] = data.publishSignals;
  const incident = result.incident;
  options.log(
    `${clock}  ${step.actor.padEnd(8)} ${String(signal.kind).padEnd(16)} -> ${incident ? `incident ${incident.status}, ${incident.otherOrgCount} other org(s)` : 'no incident'}${result.duplicate ? ' (already stored)' : ''}`,
  );
  return { incidentId: incident?.id ?? null };
}

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

if (process.argv[1]?.endsWith('replay-2017.js')) {
  const speed = Number(option('speed') ?? 30);
  replay2017({
    hubUrl: option('hub') ?? process.env.HUB_PUBLIC_URL ?? 'http://127.0.0.1:4000',
    speed: speed > 0 ? speed : Infinity,
    historical: process.argv.includes('--historical'),
    runId: option('run') ?? new Date().toISOString().replace(/\D/g, '').slice(0, 14),
    log: (line) => process.stdout.write(`${line}\n`),
  }).catch((error: unknown) => {
    process.stderr.write(`replay failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
