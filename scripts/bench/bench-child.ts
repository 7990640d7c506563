import { fork, type ChildProcess } from 'node:child_process';

const childStartTimeoutMs = 120_000;
const childCallTimeoutMs = 60_000;

/** What every bench child says: once that it listens (with what else it reports), then replies. */
export type BenchChildMessage<Ready> =
  | ({ readonly kind: 'ready'; readonly port: number } & Ready)
  | { readonly kind: 'reply'; readonly id: number; readonly value?: unknown; readonly error?: string };

/**
 * A bench's handle on a process it forked to run the app (so that the load it generates does not
 * share the app's event loop): request/reply over the IPC channel, `{ id, op, ...args }` out.
 */
export class BenchChild<Op extends string, Ready, Args extends object = object> {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
    readonly ready: Ready,
  ) {
    child.on('message', (message: BenchChildMessage<Ready>) => {
      if (message.kind !== 'reply') return;
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(`bench child: ${message.error}`));
      else waiter?.resolve(message.value);
    });
    child.on('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`bench child exited with ${code}`));
      this.pending.clear();
    });
  }

  /** Forks `modulePath` (a compiled module resolved by the caller) with `env` added to this process's. */
  static start<Op extends string, Ready, Args extends object = object>(
    modulePath: string,
    env: Record<string, string>,
    execArgv: string[] = [],
  ): Promise<BenchChild<Op, Ready, Args>> {
    const child = fork(modulePath, [], { env: { ...process.env, ...env }, execArgv, serialization: 'advanced' });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error('the bench child did not start in time'));
      }, childStartTimeoutMs);
      child.once('message', (message: BenchChildMessage<Ready>) => {
        clearTimeout(timer);
        if (message.kind !== 'ready') return reject(new Error('the bench child spoke before it was ready'));
        const { kind: _kind, port, ...ready } = message;
        resolve(new BenchChild<Op, Ready, Args>(child, `http://127.0.0.1:${port}`, ready as unknown as Ready));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the bench child exited with ${code} before it was ready`));
      });
    });
  }

  call<T>(op: Op, args?: Args): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`bench child did not answer ${op} in ${childCallTimeoutMs} ms`));
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
      this.child.send({ id, op, ...args });
    });
  }

  /** Asks the child to close (op `close`), and kills it if it cannot answer. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.call('close' as Op).catch(() => this.child.kill());
    await exited;
  }
}
