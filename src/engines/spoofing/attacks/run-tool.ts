/**
 * Runs an external tool (sox, ffmpeg, espeak-ng, flite, text2wave) with optional bytes on stdin
 * and returns its stdout; a non-zero exit is an error carrying the tool's stderr.
 */
import { spawn } from 'node:child_process';

/** The tool failed or could not be started. */
export class ToolFailed extends Error {
  override readonly name = 'ToolFailed';
}

/**
 * ### Examples
 * ```ts
 * const wav = await runTool('sox', ['-R', 'in.wav', '-t', 'wav', '-', 'gain', '-3']);
 * ```
 */
export function runTool(
  command: string,
  args: readonly string[],
  input?: Uint8Array,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new ToolFailed(`${command}: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else
        reject(
          new ToolFailed(
            `${command} ${args.join(' ')} exited with ${String(code)}: ${Buffer.concat(err).toString().trim().slice(0, 500)}`,
          ),
        );
    });
    // A tool that exits before reading all of stdin (an error) must not crash us with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** True when `command --version` (or `-h`) runs. */
export async function hasTool(
  command: string,
  versionArgs: readonly string[] = ['--version'],
): Promise<boolean> {
  try {
    await runTool(command, versionArgs);
    return true;
  } catch {
    return false;
  }
}
