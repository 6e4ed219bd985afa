// Compares two V8 heap snapshots (e.g. from `npm run bench:daemon -- --heap-snapshots DIR:30,230`): what grew
// between them, per node type and constructor name, by retained self size. Strings, numbers and code are grouped.
// Usage: node bench/heap-diff.cjs EARLIER.heapsnapshot LATER.heapsnapshot [rows]
const { readFileSync } = require('node:fs');

function countByKind(file) {
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const kinds = new Map();
  const nodes = snapshot.nodes;
  for (let i = 0; i < nodes.length; i += fields.length) {
    const type = types[nodes[i + typeAt]];
    const grouped = /string/.test(type) || type === 'code' || type === 'number';
    const key = grouped ? type : `${type} ${String(snapshot.strings[nodes[i + nameAt]]).slice(0, 80)}`;
    const kind = kinds.get(key) ?? { count: 0, bytes: 0 };
    kind.count++;
    kind.bytes += nodes[i + sizeAt];
    kinds.set(key, kind);
  }
  return kinds;
}

const [earlier, later, rows = '20'] = process.argv.slice(2);
if (!earlier || !later) throw new Error('usage: node bench/heap-diff.cjs EARLIER.heapsnapshot LATER.heapsnapshot [rows]');
const before = countByKind(earlier);
const after = countByKind(later);
const growth = [...after].map(([key, { count, bytes }]) => ({
  key,
  count: count - (before.get(key)?.count ?? 0),
  bytes: bytes - (before.get(key)?.bytes ?? 0),
}));
growth.sort((a, b) => b.bytes - a.bytes);
process.stdout.write('bytes\tobjects\tkind\n');
for (const { key, count, bytes } of growth.slice(0, Number(rows))) process.stdout.write(`${bytes}\t${count}\t${key}\n`);
