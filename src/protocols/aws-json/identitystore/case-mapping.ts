/**
 * Wire members are PascalCase (`Name.GivenName`), domain attributes camelCase (`name.givenName`,
 * the names UpdateUser paths use): validated wire input to domain names, recursively (the
 * output direction is written out member by member in wire-mapping.ts). Extension contents are
 * documents and pass through verbatim.
 */
type Json = unknown;

const EXTENSIONS_WIRE = 'Extensions';

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

export const toDomainKeys = (wire: Json): Json => mapKeys(wire, lowerFirst, EXTENSIONS_WIRE);
