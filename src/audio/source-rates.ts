/**
 * Source sample rates Voxgate decodes natively. A header outside this range is treated as
 * unparseable: nothing real records speech below 1 kHz, and above 384 kHz the resampling filter
 * would grow past any use.
 * @internal
 */
export const MIN_SOURCE_RATE = 1_000;
/** @internal */
export const MAX_SOURCE_RATE = 384_000;
