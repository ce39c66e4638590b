import { randomBytes } from 'node:crypto';

/** Splices met by the `stringifyWithJsonText` call in progress; null outside it (JSON.stringify is synchronous). */
let splicing: string[] | null = null;
/** Placeholders carry a per-process nonce, so no string in the data can pass for one. */
const PLACEHOLDER_PREFIX = `json-text:${randomBytes(12).toString('hex')}:`;

/**
 * A value whose JSON text is already written (a large count grid assembled from cached
 * per-bucket slices). The hub's HTTP answers splice the text in verbatim; any other
 * serialiser (graphql-ws, a log line) gets the parsed value from `toJSON`, so the output
 * is the same either way.
 */
export class JsonText {
  constructor(readonly text: string) {}

  toJSON(): unknown {
    if (splicing === null) return JSON.parse(this.text);
    splicing.push(this.text);
    return `${PLACEHOLDER_PREFIX}${splicing.length - 1}`;
  }
}

/** JSON.stringify that writes every JsonText in `value` as its own text. */
export function stringifyWithJsonText(value: unknown): string {
  const spliced: string[] = [];
  splicing = spliced;
  let json: string;
  try {
    json = JSON.stringify(value);
  } finally {
    splicing = null;
  }
  if (spliced.length === 0) return json;
  // Placeholders appear in the order toJSON met them, each as a quoted JSON string.
  const parts: string[] = [];
  let from = 0;
  spliced.forEach((text, index) => {
    const placeholder = JSON.stringify(`${PLACEHOLDER_PREFIX}${index}`);
    const at = json.indexOf(placeholder, from);
    parts.push(json.slice(from, at), text);
    from = at + placeholder.length;
  });
  parts.push(json.slice(from));
  return parts.join('');
}
