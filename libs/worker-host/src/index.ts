export { WorkerModule } from './worker.module';
export { WorkerHost } from './worker.host';
