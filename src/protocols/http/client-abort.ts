/** The client closed the connection mid-request: nothing to answer, nothing to alarm anyone about. */
export function isClientAbort(error: Error & { code?: string }): boolean {
  return error.code === 'ECONNRESET' || error.message === 'aborted';
}
