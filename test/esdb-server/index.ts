export { startEsdbTestServer } from './server';
export type { EsdbTestServer, EsdbTestServerOptions, ReadLogEntry, StoredEvent } from './types';
