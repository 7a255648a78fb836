#!/usr/bin/env node
// Entry of `npx grunnmur`. npm puts the project's Node 24 (the `node` dependency) first on
// PATH, so TypeScript sources run natively.
import { ignoreClosedStdout, main } from '../src/cli/main.ts';

ignoreClosedStdout();
const code = await main(process.argv.slice(2));
if (code !== 0) process.exit(code);
