/** Cutting text to a length without splitting a character: for adapters (rollout texts, names) and the core alike. */

// Made at the first cut: making one loads ICU's break rules (~6 ms), which a run that cuts no text never needs.
let graphemes: Intl.Segmenter | undefined;
const segmenter = (): Intl.Segmenter => (graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' }));

/**
 * The longest prefix of at most `max` UTF-16 units (Jira's and JavaScript's length) that ends on a grapheme
 * boundary: no lone surrogate, no emoji cut from its modifier, no letter cut from its accent. `ellipsis` takes the
 * last unit when text was cut.
 */
export function cutText(value: string, max: number, ellipsis = ''): string {
  if (value.length <= max) return value;
  const room = max - ellipsis.length;
  let end = 0;
  for (const { index, segment } of segmenter().segment(value.slice(0, room + 16))) {
    if (index + segment.length > room) break;
    end = index + segment.length;
  }
  return `${value.slice(0, end)}${ellipsis}`;
}
