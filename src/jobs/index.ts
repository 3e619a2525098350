/**
 * Background work over durable state.
 *
 * ### Examples
 * ```ts
 * const loop = new PollingLoop(pass, onError, 2000);
 * ```
 */
export { PollingLoop } from './polling-loop.js';
