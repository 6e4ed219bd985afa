/**
 * How to run flagsync again where this process runs, for the next steps commands print: from a checkout's TypeScript
 * sources (`npm start`, `npx tsx src/cli/main.ts`) no `flagsync` command is on the PATH, and `npx flagsync` would not
 * run this checkout.
 */
export function commandName(): string {
  return __filename.endsWith('.ts') ? 'npx tsx src/cli/main.ts' : 'flagsync';
}
