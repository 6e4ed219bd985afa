/**
 * Text bound for Jira: cut to a length without splitting a character, and cleared of characters that have no
 * business in a name shown to people. Pure.
 */

// C0 and C1 controls (NUL, ESC, …) and DEL; bidi embeddings, overrides and isolates (U+202A–U+202E,
// U+2066–U+2069), which can make text display in another order than it reads ("Trojan Source").
const UNWANTED = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const LINE_BREAKS = /[\t\n\r]+/g;
const ANY_UNWANTED = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Whether `cleanText` would change the value (cheap; most text has nothing to clean). */
export function needsCleaning(value: string): boolean {
  return ANY_UNWANTED.test(value);
}

/**
 * Drops control and bidi-control characters. Single-line text (names) gets one space for a run of tabs and line
 * breaks; multi-line text (commit messages) keeps them.
 */
export function cleanText(value: string, multiline = false): string {
  if (!needsCleaning(value)) return value;
  const lines = multiline ? value : value.replace(LINE_BREAKS, ' ');
  return lines.replace(UNWANTED, '');
}

export { cutText } from '../kit/text';
