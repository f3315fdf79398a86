import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '../..');
const READY = /listening on (http:\/\/\S+)/;

export interface VoteServerProcess {
  url: string;
  pid: number;
  /** SIGTERM (graceful), then waits for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
  /** stdout and stderr so far. */
  output(): string;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function startProcess(
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
): {
  child: ChildProcess;
  exited: Promise<Exit>;
  output: () => string;
} {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/main.ts'], {
    cwd: REPO,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<Exit>((done) => {
    child.once('exit', (code, signal) => done({ code, signal }));
  });
  return { child, exited, output: () => output };
}

/**
 * The real vote service (`server/main.ts`) as a child process on a free loopback port, for
 * tests and the bench that must stop, kill or restart it. `env` adds to the process's own;
 * `nodeArgs` go to node (e.g. `--cpu-prof`).
 */
export async function spawnVoteServer(
  env: Record<string, string>,
  { timeoutMs = 60_000, nodeArgs = [] }: { timeoutMs?: number; nodeArgs?: readonly string[] } = {},
): Promise<VoteServerProcess> {
  const { child, exited, output } = startProcess(env, nodeArgs);
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The vote server did not start within ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    const onData = () => {
      const match = READY.exec(output());
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(
        new Error(`The vote server exited (${code ?? signal}) before it listened:\n${output()}`),
      );
    });
  });
  const pid = child.pid ?? -1;
  return {
    url,
    pid,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return (await exited).code;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    output,
  };
}

/** Runs the server expecting it to refuse to start; resolves with its exit code and output. */
export async function runVoteServerToFailure(
  env: Record<string, string>,
  { timeoutMs = 60_000 }: { timeoutMs?: number } = {},
): Promise<{ code: number | null; output: string }> {
  const { child, exited, output } = startProcess(env);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const { code } = await exited;
  clearTimeout(timer);
  return { code, output: output() };
}
