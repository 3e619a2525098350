import { openRuntime, type Runtime } from '../runtime/open-runtime.js';
import { configFromOptions } from './common-options.js';

/** Opens the data directory for one admin command and closes it afterwards. */
export async function withRuntime<T>(
  options: Record<string, unknown>,
  work: (runtime: Runtime) => Promise<T>,
): Promise<T> {
  const runtime = await openRuntime(configFromOptions(options));
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

/** `--json`: one JSON object on stdout; otherwise the human form. */
export function print(json: boolean, value: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human}\n`);
}
