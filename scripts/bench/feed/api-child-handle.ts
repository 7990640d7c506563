import { fork, type ChildProcess } from 'node:child_process';
import { childConfigEnv, type ApiStartup, type ChildConfig, type ChildMessage, type ChildOp, type ChildRequest, type WriteRequest } from './api-protocol';

const childStartTimeoutMs = 120_000;
const childCallTimeoutMs = 60_000;

/** The parent's handle on the api process: request/reply over the IPC channel. */
export class ApiChild {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
    readonly startup: ApiStartup,
  ) {
    child.on('message', (message: ChildMessage) => {
      if (message.kind !== 'reply') return;
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(`api process: ${message.error}`));
      else waiter?.resolve(message.value);
    });
    child.on('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`api process exited with ${code}`));
      this.pending.clear();
    });
  }

  static start(config: ChildConfig): Promise<ApiChild> {
    // The api process runs api-child's module, next to this one (dist/…/feed/api-child.js once
    // built): resolved, not imported, since only the api process is to run it.
    const child = fork(require.resolve('./api-child'), [], {
      env: { ...process.env, [childConfigEnv]: JSON.stringify(config) },
      execArgv: ['--expose-gc'],
      serialization: 'advanced',
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error('the api process did not start in time'));
      }, childStartTimeoutMs);
      child.once('message', (message: ChildMessage) => {
        clearTimeout(timer);
        if (message.kind !== 'ready') return reject(new Error('the api process spoke before it was ready'));
        resolve(new ApiChild(child, `http://127.0.0.1:${message.port}`, message.startup));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the api process exited with ${code} before it was ready`));
      });
    });
  }

  call<T>(op: ChildOp, args: { write?: WriteRequest } = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`api process did not answer ${op} in ${childCallTimeoutMs} ms`));
      }, childCallTimeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ id, op, ...args } satisfies ChildRequest);
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.call('close').catch(() => this.child.kill());
    await exited;
  }
}
