import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/**
 * The repository's own imports, file by file, read with TypeScript's pre-processor (import, export … from,
 * import(), require()). Only relative imports are followed: packages are not part of the layering.
 */
export const ROOT = path.resolve(__dirname, '..', '..');

export interface ImportEdge {
  /** Repository-relative, with "/" separators. */
  readonly from: string;
  readonly to: string;
  readonly specifier: string;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(full, out);
    else if (/\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function resolveFile(fromFile: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), specifier);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this candidate
    }
  }
  return undefined;
}

const relative = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');

export function importEdges(folders: readonly string[] = ['src', 'adapters', 'test', 'bench']): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const folder of folders) {
    for (const file of sourceFiles(path.join(ROOT, folder))) {
      const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
      for (const { fileName } of info.importedFiles) {
        if (!fileName.startsWith('.')) continue;
        const target = resolveFile(file, fileName);
        if (target !== undefined) edges.push({ from: relative(file), to: relative(target), specifier: fileName });
      }
    }
  }
  return edges;
}

/**
 * The unit of layering a file belongs to: `src/<folder>` (its subfolders included), the kit's test entry
 * `src/kit/testing` on its own (it judges adapters with the host's mapping, so it sits above the host),
 * `adapters/<name>` and its tests `adapters/<name>/test` (a consumer of the adapter, like any other test),
 * `test/<folder>`, `bench`, and `src` itself for the package entry.
 */
export function moduleOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'src' && parts[1] === 'kit' && parts[2] === 'testing') return 'src/kit/testing';
  if (parts[0] === 'adapters' && parts[2] === 'test') return `adapters/${parts[1]}/test`;
  if (parts.length === 2) return parts[0]!;
  return `${parts[0]}/${parts[1]}`;
}

/** Groups of modules that import each other (directly or through others): each is a cycle. */
export function moduleCycles(edges: readonly ImportEdge[]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    const a = moduleOf(from);
    const b = moduleOf(to);
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  // Tarjan's strongly connected components.
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}
