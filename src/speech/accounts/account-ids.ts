import { randomBytes } from 'node:crypto';

// Ids carry a prefix saying what they name (like the admin token's `vxa_`); hex keeps them
// selectable with a double click and safe in URLs and file names.

/** `vxc_` + 20 hex digits (80 bits). */
export const newClientId = (): string => `vxc_${randomBytes(10).toString('hex')}`;

/** `vxt_` + 20 hex digits: names a session token in listings and revocations (not secret). */
export const newTokenId = (): string => `vxt_${randomBytes(10).toString('hex')}`;

/** `vxr_` + 24 hex digits. */
export const newReservationId = (): string => `vxr_${randomBytes(12).toString('hex')}`;
