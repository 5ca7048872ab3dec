import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PLACEHOLDER = /\$\{([A-Za-z][A-Za-z0-9]*)\}/g;

/**
 * Fills the `${Key}` placeholders of an ASL template with the values of a typed substitution
 * map. Throws naming every placeholder without a value, so a definition never reaches CDK or the
 * sandbox with one left over. Values land inside JSON strings and are escaped as JSON would.
 */
export function renderDefinition<S extends object>(label: string, substitutions: S, template: string): string {
  const values = substitutions as Record<string, unknown>;
  const missing = new Set<string>();
  const rendered = template.replace(PLACEHOLDER, (whole, key: string) => {
    const value = values[key];
    if (typeof value !== 'string') {
      missing.add(key);
      return whole;
    }
    return JSON.stringify(value).slice(1, -1);
  });
  if (missing.size > 0) {
    throw new Error(`${label} placeholders without a value: ${[...missing].join(', ')}`);
  }
  return rendered;
}

/**
 * The renderer of one ASL file of this folder, typed by its substitution map: one piece for every
 * workflow, so each reads its file and names it in errors the same way. The file is read at each
 * render (definitions are small); a test may pass its own template.
 */
export function definitionRenderer<S extends object>(aslFile: string): (substitutions: S, template?: string) => string {
  const path = fileURLToPath(new URL(`./${aslFile}`, import.meta.url));
  return (substitutions, template = readFileSync(path, 'utf8')) => renderDefinition(aslFile, substitutions, template);
}
