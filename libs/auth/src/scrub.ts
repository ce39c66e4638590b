import { parsePrefix } from '@kessetsu/schema';

/**
 * Removes personal data from free text before anyone outside the publishing
 * organisation reads it: mail addresses, phone numbers and host IP addresses.
 * Network prefixes (203.0.113.0/24, 2001:db8::/32) are operational data and stay.
 */
const LOCAL_PART_CHAR = /[A-Za-z0-9._%+-]/;
/** What may follow a mail address's `@`; sticky, tried at each `@` in turn. */
const MAIL_DOMAIN = /[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/y;

// A full stop may end the sentence after an address, but may not continue a longer dotted number.
const IPV4 = /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\/\d{1,2})?(?!\w|\.\d)/g;

// Full eight-group form, or any compressed form containing "::".
const IPV6 =
  /(?<![\w:.])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){0,7}(?::[0-9A-Fa-f]{1,4}){0,7}::?(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?)(?:\/\d{1,3})?(?![\w:])/g;

const PHONE_PATTERNS = [
  // International: +81 3 1234 5678, +81-90-1234-5678, +1 555 123 4567
  /(?<![\w+])\+\d{1,3}[\s-]?\(?\d{1,4}\)?(?:[\s-]?\d{2,4}){2,3}(?!\w)/g,
  // Domestic with separators: 03-1234-5678, 090-1234-5678, 0120-123-456, (03)1234-5678
  /(?<![\w-])(?:\(0\d{1,4}\)|0\d{1,4})[\s-]?\d{1,4}[\s-]\d{3,4}(?![\w-])/g,
  // Domestic without separators: 0312345678, 09012345678
  /(?<![\w-])0\d{9,10}(?![\w-])/g,
];

export const SCRUBBED_EMAIL = '[email]';
export const SCRUBBED_PHONE = '[phone]';
export const SCRUBBED_IP = '[ip]';

function isHostV6(candidate: string): boolean {
  return candidate.includes(':') && /\d|[a-f]{2}/i.test(candidate.replace(/:/g, '')) && candidate.split(':').length >= 3;
}

/** A network prefix stays; an address with a mask but host bits set (198.51.100.7/24) names a host. */
function isNetworkPrefix(match: string): boolean {
  const parsed = match.includes('/') ? parsePrefix(match) : null;
  return parsed !== null && !parsed.hostBitsSet && parsed.length < (parsed.family === 4 ? 32 : 128);
}

/**
 * Replaces each `local@domain.tld`, leftmost first, as a global regular expression would. A
 * single expression (`[...]+@...`) retried at every position of a long run without an `@`
 * costs time quadratic in the run: 7 ms for a 4,000-character text, the longest a signal may
 * carry. Here each `@` looks back over the run before it once, so the cost is linear.
 */
function scrubMailAddresses(text: string): string {
  let scrubbed = '';
  /** Where the text after the last replaced address starts. */
  let kept = 0;
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > kept && LOCAL_PART_CHAR.test(text[start - 1])) start -= 1;
    if (start === at) continue;
    MAIL_DOMAIN.lastIndex = at + 1;
    if (!MAIL_DOMAIN.test(text)) continue;
    scrubbed += text.slice(kept, start) + SCRUBBED_EMAIL;
    kept = MAIL_DOMAIN.lastIndex;
    at = kept - 1;
  }
  return kept === 0 ? text : scrubbed + text.slice(kept);
}

export function scrubText(text: string): string {
  let scrubbed = scrubMailAddresses(text);
  scrubbed = scrubbed.replace(IPV4, (match) => (isNetworkPrefix(match) ? match : SCRUBBED_IP));
  scrubbed = scrubbed.replace(IPV6, (match) => {
    if (!isHostV6(match.split('/')[0])) return match;
    return isNetworkPrefix(match) ? match : SCRUBBED_IP;
  });
  for (const pattern of PHONE_PATTERNS) scrubbed = scrubbed.replace(pattern, SCRUBBED_PHONE);
  return scrubbed;
}
