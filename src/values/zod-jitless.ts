// zod without its JIT, for the CLI process (src/entry.ts imports this first, before any module
// builds a schema: zod reads the setting as it builds one). The JIT compiles a parser for each
// object schema with `new Function` on its first use, code V8's code cache never keeps; the CLI
// reads each document once, so every run would pay for compiling parsers it uses once.
import { config } from "zod";

config({ jitless: true });
