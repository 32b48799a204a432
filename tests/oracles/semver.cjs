// The oracle for tests/test_semver.py: npm's own semver package answers the same questions dockergen's
// port does. Usage: node semver.cjs <path to the semver package> < questions.json > answers.json
// Each question is [function, args, options]; each answer is the function's result made plain JSON,
// or {"throws": true} where the function throws (node-semver's way of saying "invalid").
'use strict'

const fs = require('fs')
const semver = require(process.argv[2])

const plainVersion = (v) => v && {
  major: v.major, minor: v.minor, patch: v.patch, prerelease: v.prerelease, build: v.build,
}

const functions = {
  satisfies: (version, range, options) => semver.satisfies(version, range, options),
  validRange: (range, options) => semver.validRange(range, options),
  parse: (version, options) => plainVersion(semver.parse(version, options)),
  compare: (a, b) => semver.compare(a, b),
  intersects: (a, b, options) => semver.intersects(a, b, options),
  minVersion: (range, options) => plainVersion(semver.minVersion(range, options)),
  maxSatisfying: (versions, range, options) => semver.maxSatisfying(versions, range, options),
}

const questions = JSON.parse(fs.readFileSync(0, 'utf8'))
const answers = questions.map(([name, args, options]) => {
  try {
    const answer = functions[name](...args, options)
    return answer === undefined ? null : answer
  } catch (err) {
    return { throws: true }
  }
})
const version = require(`${process.argv[2]}/package.json`).version
process.stdout.write(JSON.stringify({ version, answers }))
