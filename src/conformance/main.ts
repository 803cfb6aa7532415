// Stand-alone entry: `node dist/conformance/main.js [DIR…] [options]`, same as `gene conformance`.
import { conformanceMain } from './cli.js';

process.exitCode = await conformanceMain(process.argv.slice(2));
