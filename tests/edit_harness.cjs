// Runs site_gen/static/edit.js (with the vendored YAML parser) on Node for tests/test_edit_text.py:
// reads {"text", "before", "after", "order", "internal"} cases as JSON lines on stdin, writes the
// edited text (or null) for each as a JSON line.
globalThis.window = globalThis;
const path = require("path");
const root = path.join(__dirname, "..", "site_gen", "static");
require(path.join(root, "vendor", "yaml", "yaml.js"));
require(path.join(root, "edit.js"));
const lines = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean);
for (const line of lines) {
  const c = JSON.parse(line);
  const before = c.before === null ? window.siteGenEdit.read(c.text).data : c.before;
  process.stdout.write(JSON.stringify(window.siteGenEdit.edit(c.text, before, c.after, c.order, c.internal)) + "\n");
}
