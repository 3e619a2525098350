/**
 * G.711 (ITU-T, 1972) companded telephone samples: µ-law (North America, Japan; Twilio's
 * `audio/x-mulaw`) and A-law (the rest of the world), one byte per 8 kHz sample. Decoding is a
 * 256-entry table lookup; values are the standard's 16-bit linear samples scaled to [-1, 1).
 *
 * ### Examples
 * ```ts
 * const samples = decodeMuLaw(Buffer.from(twilioMedia.payload, 'base64')); // Float32Array at 8 kHz
 * MU_LAW_TO_LINEAR[0xff]; // 0: µ-law's silence
 * ```
 */

function muLawByteToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << exponent) - 0x84;
  return u & 0x80 ? -magnitude : magnitude;
}

function aLawByteToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  const magnitude =
    exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

/** µ-law byte → 16-bit linear sample (−32124 … 32124). */
export const MU_LAW_TO_LINEAR: Int16Array = Int16Array.from({ length: 256 }, (_, b) =>
  muLawByteToLinear(b),
);

/** A-law byte → 16-bit linear sample (−32256 … 32256). */
export const A_LAW_TO_LINEAR: Int16Array = Int16Array.from({ length: 256 }, (_, b) =>
  aLawByteToLinear(b),
);

const MU_FLOAT = Float32Array.from(MU_LAW_TO_LINEAR, (v) => v / 32768);
const A_FLOAT = Float32Array.from(A_LAW_TO_LINEAR, (v) => v / 32768);

/** µ-law bytes → float samples in [-1, 1), same rate. */
export function decodeMuLaw(bytes: Uint8Array, out = new Float32Array(bytes.length)): Float32Array {
  for (let i = 0; i < bytes.length; i++) out[i] = MU_FLOAT[bytes[i]!]!;
  return out;
}

/** A-law bytes → float samples in [-1, 1), same rate. */
export function decodeALaw(bytes: Uint8Array, out = new Float32Array(bytes.length)): Float32Array {
  for (let i = 0; i < bytes.length; i++) out[i] = A_FLOAT[bytes[i]!]!;
  return out;
}

/** The byte a G.711 decoder reads from `view` at `at`, as a float in [-1, 1). @internal */
export const muLawSample = (byte: number): number => MU_FLOAT[byte]!;
/** @internal */
export const aLawSample = (byte: number): number => A_FLOAT[byte]!;
