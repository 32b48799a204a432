// Node's own table of command-line options (run with --expose-internals): which take a value.
const { options } = require("internal/options").getCLIOptionsInfo();
const VALUE_TYPES = new Set([3, 4, 5, 6, 7]); // integer, unsigned, string, host:port, string list
const out = { value: [], flag: [] };
for (const [name, info] of options) (VALUE_TYPES.has(info.type) ? out.value : out.flag).push(name);
process.stdout.write(JSON.stringify(out));
