import { InvalidArgumentError } from 'commander';

/**
 * Commander argument parsers for whole numbers: the text must be all digits (no `1e3`, `0x10`
 * or `2.5`), so a typo is refused with a clear message instead of becoming another number.
 *
 * ### Examples
 * ```ts
 * command.option('--workers <n>', 'worker processes', positiveInteger, 2);
 * ```
 */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a positive integer');
  return n;
}

export function integer(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('expected an integer');
  return n;
}
