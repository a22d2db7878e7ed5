// Lint rules for the TypeScript sources, tests, benchmarks and scripts; `npm run lint` and `npm test` run it.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", ".tools/", "dist/", "clusters/", "crds/", "schemas/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      eqeqeq: ["error", "smart"],
    },
  },
  // The binary and its helpers are CommonJS (bin/package.json), as are the two io/ modules it
  // requires before the bundle (src/io/*.cjs) and the import-graph rules file.
  {
    files: ["bin/**/*.js", "src/**/*.cjs", ".dependency-cruiser.cjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: { require: "readonly", module: "writable", __dirname: "readonly" },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  // Tests walk loosely typed Kubernetes objects.
  { files: ["test/**"], rules: { "@typescript-eslint/no-explicit-any": "off" } },
);
