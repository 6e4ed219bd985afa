/**
 * `FlagSource.product` (and `DevinfoSource.product`): the source system's name, with its version when the system reported one that reads as a
 * version. Jira's schemas set no length limit on `providerMetadata.product`; a source's answer is still never sent
 * as is: anything that is not a plain version (empty, "dev", an HTML page, a long string) leaves the name alone.
 */

/** A digit first, then version characters only: "7.5.1", "5.3.0-main", "2.42.0.windows.2"; a leading "v" is dropped. */
const VERSION = /^v?(\d[0-9A-Za-z.+-]*)$/;
const MAX_VERSION_LENGTH = 40;

/** `productName('Unleash', '7.5.1')` → "Unleash 7.5.1"; `productName('Flipt', 'v1.58.0')` → "Flipt 1.58.0". */
export function productName(name: string, version?: unknown): string {
  if (typeof version !== 'string') return name;
  const plain = VERSION.exec(version.trim())?.[1];
  return plain === undefined || plain.length > MAX_VERSION_LENGTH ? name : `${name} ${plain}`;
}
