// The minimum-work reference: what any implementation must do with the same flag files, in one process, and
// nothing else. Read and JSON.parse each environment's file, join each flag's environments, hash each flag, and
// build the Jira request bodies (100 flags each, valid against Jira's schema). The bench runs it beside the user's
// path and prints the user's path as a ratio of it.
//
//   node minimum-work.cjs FILE...                        (one file per environment; bodies built, not sent)
//   node minimum-work.cjs --send JIRA_JSON FILE...       (the same, and each body sent to Jira as it is built)
//
// With --send, JIRA_JSON is {"tokenUrl","apiBaseUrl","cloudId","clientId","clientSecret"}: one token, then one
// POST per body over one keep-alive connection, each answer read in full. The CPU it adds over the run without
// --send is what "the Jira round trips" cost a client that does nothing else (issue #16's first-run goal).
const { readFileSync } = require('node:fs');
const { createHash } = require('node:crypto');
const http = require('node:http');

const args = process.argv.slice(2);
const sendAt = args.indexOf('--send');
const jira = sendAt === -1 ? undefined : JSON.parse(args.splice(sendAt, 2)[1]);
const files = args;
const ENVIRONMENT_TYPES = ['production', 'staging', 'testing', 'development'];

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function post(url, body, headers) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': body.length, ...headers },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (response.statusCode >= 300) reject(new Error(`${url}: ${response.statusCode} ${text.slice(0, 300)}`));
        else resolve(JSON.parse(text));
      });
    });
    request.end(body);
  });
}

async function main() {
  const byKey = new Map();
  files.forEach((file, env) => {
    const document = JSON.parse(readFileSync(file, 'utf8'));
    for (const [key, flag] of Object.entries(document.flags)) {
      let environments = byKey.get(key);
      if (environments === undefined) byKey.set(key, (environments = []));
      environments.push({ env, flag });
    }
  });

  let send = async () => {};
  if (jira !== undefined) {
    const token = await post(
      jira.tokenUrl,
      Buffer.from(
        JSON.stringify({
          audience: 'api.atlassian.com',
          grant_type: 'client_credentials',
          client_id: jira.clientId,
          client_secret: jira.clientSecret,
        }),
      ),
      {},
    );
    const url = `${jira.apiBaseUrl}/jira/featureflags/0.1/cloud/${jira.cloudId}/bulk`;
    const authorization = `Bearer ${token.access_token}`;
    send = async (body) => {
      const answer = await post(url, Buffer.from(body), { authorization });
      // Jira refuses an invalid flag in a 202, by id: the reference's bodies must be ones Jira takes.
      const refused = Object.entries(answer.failedFeatureFlags ?? {});
      if (refused.length > 0) throw new Error(`Jira refused ${refused.length} flags, e.g. ${JSON.stringify(refused[0])}`);
    };
  }

  const now = new Date().toISOString();
  const jiraEnvironments = files.map((file, env) => ({
    name: file.replace(/^.*\/|\.flagd\.json$/g, ''),
    type: ENVIRONMENT_TYPES[env % 4],
  }));
  let hashed = 0;
  let bodies = 0;
  let batch = [];
  let sequence = Date.now();
  const flush = async () => {
    // The body as text; making it bytes is part of sending it (node:http does it when given a string).
    await send(JSON.stringify({ flags: batch, properties: {} }));
    bodies++;
    batch = [];
  };
  for (const [key, environments] of byKey) {
    const first = environments[0].flag;
    const details = environments.map(({ env, flag: f }) => ({
      url: `https://git.example/flags/${env}.flagd.json#${key}`,
      lastUpdated: now,
      environment: jiraEnvironments[env],
      status: {
        enabled: f.state === 'ENABLED',
        defaultValue: String(f.defaultVariant),
        rollout: f.targeting && f.targeting.fractional ? { percentage: f.targeting.fractional[0][1] } : { rules: f.targeting ? 1 : 0 },
      },
    }));
    const flag = {
      id: `reference:${key}`,
      key,
      updateSequenceId: sequence++,
      displayName: (first.metadata && first.metadata.name) || key,
      associations: [{ associationType: 'issueIdOrKeys', values: first.metadata && first.metadata.jira ? [first.metadata.jira] : [] }],
      summary: { url: details[0].url, status: details[0].status, lastUpdated: now },
      details,
    };
    createHash('sha1').update(JSON.stringify(flag)).digest('base64url');
    hashed++;
    batch.push(flag);
    if (batch.length === 100) await flush();
  }
  if (batch.length > 0) await flush();
  agent.destroy();
  process.stdout.write(`${JSON.stringify({ flags: hashed, bodies, sent: jira !== undefined })}\n`);
}

main().catch((error) => {
  process.stderr.write(`minimum-work: ${error.stack || error.message}\n`);
  process.exit(1);
});
