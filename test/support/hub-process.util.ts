import { ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface HubProcess {
  url: string;
  wsUrl: string;
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs the built hub (`dist/apps/hub/src/main.js`) as its own OS process on the given database. */
export async function spawnHubProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<HubProcess> {
  const child = spawn(process.execPath, ['dist/apps/hub/src/main.js'], {
    env: { ...process.env, HUB_ENV: 'test', PORT: '0', LOG_LEVEL: 'info', DATABASE_URL: databaseUrl, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk) => stderr.push(String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub process did not start: ${stderr.join('')}`)), 30_000);
    exited.then((code) => reject(new Error(`hub process exited with ${code}: ${stderr.join('')}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line);
        if (entry.msg === 'hub listening') {
          clearTimeout(timer);
          resolve(entry.url);
        }
      } catch {
        // not a log line
      }
    });
  });
  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/graphql`,
    child,
    stop: (signal = 'SIGTERM') => {
      child.kill(signal);
      return exited;
    },
  };
}
