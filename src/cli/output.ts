import { redact } from '../log/redact';

/**
 * Every line the CLI prints goes through here: summaries, plans and `--json` pass the same redaction as logs, so a
 * secret that reached a message (an echoed header, a URL with a `${file:}` value in it) never leaves the process.
 */
export function printOut(text: string): void {
  process.stdout.write(`${redact(text)}\n`);
}

export function printErr(text: string): void {
  process.stderr.write(`${redact(text)}\n`);
}
