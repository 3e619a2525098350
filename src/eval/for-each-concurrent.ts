/**
 * Runs `work` on every item of `source` with at most `concurrency` calls in flight. Items are
 * pulled only when a lane is free, so a lazy source (decoding audio) is never read far ahead.
 * The first failure stops new items from starting; the calls already running finish, then it
 * is thrown.
 *
 * ### Examples
 * ```ts
 * await forEachConcurrent(decodeUtterances(utterances, options), 4, async (item) => {
 *   await engine.recognize(toInt16(item.audio.samples));
 * });
 * ```
 */
export async function forEachConcurrent<T>(
  source: AsyncIterable<T>,
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = source[Symbol.asyncIterator]();
  let failed = false;
  // Concurrent next() calls on an async generator are queued by the runtime, so lanes can
  // share one iterator.
  const lane = async (): Promise<void> => {
    try {
      while (!failed) {
        const step = await iterator.next();
        if (step.done === true) return;
        await work(step.value);
      }
    } catch (e) {
      failed = true;
      throw e;
    }
  };
  const lanes = Math.max(1, Math.floor(concurrency));
  const results = await Promise.allSettled(Array.from({ length: lanes }, lane));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await iterator.return?.();
    throw failure.reason;
  }
}
