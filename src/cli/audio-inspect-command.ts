import { open } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  AudioLimitExceeded,
  DEFAULT_AUDIO_LIMITS,
  inspectAudio,
  type AudioInspection,
} from '../audio/index.js';
import { print } from './with-runtime.js';

/**
 * `voxgate audio inspect FILE [--json] [--strict]`: what Voxgate makes of an audio file, the
 * format, rate, channels and duration, or the error the API would refuse it with. Exit code 0
 * when the file is accepted, 1 when it is refused. `--json` prints one object:
 * `{"format","sampleRate","channels","durationSec"}` or `{"error","message"}`.
 */
export function registerAudioInspect(program: Command): void {
  const audio =
    program.commands.find((command) => command.name() === 'audio') ??
    program.command('audio').description('audio tools');
  audio
    .command('inspect')
    .description('decode an audio file as the API would and describe it, or name the error')
    .argument('<file>', 'audio file (WAV, FLAC, Ogg Opus, or anything ffmpeg reads)')
    .option('--json', 'one JSON object on stdout')
    .option('--strict', "the speech API's contract: 16 kHz mono WAV/FLAC or Ogg Opus only")
    .addHelpText(
      'after',
      '\n--json prints {"format","sampleRate","channels","durationSec"} or {"error","message"};' +
        '\nthe exit code is 1 when the file is refused.',
    )
    .action(async (file: string, options: Record<string, unknown>) => {
      const found = await inspectFile(file, options.strict === true);
      report(options.json === true, found);
      if (!found.ok) process.exitCode = 1;
    });
}

async function inspectFile(file: string, strict: boolean): Promise<AudioInspection> {
  const handle = await open(file, 'r');
  try {
    // Refuse an oversized file before reading it, as the API refuses an oversized body.
    const { size } = await handle.stat();
    if (size > DEFAULT_AUDIO_LIMITS.maxBytes) {
      const e = new AudioLimitExceeded('maxBytes', size, DEFAULT_AUDIO_LIMITS.maxBytes);
      return { ok: false, error: e.name, message: e.message };
    }
    const bytes = await handle.readFile();
    return await inspectAudio(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      strict,
    });
  } finally {
    await handle.close();
  }
}

function report(json: boolean, found: AudioInspection): void {
  if (!found.ok) {
    print(
      json,
      { error: found.error, message: found.message },
      `refused       ${found.error}: ${found.message}`,
    );
    return;
  }
  print(
    json,
    {
      format: found.format,
      sampleRate: found.sampleRate,
      channels: found.channels,
      durationSec: found.durationSec,
    },
    [
      `format        ${found.format}`,
      `sample rate   ${found.sampleRate > 0 ? `${found.sampleRate} Hz` : 'unknown'}`,
      `channels      ${found.channels > 0 ? found.channels : 'unknown'}`,
      ...(found.bitsPerSample === undefined ? [] : [`bits          ${found.bitsPerSample}`]),
      `duration      ${found.durationSec.toFixed(3)} s`,
    ].join('\n'),
  );
}
