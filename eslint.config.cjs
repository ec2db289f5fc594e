// ESLint for the hand-written browser scripts (site_gen/static/*.js), not the vendored
// libraries under site_gen/static/vendor/. Only ESLint's own recommended rules: no plugin,
// nothing fetched when it runs. .ci/run installs the pinned eslint and @eslint/js into
// .ci/node (CONTRIBUTING.md); run it from the repository root:
//   .ci/node/node_modules/.bin/eslint site_gen/static
"use strict";

const path = require("node:path");
const js = require(path.join(__dirname, ".ci", "node", "node_modules", "@eslint", "js"));

// The browser's globals the scripts use, declared by hand (no "globals" package): a name not
// listed here is an error (no-undef), which catches a typo or a Node-only name. Add a name
// here when a script starts to use it.
const BROWSER = [
  "window", "document", "navigator", "fetch", "Response", "URL", "URLSearchParams", "Blob",
  "Image", "TextDecoder", "TextEncoder", "DecompressionStream", "setTimeout", "localStorage",
  "Element",
];

module.exports = [
  // Vendored or generated (node_modules is always left out).
  { ignores: ["site_gen/static/vendor/", ".venv/", ".ci/", "site/", "dist/", "build/",
              "benchmarks/out/"] },
  {
    files: ["site_gen/static/*.js"],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "script",
      globals: Object.fromEntries(BROWSER.map((name) => [name, "readonly"])),
    },
    rules: {
      ...js.configs.recommended.rules,
      // Unused locals are still errors; a callback's unused parameter and an unused
      // `catch (e)` binding are how these scripts are written (style, not a bug).
      "no-unused-vars": ["error", { args: "none", caughtErrors: "none" }],
    },
  },
];
