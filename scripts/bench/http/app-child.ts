import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { loadConfig } from '@escrow/runtime';
import { createApp } from '../../../apps/api/src/app';
import { openBenchDatabase } from '../bench-database';
import { QueryCounter } from './query-counter';
import { appChildEnv, httpBenchSecret, type AppChildConfig, type AppChildMessage, type AppChildRequest, type LoopDelay } from './app-protocol';

/**
 * The app under load, in a process of its own (as `npm start` runs it: api and worker in one
 * process unless the config says otherwise), so the load generator's CPU is not the app's event
 * loop. Reports its event-loop delay over a window the bench opens and closes.
 */
const loopDelayResolutionMs = 10;

async function runAppChild(config: AppChildConfig): Promise<void> {
  const opened = await openBenchDatabase(config.where);
  const counter = new QueryCounter();
  const db = config.countQueries ? counter.wrap(opened) : opened;
  const app = await createApp({
    config: loadConfig({ AUTH_SECRET: httpBenchSecret, NODE_ENV: 'test', PROCESS_ROLE: config.processRole }),
    db,
    log: { level: 'error' },
  });
  await app.listen(0, '127.0.0.1');
  let delay: IntervalHistogram | null = null;
  const handle = async (request: AppChildRequest): Promise<unknown> => {
    switch (request.op) {
      case 'loopDelayStart':
        delay = monitorEventLoopDelay({ resolution: loopDelayResolutionMs });
        delay.enable();
        return null;
      case 'loopDelayStop': {
        if (!delay) throw new Error('loopDelayStop before loopDelayStart');
        delay.disable();
        // The histogram times whole timer intervals: the resolution itself is not delay.
        const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - loopDelayResolutionMs) * 100) / 100);
        const result: LoopDelay = { p50Ms: ms(delay.percentile(50)), p99Ms: ms(delay.percentile(99)), maxMs: ms(delay.max) };
        delay = null;
        return result;
      }
      case 'queries':
        return counter.take();
      case 'close':
        await app.close();
        await opened.close();
        setImmediate(() => process.exit(0));
        return null;
    }
  };
  process.on('message', (request: AppChildRequest) => {
    handle(request).then(
      (value) => process.send!({ kind: 'reply', id: request.id, value } satisfies AppChildMessage),
      (error: unknown) => process.send!({ kind: 'reply', id: request.id, error: String(error) } satisfies AppChildMessage),
    );
  });
  process.send!({ kind: 'ready', port: (app.getHttpServer().address() as AddressInfo).port } satisfies AppChildMessage);
}

const raw = process.env[appChildEnv];
if (raw) {
  runAppChild(JSON.parse(raw) as AppChildConfig).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
