// Workspace members as pnpm 10 finds them: @pnpm/fs.find-packages calls tinyglobby with the
// `packages:` globs of pnpm-workspace.yaml, each with `/package.{json,yaml,json5}` put in place
// of one trailing slash, `expandDirectories: false` and pnpm's ignore list; a second call adds
// the root (`includeRoot`). Every other option keeps tinyglobby's default (dot: false,
// followSymbolicLinks: true, onlyFiles: true).
//
// Usage: node pnpm_members.mjs TINYGLOBBY_PREFIX < {"root": DIR, "cases": [[glob, ...], ...]}
// Prints one JSON array: per case, the sorted member folders relative to the root ("." for it).
import { createRequire } from 'node:module'
import path from 'node:path'
import { readFileSync } from 'node:fs'

const require = createRequire(path.join(path.resolve(process.argv[2]), 'noop.js'))
const { glob } = require('tinyglobby')

const MANIFEST = '/package.{json,yaml,json5}'
const options = {
  expandDirectories: false,
  ignore: ['**/node_modules/**', '**/bower_components/**'],
}

async function members (root, patterns) {
  const withManifest = patterns.map(p => p.replace(/\/?$/, MANIFEST))
  const opts = { ...options, cwd: root }
  const found = [...await glob(withManifest, opts), ...await glob(['.' + MANIFEST], opts)]
  return [...new Set(found.map(p => path.posix.dirname(p)))].sort()
}

const input = JSON.parse(readFileSync(0, 'utf8'))
const out = []
for (const patterns of input.cases) {
  try {
    out.push(await members(input.root, patterns))
  } catch (err) {
    out.push({ error: String(err && err.message) })
  }
}
process.stdout.write(JSON.stringify(out) + '\n')
