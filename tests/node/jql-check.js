// Reads a JSON array of JQL queries on stdin; writes a JSON object: each query → the syntax errors Atlassian's
// own JQL grammar (@atlassianlabs/jql-ast) finds in it (none for a valid query).
const { JastBuilder } = require('@atlassianlabs/jql-ast');

let input = '';
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const found = {};
  for (const query of JSON.parse(input)) {
    const { errors } = new JastBuilder().build(query);
    found[query] = errors.map((e) => `${e.description} (at ${e.start})`);
  }
  process.stdout.write(JSON.stringify(found));
});
