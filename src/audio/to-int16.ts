/**
 * 16-bit PCM for the engines: samples scaled by 32768, rounded, and clamped to the Int16 range
 * (so 1.0 becomes 32767 rather than wrapping to −32768).
 */
export function toInt16(samples: Float32Array): Int16Array {
  const pcm = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.round(samples[i]! * 32768);
    pcm[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return pcm;
}
