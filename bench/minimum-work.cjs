// The minimum-work reference: what any implementation must do with the same flag files, in one process, and
// nothing else. Read and JSON.parse each environment's file, join each flag's environments, hash each flag, and
// build Jira request bodies (100 flags each) without sending them. The bench runs it beside the user's path and
// prints the user's path as a ratio of it. Usage: node minimum-work.cjs FILE... (one per environment).
const { readFileSync } = require('node:fs');
const { createHash } = require('node:crypto');

const files = process.argv.slice(2);
const byKey = new Map();
files.forEach((file, env) => {
  const document = JSON.parse(readFileSync(file, 'utf8'));
  for (const [key, flag] of Object.entries(document.flags)) {
    let environments = byKey.get(key);
    if (environments === undefined) byKey.set(key, (environments = []));
    environments.push({ env, flag });
  }
});

let hashed = 0;
let bodies = 0;
let batch = [];
for (const [key, environments] of byKey) {
  const first = environments[0].flag;
  const flag = {
    id: key,
    key,
    displayName: (first.metadata && first.metadata.name) || key,
    issueKeys: first.metadata && first.metadata.jira ? [first.metadata.jira] : [],
    summary: { status: { enabled: environments.some((e) => e.flag.state === 'ENABLED'), defaultValue: first.defaultVariant } },
    details: environments.map(({ env, flag: f }) => ({
      url: `file://${files[env]}`,
      environment: { name: String(env) },
      status: { enabled: f.state === 'ENABLED', defaultValue: String(f.defaultVariant), rollout: { rules: f.targeting ? 1 : 0 } },
    })),
  };
  createHash('sha1').update(JSON.stringify(flag)).digest('base64url');
  hashed++;
  batch.push(flag);
  if (batch.length === 100) {
    bodies += JSON.stringify({ flags: batch, properties: {} }).length > 0 ? 1 : 0;
    batch = [];
  }
}
if (batch.length > 0) bodies++;
process.stdout.write(`${JSON.stringify({ flags: hashed, bodies })}\n`);
