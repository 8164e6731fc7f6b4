// The little XML writing the metadata needs.

/** Escapes text for an XML attribute or element body. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Renders attributes, skipping undefined ones, in the given order. */
export function xmlAttributes(attributes: Record<string, string | number | undefined>): string {
  return Object.entries(attributes)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join("");
}

/** Parameters in metadata order: by `order`, then by name. */
export function metadataOrder<T extends { order?: number; name: string }>(specs: readonly T[]): T[] {
  return [...specs].sort((a, b) => (a.order ?? 50) - (b.order ?? 50) || a.name.localeCompare(b.name));
}
