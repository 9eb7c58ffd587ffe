// Checks rendered Kubernetes objects (YAML on stdin) with the npm package kubernetes-models: required fields,
// enums, formats. Usage: node kubernetes-models.mjs NODE_MODULES_DIR < rendered.yaml
// Prints one line per object: "valid KIND/NAME", "invalid KIND/NAME: why", or "unknown KIND/NAME: apiVersion"
// (a kind the package has no model of, such as a custom resource); exits 1 when any object is invalid.
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const modules = process.argv[2];
if (!modules) {
  console.error("usage: node kubernetes-models.mjs NODE_MODULES_DIR < rendered.yaml");
  process.exit(2);
}
const yaml = createRequire(join(modules, "index.js"))("js-yaml");
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const docs = yaml.loadAll(Buffer.concat(chunks).toString("utf8")).filter(Boolean);

let invalid = 0;
for (const doc of docs) {
  const name = `${doc.kind}/${doc.metadata?.name}`;
  const [group, version] = doc.apiVersion.includes("/") ? doc.apiVersion.split("/") : [null, doc.apiVersion];
  const file = join(modules, "kubernetes-models", ...(group ? [group, version] : [version]), `${doc.kind}.js`);
  let model;
  try {
    model = (await import(pathToFileURL(file).href))[doc.kind];
  } catch {
    model = undefined;
  }
  if (!model) {
    console.log(`unknown ${name}: ${doc.apiVersion}`);
    continue;
  }
  try {
    new model(doc).validate();
    console.log(`valid ${name}`);
  } catch (e) {
    invalid++;
    console.log(`invalid ${name}: ${e.message}`);
  }
}
process.exit(invalid ? 1 : 0);
