/**
 * Wire members are PascalCase (`Name.GivenName`), domain attributes camelCase (`name.givenName`,
 * the names UpdateUser paths use). Extension contents are documents and pass through verbatim.
 */
type Json = unknown;

const EXTENSIONS_WIRE = 'Extensions';
const EXTENSIONS_DOMAIN = 'extensions';

function mapKeys(value: Json, rename: (key: string) => string, verbatimKey: string): Json {
  if (Array.isArray(value)) return value.map((v) => mapKeys(v, rename, verbatimKey));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, Json> = {};
  for (const [key, v] of Object.entries(value)) {
    const name = rename(key);
    out[name] = key === verbatimKey ? v : mapKeys(v, rename, verbatimKey);
  }
  return out;
}

const lowerFirst = (s: string): string => (s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s);
const upperFirst = (s: string): string => (s.length > 0 ? s[0]!.toUpperCase() + s.slice(1) : s);

export const toDomainKeys = (wire: Json): Json => mapKeys(wire, lowerFirst, EXTENSIONS_WIRE);
export const toWireKeys = (domain: Json): Json => mapKeys(domain, upperFirst, EXTENSIONS_DOMAIN);
