import { spawn } from 'node:child_process';

/**
 * A generated git repository for the devinfo bench, written with `git fast-import` (seconds for 100k commits):
 * linear history on `main`, one file changed per commit, messages carrying an issue key except every tenth
 * (`chore: …`), and a feature branch `feature/PROJ-<n>-work` at every hundredth commit.
 */
export const isLinkedCommit = (i: number) => i % 10 !== 5;
export const BRANCH_EVERY = 100;

function commitText(i: number, parent: string | undefined): string {
  const message = isLinkedCommit(i) ? `PROJ-${(i % 5000) + 1}: change number ${i}\n` : `chore: tidy up ${i}\n`;
  const content = `line ${i}\n`;
  // Dated after any run (2033): commits appended after the first sync are new work, as pushed commits are; dated
  // before it they would be history and go in a request of their own (devinfo-send-mode.ts).
  const when = 2_000_000_000 + i * 60;
  return [
    'commit refs/heads/main',
    `mark :${i + 1}`,
    `author Bench Author <author${i % 17}@example.com> ${when} +0000`,
    `committer Bench Author <author${i % 17}@example.com> ${when} +0000`,
    `data ${Buffer.byteLength(message)}`,
    message,
    ...(parent === undefined ? [] : [`from ${parent}`]),
    `M 100644 inline src/file-${i % 50}.txt`,
    `data ${Buffer.byteLength(content)}`,
    content,
    '',
  ].join('\n');
}

function git(args: readonly string[], cwd: string, input?: (write: (chunk: string) => boolean) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...args], { cwd, stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`git ${args[0]} failed (${code}): ${stderr}`))));
    input?.((chunk) => child.stdin.write(chunk));
    child.stdin.end();
  });
}

/** Creates a bare repository at `dir` holding commits 0 … count-1 and the feature branches among them. */
export async function createBenchRepository(dir: string, count: number): Promise<void> {
  await git(['init', '--bare', '--quiet', '--initial-branch=main', dir], process.cwd());
  await appendCommits(dir, 0, count);
}

/** Adds commits `from` … `to`-1 on main (and the feature branches at hundredths among them). */
export async function appendCommits(dir: string, from: number, to: number): Promise<void> {
  await git(['fast-import', '--quiet'], dir, (write) => {
    for (let i = from; i < to; i++) {
      // The first commit of an appended run continues main from its previous tip; the rest from their mark.
      const parent = i > from ? `:${i}` : from > 0 ? 'refs/heads/main^0' : undefined;
      write(commitText(i, parent));
      if (i % BRANCH_EVERY === 0) write(`reset refs/heads/feature/PROJ-${(i % 5000) + 1}-work-${i}\nfrom :${i + 1}\n\n`);
    }
  });
}

/** Linked commits among `from` … `to`-1. */
export function linkedCommits(from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (isLinkedCommit(i)) n++;
  return n;
}
