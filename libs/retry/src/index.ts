export { backoffMs, type Backoff, type Jitter } from './backoff';
export { Pause, sleep, type PauseEnd } from './pause';
