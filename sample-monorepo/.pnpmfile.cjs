// pnpm hook: keep TypeScript out of production installs.
//
// valibot declares `typescript` as an optional peer dependency. Because every
// package here has TypeScript as a devDependency, pnpm resolves that peer to
// the dev copy and records it in the lockfile, after which `--prod` installs
// (and `pnpm deploy --prod`) still ship ~24 MB of TypeScript
// (https://github.com/pnpm/pnpm/issues/15344). valibot only needs TypeScript
// for its types at compile time, so the peer is dropped here.
function readPackage(pkg) {
  if (pkg.name === "valibot") {
    if (pkg.peerDependencies) delete pkg.peerDependencies.typescript;
    if (pkg.peerDependenciesMeta) delete pkg.peerDependenciesMeta.typescript;
  }
  return pkg;
}

module.exports = { hooks: { readPackage } };
