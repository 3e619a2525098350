/**
 * What a person can type into a name or a description: no control characters (NUL among them,
 * which PostgreSQL's text type refuses outright) and no unpaired surrogates (which no UTF-8
 * database can store as sent). Tab and line breaks are allowed where `multiline` is set.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this finds
const CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex -- as above, with tab, LF and CR allowed
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** A high surrogate not followed by a low one, or a low one not after a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `value` is not plain text, or undefined when it is. */
export function plainTextProblem(
  value: string,
  options: { readonly multiline?: boolean } = {},
): string | undefined {
  if ((options.multiline ? CONTROL_EXCEPT_LINES : CONTROL).test(value))
    return options.multiline
      ? 'control characters (such as NUL) are not allowed; tab and line breaks are'
      : 'control characters (such as NUL, tab or line breaks) are not allowed';
  if (LONE_SURROGATE.test(value)) return 'unpaired UTF-16 surrogates are not allowed';
  return undefined;
}
