"""Every key of dockergen.yaml, declared once: its type, its check, its description and default.
Parsing (config/model.py), the JSON Schema shipped in the package and the configuration table of
docs/configuration.md (config/schema.py), and init's comments all come from these models.

A check raises `Problem`: what the value must be (a type) or why this value is refused; model.py
turns the first problem into one line with the file, line and column of the value.
"""

from __future__ import annotations

import posixpath
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator

from dockergen import validate
from dockergen.workspace import semver

CONFIG_FILE = "dockergen.yaml"
SCHEMA_FILE = "dockergen.schema.json"  # the JSON Schema: in the package, and beside dockergen.yaml when asked
# this line in dockergen.yaml (init writes it) asks for the schema file beside it, kept in sync
SCHEMA_MODELINE = f"# yaml-language-server: $schema={SCHEMA_FILE}"
RUNTIMES = ("slim", "distroless", "nginx")
STAGES = ("base", "deps", "build", "runtime")
LINT_RULE = re.compile(r"^((DL|SC)\d{4}|CKV2?_[A-Z0-9_]+|(AVD-)?DS-\d{4})$")
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
TARGET_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
ROOT_USER = "root-user"
SYSTEM_FOLDERS = "system-folders"
UNSAFE = (ROOT_USER, SYSTEM_FOLDERS)
INSTRUCTION_HINT = (
    "one complete Dockerfile instruction per list item, e.g. RUN apt-get install -y --no-install-recommends curl"
)
# Folders of the image's system: the tree below each of these, and these exact folders (a folder
# of one's own below /var or /srv is what data belongs in).
_SYSTEM_TREES = ("/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/boot", "/dev",
                 "/proc", "/sys", "/root", "/run")  # fmt: skip
_SYSTEM_EXACT = ("/", "/var", "/var/lib", "/var/cache", "/var/log", "/tmp", "/home", "/opt", "/srv", "/mnt", "/media")


class Problem(ValueError):
    """A value dockergen.yaml cannot take: `must` (what a value of the key is) or `reason` (why
    this one is refused). `at` is where inside the value: a list index (the message names the
    item), or a path of mapping keys and indexes (the reason names the entry itself). A check of a
    whole mapping names the `key` it is about; `hint` replaces the key's description as the hint."""

    def __init__(
        self,
        must: str = "",
        reason: str = "",
        at: int | str | tuple[int | str, ...] | None = None,
        value: object = None,
        key: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(must or reason)
        self.must, self.reason, self.at, self.value, self.key, self.hint = must, reason, at, value, key, hint


def is_root(user: str) -> bool:
    """A numeric uid[:gid] whose uid is 0."""
    return user.split(":")[0].lstrip("0") == ""


def system_folder(path: str) -> str | None:
    """A reason when an absolute, normal path is a system folder or lies in one."""
    if path in _SYSTEM_EXACT:
        return f"{path} is a folder of the image's system"
    tree = next((t for t in _SYSTEM_TREES if path == t or path.startswith(f"{t}/")), None)
    return f"{path} is in {tree}, a folder of the image's system" if tree else None


# ------------------------------------------------------------ value checks (BeforeValidators)


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise Problem("a string")
    text = str(value).strip()
    if not text:
        raise Problem("a non-empty string")
    reason = validate.control_chars(text)
    if reason:
        raise Problem(reason=reason, value=text)
    return text


def _checked(check: Any) -> Any:
    def run(value: Any) -> str:
        text = _text(value)
        reason = check(text)
        if reason:
            raise Problem(reason=reason, value=text)
        return text

    return run


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
        raise Problem("a list of strings")
    return tuple(str(v) for v in value)


def _each(check: Any, strip: bool = False) -> Any:
    """A list of strings whose every item passes `check` (trailing slashes ignored)."""

    def run(value: Any) -> tuple[str, ...]:
        items = _strings(value)
        for index, item in enumerate(items):
            reason = check(item.rstrip("/") or item)
            if reason:
                raise Problem(reason=reason, at=index, value=item)
        return tuple(i.strip() for i in items) if strip else items

    return run


def _pairs(check_key: Any) -> Any:
    """A mapping of names to one-line strings, as sorted (name, value) pairs."""

    def run(value: Any) -> tuple[tuple[str, str], ...]:
        if not isinstance(value, dict) or not all(isinstance(v, (str, int, float, bool)) for v in value.values()):
            raise Problem("a mapping of names to strings")
        pairs = sorted((str(k), str(v).lower() if isinstance(v, bool) else str(v)) for k, v in value.items())
        for name, text in pairs:
            reason = check_key(name)
            if reason:
                raise Problem(reason=f"name {name!r} {reason}", at=(name,))
            if validate.control_chars(text):
                raise Problem(reason=f"the value of {name!r} {validate.control_chars(text)}", at=(name,))
        return tuple(pairs)

    return run


def _port(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise Problem("a number between 1 and 65535 (or leave it out for workers)")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Problem("true or false")
    return value


def _one_of(*allowed: str) -> Any:
    def run(value: Any) -> str:
        text = _text(value)
        if text not in allowed:
            raise Problem(reason=f"is not one of: {', '.join(allowed)}", value=text)
        return text

    return run


def _relative_path(value: Any) -> str:
    text = _text(value)
    normal = posixpath.normpath(text)
    reason = validate.context_path(normal) or ("is the workspace root, not a file" if normal == "." else None)
    if reason:
        raise Problem(reason=reason, value=text)
    return normal


def _image(value: Any) -> str:
    text = _text(value)
    reason = None if text in RUNTIMES else validate.image_reference(text)
    if reason:
        raise Problem(reason=reason, value=text)
    return text


def _node(value: Any) -> str:
    text = _text(value)
    if semver.parse_version(text) is None or not re.match(r"^\d+(\.\d+\.\d+)?$", text):
        raise Problem(reason="is not a major (22) or an exact version (22.14.0)", value=text)
    return text


def _pnpm(value: Any) -> str:
    text = _text(value)
    if semver.parse_exact(text) is None and semver.parse_range(text, semver.ENGINES) is None:
        raise Problem(reason="is not a version (10.34.9) nor a range (10, ^10)", value=text)
    return text


def _user(value: Any) -> str:
    text = _text(value)
    if not re.match(r"^\d+(:\d+)?$", text):
        raise Problem("a numeric uid:gid such as 1000:1000")
    return text


def _command(value: Any) -> tuple[str, ...]:
    argv = _strings(value)
    if not argv or not argv[0].strip():
        raise Problem("a non-empty list: the program, then its arguments")
    return _each(validate.control_chars)(value)  # type: ignore[no-any-return]


def _pattern(value: str) -> str | None:
    from dockergen.dockerignore import pattern_error, reincluded_secret

    reason = validate.control_chars(value)
    if not reason and (not value.strip() or value.strip().startswith("#")):
        reason = "is empty or a comment, not a pattern"
    reason = reason or pattern_error(value)
    secret = None if reason else reincluded_secret(value)
    if secret is not None:
        reason = (
            f"would send {secret} again, which the built-in rules keep out of every build context "
            "(secrets: .env files, .git, keys, nested .npmrc)"
        )
    return reason


def _data_dir(value: str) -> str | None:
    reason = validate.absolute_path(value)
    normal = posixpath.normpath(value) if value.startswith("/") else value
    if reason is None and (normal in ("/", "/app") or normal.startswith("/app/")):
        reason = "must be a folder outside /app (the app's files stay read-only)"
    return reason


def _data_dirs(value: Any) -> tuple[str, ...]:
    return tuple(posixpath.normpath(d) for d in _each(_data_dir)(value))


def _digests(value: Any) -> tuple[tuple[str, str], ...]:
    pairs = _pairs(validate.image_reference)(value)
    for image, digest in pairs:
        if not DIGEST.match(digest):
            raise Problem(
                reason=f"the digest of {image!r} must be sha256:<64 hex digits>", at=(image,),
                hint="copy it from `docker buildx imagetools inspect IMAGE` or your registry",
            )  # fmt: skip
    return pairs  # type: ignore[no-any-return]


def _lint_ignore(value: Any) -> tuple[tuple[str, str], ...]:
    pairs = _pairs(lambda _: None)(value)
    for rule, reason in pairs:
        if not LINT_RULE.match(rule) or not reason.strip():
            raise Problem(
                reason=f"{rule!r} needs a hadolint (DL3008), checkov (CKV_DOCKER_2) or trivy (DS-0026) rule id "
                "and a reason",
                at=(rule,), hint="write it as `RULE: why this finding is accepted`",
            )  # fmt: skip
    return pairs  # type: ignore[no-any-return]


def _script_lists(value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise Problem("a mapping of package names to lists of script names")
    out = []
    for name, scripts in value.items():
        ok = isinstance(scripts, list) and all(isinstance(x, str) and x.strip() for x in scripts)
        reason = validate.package_name(str(name)) or (None if ok else "needs a list of script names")
        reason = reason or next((validate.control_chars(x) for x in scripts if validate.control_chars(x)), None)
        if reason is None and any(x.strip().startswith("-") for x in scripts):
            reason = "names a script starting with '-', which `pnpm run` reads as an option"
        if reason:
            raise Problem(reason=f"{name!r} {reason}", at=(str(name),))
        out.append((str(name), tuple(x.strip() for x in scripts)))
    return tuple(sorted(out))


def _instructions(value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise Problem(f"a mapping of stage ({', '.join(STAGES)}) to instruction lists")
    out = []
    for stage, lines in value.items():
        if stage not in STAGES:
            raise Problem(reason=f"unknown stage {stage!r}", at=(str(stage),), hint=f"use one of: {', '.join(STAGES)}")
        if not isinstance(lines, list) or not all(isinstance(x, str) and x.strip() for x in lines):
            raise Problem(
                reason=f"{stage} must be a list of Dockerfile instructions", at=(str(stage),), hint=INSTRUCTION_HINT
            )
        for index, text in enumerate(lines):
            reason = validate.instruction(text)
            if reason:
                raise Problem(
                    reason=f"{stage} item {index + 1}: {text!r} {reason}", at=(str(stage), index), hint=INSTRUCTION_HINT
                )
        out.append((str(stage), tuple(x.strip() for x in lines)))
    return tuple(sorted(out))


def _unsafe(value: Any) -> tuple[str, ...]:
    return _each(lambda v: None if v in UNSAFE else f"is not one of: {', '.join(UNSAFE)}")(value)  # type: ignore[no-any-return]


# ------------------------------------------------------------ types: a check and the schema of the YAML value


def _typed(check: Any, schema: dict[str, Any]) -> Any:
    """A value read by `check` (what the planner gets), described to editors by `schema` (what the
    YAML holds)."""
    return (BeforeValidator(check), WithJsonSchema(schema))


STRINGS = {"type": "array", "items": {"type": "string"}}
NAMES_TO_STRINGS = {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]}}
Text = Annotated[str, *_typed(_text, {"type": ["string", "number"]})]
Flag = Annotated[bool, *_typed(_flag, {"type": "boolean"})]


Pairs = tuple[tuple[str, str], ...]
Strings = tuple[str, ...]


def _enum(*allowed: str) -> Any:
    return _typed(_one_of(*allowed), {"enum": list(allowed)})


def _doc(default: str, details: str) -> dict[str, Any]:
    """What docs/configuration.md says of a key beyond its description: its default (how it is
    detected) and the details of what it does (Markdown). Editors ignore `x-` keywords."""
    return {"x-default": default, "x-details": details}


class Asset(BaseModel):
    """Build output of another member that the app needs at run time (a client served by an API)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    package: str = Field(
        description="the member whose build output it is (its name in package.json)",
    )
    path: str = Field(default=".", description="the folder inside that member, e.g. dist")
    to: str = Field(default="", description="where it goes, as a path in the workspace (default: where it is)")

    @model_validator(mode="before")
    @classmethod
    def _check(cls, data: Any) -> Any:
        if not isinstance(data, dict) or set(data) - {"package", "path", "to"} or not data.get("package"):
            raise Problem(reason="must be {package: NAME, path: PATH, to: PATH}", value=str(data))
        package, path, to = str(data["package"]), str(data.get("path") or "."), data.get("to")
        reason = (
            validate.package_name(package)
            or validate.context_path(posixpath.normpath(path))
            or (validate.context_path(posixpath.normpath(str(to))) if to is not None else None)
        )
        if reason:
            raise Problem(reason=reason, value=str(data))
        return {"package": package, "path": posixpath.normpath(path), "to": posixpath.normpath(str(to)) if to else ""}


def _assets(value: Any) -> tuple[Asset, ...]:
    if not isinstance(value, list):
        raise Problem("a list of {package, path, to} mappings")
    out = []
    for index, item in enumerate(value):
        try:
            out.append(Asset.model_validate(item))
        except Exception as exc:  # pydantic wraps the Problem raised by Asset._check
            problem = next((e["ctx"]["error"] for e in getattr(exc, "errors", list)() if "ctx" in e), None)
            reason = problem.reason if isinstance(problem, Problem) else str(exc).splitlines()[0]
            raise Problem(reason=reason, at=index, value=str(item)) from None
    return tuple(out)


# what the planner gets from each kind of value, and what editors are told the YAML holds
Port = Annotated[int, *_typed(_port, {"type": "integer", "minimum": 1, "maximum": 65535})]
UrlPath = Annotated[str, *_typed(_checked(validate.url_path), {"type": "string", "pattern": "^/"})]
Argv = Annotated[tuple[str, ...], *_typed(_command, {**STRINGS, "minItems": 1})]
NodeVersion = Annotated[str, *_typed(_node, {"type": ["string", "integer"]})]
PnpmVersion = Annotated[str, *_typed(_pnpm, {"type": ["string", "integer"]})]
Image = Annotated[str, *_typed(_image, {"type": "string"})]
RelativePath = Annotated[str, *_typed(_relative_path, {"type": "string"})]
User = Annotated[str, *_typed(_user, {"type": "string", "pattern": r"^\d+(:\d+)?$"})]
ScriptLists = Annotated[
    tuple[tuple[str, tuple[str, ...]], ...], *_typed(_script_lists, {"type": "object", "additionalProperties": STRINGS})
]
Instructions = Annotated[
    tuple[tuple[str, tuple[str, ...]], ...],
    *_typed(
        _instructions, {"type": "object", "propertyNames": {"enum": list(STAGES)}, "additionalProperties": STRINGS}
    ),
]
DataDirs = Annotated[tuple[str, ...], *_typed(_data_dirs, STRINGS)]
Assets = Annotated[tuple[Asset, ...], *_typed(_assets, {"type": "array", "items": Asset.model_json_schema()})]
Unsafe = Annotated[tuple[str, ...], *_typed(_unsafe, {"type": "array", "items": {"enum": list(UNSAFE)}})]
LintIgnore = Annotated[Pairs, *_typed(_lint_ignore, {"type": "object", "additionalProperties": {"type": "string"}})]
Digests = Annotated[
    Pairs, *_typed(_digests, {"type": "object", "additionalProperties": {"type": "string", "pattern": DIGEST.pattern}})
]
DebianPackages = Annotated[Strings, *_typed(_each(validate.debian_package), STRINGS)]
ContextPaths = Annotated[Strings, *_typed(_each(validate.context_path), STRINGS)]
Patterns = Annotated[Strings, *_typed(_each(_pattern, strip=True), STRINGS)]
ImageRefs = Annotated[Strings, *_typed(_each(validate.image_reference), STRINGS)]
Platforms = Annotated[Strings, *_typed(_each(validate.platform), STRINGS)]
EnvVars = Annotated[Pairs, *_typed(_pairs(validate.env_key), NAMES_TO_STRINGS)]
LabelPairs = Annotated[Pairs, *_typed(_pairs(validate.label_key), NAMES_TO_STRINGS)]
Kind = Annotated[str, *_enum("node", "static")]
Cache = Annotated[str, *_enum("registry", "gha")]
Optimize = Annotated[str, *_enum("rebuilds", "libraries", "cold")]


class Keys(BaseModel):
    """The keys a target (or `defaults:`, for every target) may set; none is required here."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _unset(cls, data: Any) -> Any:
        """`key:` with no value (null) is the key left out: its default, or detection."""
        return {k: v for k, v in data.items() if v is not None} if isinstance(data, dict) else data

    port: Port | None = Field(
        None,
        description="port the app listens on: EXPOSE, ENV PORT; leave out for workers",
        json_schema_extra=_doc("none", "`EXPOSE` and `ENV PORT`; leave out for workers"),
    )
    health: UrlPath | None = Field(
        None,
        description="HTTP path answering 200 when healthy: HEALTHCHECK",
        json_schema_extra=_doc(
            "none: `HEALTHCHECK NONE`, with the reason (`init` looks for `/health`-like routes)",
            "HTTP path for `HEALTHCHECK` (node's `fetch`, no curl needed)",
        ),
    )
    command: Argv | None = Field(
        None,
        description="exec-form command, relative to the package folder",
        json_schema_extra=_doc(
            "`start: node …` (wrappers unwrapped), a dependency bin, `main`, `bin`",
            "exec-form command, relative to the package folder",
        ),
    )
    node: NodeVersion | None = Field(
        None,
        description="Node version of the base images (major or exact)",
        json_schema_extra=_doc(
            "`devEngines.runtime`, `use-node-version`, `.nvmrc`, `.node-version`, `.tool-versions`, `.mise.toml`, `nodeVersion`, `engines.node`; disagreements are warnings",
            "Node major or exact version of the images",
        ),
    )
    pnpm: PnpmVersion | None = Field(
        None,
        description="version of pnpm used in the build (exact; a range takes the newest release it allows)",
        json_schema_extra=_doc(
            "`packageManager` (with `+sha512`), `devEngines`, `engines.pnpm`, lockfile format; a range (`engines.pnpm: \">=8\"`) or no pin is never installed as a range: dockergen pins the newest release it allows among the pnpm majors that wrote the lockfile (a one-document `9.0`: pnpm 9/10, since 11 and 12 write the same file but fail on dependency builds nobody approved; with pnpm 11's env document: 11/12, or the version it records), else among those that install it, from a table of releases in the package (`workspace/pnpm_releases.py`, the newest patch of each minor up to 12.26.0); the reason is in the Dockerfile, `dockergen plan` and init's comment; a range no known release satisfies is refused with the fix",
            "exact pnpm version (a range or a major here is pinned as below)",
        ),
    )
    runtime: Image | None = Field(
        None,
        description="runtime image: slim (node:<major>-slim), distroless, nginx (static sites), or any image",
        json_schema_extra=_doc(
            "`slim` (`node:<major>-slim`); `nginx` for static sites",
            "`slim`, `distroless`, `nginx` (static sites) or any image",
        ),
    )
    build_image: Image | None = Field(
        None,
        description="image of the build stages",
        json_schema_extra=_doc("`node:<major>-slim`", "image of the build stages"),
    )
    build_packages: DebianPackages | None = Field(
        None,
        description="Debian packages the build stages need (default: node-gyp's tools when a dependency compiles)",
        json_schema_extra=_doc(
            "`g++ make python3` when a dependency compiles with node-gyp and pnpm lets it build; else none",
            "Debian packages installed in the build stages (apt, cached)",
        ),
    )
    prebuild: ScriptLists = Field(
        (),
        description="scripts to run before a package's build: package name -> [script, ...] (default: turbo.json)",
        json_schema_extra=_doc(
            "turbo.json's `build.dependsOn`, else a code-generation script when the package uses a generator",
            'package name → scripts to run before its build (`{"@acme/db": ["db:generate"]}`)',
        ),
    )
    build_env: EnvVars = Field(
        (), description="ENV of the build steps only (e.g. a placeholder DATABASE_URL a code generator wants); "
        "not secrets",
        json_schema_extra=_doc("none", "`ENV` of the build stages only (e.g. a placeholder `DATABASE_URL` a generator insists on); not for secrets"),
    )  # fmt: skip
    dockerfile: RelativePath | None = Field(
        None,
        description="where the Dockerfile is written",
        json_schema_extra=_doc(
            "`Dockerfile` at the root (one target, or targets sharing it); with `shared: false` among several, `<package folder>/Dockerfile`",
            "where the files are written: never an input (dockergen.yaml, a `package.json`, the lockfile, `pnpm-workspace.yaml`, `.npmrc`, a pnpmfile or patch, anything in a `.git` folder; `--force` does not change that), never the same path for both",
        ),
    )
    dockerignore: RelativePath | None = Field(
        None,
        description="where its ignore file is written",
        json_schema_extra=_doc(
            "`.dockerignore` beside a root `Dockerfile`, else `<dockerfile>.dockerignore` (BuildKit reads it there)",
            "where the ignore file is written; the same rules as `dockerfile`",
        ),
    )
    files: ContextPaths | None = Field(
        None,
        description="package files the runtime image needs, relative to the package",
        json_schema_extra=_doc(
            "`files` in package.json, a framework's layout (Next.js, Remix, React Router, Nuxt), the folders the command names",
            "package files the runtime needs",
        ),
    )
    env: EnvVars = Field(
        (),
        description="extra ENV of the runtime image",
        json_schema_extra=_doc("none", "extra `ENV` of the runtime image"),
    )
    labels: LabelPairs = Field(
        (),
        description="LABELs of the runtime image",
        json_schema_extra=_doc("none", "extra `LABEL`s of the runtime image"),
    )
    ignore: Patterns = Field(
        (),
        description="extra .dockerignore patterns",
        json_schema_extra=_doc(
            "none",
            "extra ignore patterns; one hiding a copied file is an error naming the rule; a `!` pattern may not bring back what the security rules drop (`.env*`, `.git`, `*.pem`, `*.key`, nested `.npmrc`: `!**`, `!.env`, `!apps/**` are refused with the path they would send), and after any `!` pattern those rules are written again",
        ),
    )
    keep: ContextPaths = Field(
        (),
        description="extra repository files the build needs (kept in the context, copied before building)",
        json_schema_extra=_doc(
            "root `tsconfig*.json`, `babel.config.*`, `.swcrc`",
            "extra repository files the build needs (kept, copied before building)",
        ),
    )
    user: User | None = Field(
        None,
        description="numeric uid:gid the app runs as",
        json_schema_extra=_doc(
            "`1000:1000`, distroless `65532:65532`", "numeric `uid:gid`; uid 0 (root) only with `unsafe: [root-user]`"
        ),
    )
    data_dirs: DataDirs = Field(
        (),
        description="folders (absolute) the app may write to, owned by the app user",
        json_schema_extra=_doc(
            "none: the app cannot write",
            "absolute folders the app may write to (owned by the app user); not `/app`, and not the image's system folders (`/etc`, `/usr`, `/bin`, `/lib*`, `/root`, `/run`… or `/`, `/var`, `/var/lib`, `/tmp`, `/home`, `/opt`, `/srv` themselves) unless `unsafe: [system-folders]`",
        ),
    )
    npmrc_secret: Flag | None = Field(
        None,
        description="mount registry credentials as a build secret (auto for credentials or a private registry)",
        json_schema_extra=_doc(
            "on when `.npmrc` has credentials, `${VAR}`s or a private registry",
            "mount registry credentials as a build secret",
        ),
    )
    handle_signals: Flag = Field(
        True,
        description="exit on SIGTERM/SIGINT when the app does not handle them (node as PID 1 ignores them)",
        json_schema_extra=_doc("`true`", "preload that exits on SIGTERM/SIGINT when the app has no handler"),
    )
    instructions: Instructions = Field(
        (),
        description="extra Dockerfile instructions per stage: base, deps, build, runtime",
        json_schema_extra=_doc(
            "none",
            "extra instructions per stage, each one complete instruction (checked with BuildKit's parser; no `FROM`, no open `\\`): `base` ends the base stage (tools every build stage needs, e.g. apt packages), `deps` follows the app's install (e.g. `prisma generate`), `build` follows the app's build, `runtime` follows the app's files, before `USER`",
        ),
    )
    lint_ignore: LintIgnore = Field(
        (),
        description="accepted linter findings: rule id -> reason",
        json_schema_extra=_doc(
            "none", "`RULE: reason` findings you accept (hadolint `DL…`, checkov `CKV_…`, trivy `DS-…`)"
        ),
    )
    digests: Digests = Field(
        (),
        description="base image digests: image -> sha256:...",
        json_schema_extra=_doc("none", "`image: sha256:…` pins, rendered `image:tag@sha256:…`"),
    )
    kind: Kind | None = Field(
        None,
        description="node (a server or worker) or static (build output served by a tiny non-root server); "
        "default: detected",
        json_schema_extra=_doc(
            "detected (see Framework apps)",
            "`node` (a server or worker) or `static` (its build output served by nginx or a Node file server)",
        ),
    )
    spa: Flag | None = Field(
        None,
        description="static: answer unknown paths without an extension with index.html (single-page apps)",
        json_schema_extra=_doc(
            "`true`, or as the start script's file server had it (`serve -s`)",
            "static: extension-less unknown paths get `index.html`",
        ),
    )
    assets: Assets = Field(
        (),
        description="other members' build output the app serves: [{package, path, to}]",
        json_schema_extra=_doc(
            "none",
            'other members\' build output the app serves: `[{package: "@acme/client", path: dist, to: apps/client/dist}]`; `to` is a workspace path, placed relative to the app as in the workspace',
        ),
    )
    standalone: Flag | None = Field(
        None,
        description="Next.js: ship only the traced standalone server (default: when next.config sets output "
        "standalone)",
        json_schema_extra=_doc('when `next.config.*` sets `output: "standalone"`', "Next.js: ship `.next/standalone`"),
    )
    tags: ImageRefs | None = Field(
        None,
        description="bake: image tags (default: ${REGISTRY}<target>:${TAG})",
        json_schema_extra=_doc("`${REGISTRY}<target>:${TAG}`", "bake: the image's tags (image references)"),
    )
    platforms: Platforms = Field(
        (),
        description="bake: platforms to build, e.g. [linux/amd64, linux/arm64]",
        json_schema_extra=_doc("the builder's platform", "bake: the platforms to build (`linux/amd64`, …)"),
    )
    cache: Cache | None = Field(
        None,
        description="bake: layer cache outside the machine, registry (<image>:buildcache) or gha (GitHub Actions)",
        json_schema_extra=_doc(
            "none",
            "bake: a layer cache outside the machine, in max mode: `registry` (`cache-from`/`cache-to` `type=registry,ref=${REGISTRY}<target>:buildcache,mode=max`) or `gha` (`type=gha,scope=<target>,mode=max`)",
        ),
    )
    shared: Flag = Field(
        True,
        description="several targets: one Dockerfile for all, sharing the libraries' stages (false: a Dockerfile "
        "of its own)",
        json_schema_extra=_doc(
            "`true`", "`false`: the target gets its own Dockerfile instead of the one its sibling targets share"
        ),
    )
    optimize: Optimize = Field(
        "rebuilds",
        description="rebuilds (default: an app change or a new dependency re-runs only what it must), "
        "libraries (also one build step per library level: a library change re-runs its level on) or "
        "cold (CI without a layer cache: one install, so a new dependency rebuilds the libraries)",
        json_schema_extra=_doc(
            "`rebuilds`",
            "`rebuilds`: an app change re-runs only the app's steps, a new dependency only the installs (two installs, the app's beside the libraries' build; all libraries in one build step). `libraries`: the same, with one build step per library dependency level, so a library change re-runs only its level and those above it (about one more second of cold build per level). `cold`: fastest build **without** a layer cache (CI on fresh runners, no `--cache-from`): one install for the app and its libraries; an app change still rebuilds only the app, but a new dependency rebuilds every library, and the target shares no stage with others",
        ),
    )
    unsafe: Unsafe = Field(
        (),
        description="what the secure defaults refuse and this target needs: root-user (the app runs as uid 0), "
        "system-folders (data_dirs or assets.to in /etc, /usr, /var ...); each one used prints a warning",
        json_schema_extra=_doc(
            "none",
            "what the secure defaults refuse and this target needs, each by name: `root-user` (the app runs as uid 0), `system-folders` (`data_dirs` or `assets` `to:` in a system folder); every run warns of each one used",
        ),
    )


class Target(Keys):
    """One deployable package and how to ship it."""

    package: Annotated[str, *_typed(_text, {"type": "string", "minLength": 1})] = Field(
        description="workspace package to ship (its name in package.json)",
        json_schema_extra=_doc("required", "workspace package to ship (its `name`)"),
    )

    @model_validator(mode="after")
    def _unsafe_allowed(self) -> Target:
        """uid 0 and system folders only with `unsafe:` naming them."""
        if self.user is not None and is_root(self.user) and ROOT_USER not in self.unsafe:
            raise Problem(
                reason=f"runs the app as root; if it must, allow it with `unsafe: [{ROOT_USER}]`",
                key="user", value=self.user,
            )  # fmt: skip
        for index, folder in enumerate(self.data_dirs):
            reason = system_folder(folder)
            if reason and SYSTEM_FOLDERS not in self.unsafe:
                raise Problem(
                    reason=f"{reason}: the app user would own it; if it must, allow it with "
                    f"`unsafe: [{SYSTEM_FOLDERS}]`",
                    key="data_dirs", at=index, value=folder,
                )  # fmt: skip
        if self.runtime == "nginx" and self.kind == "node":
            raise Problem(
                reason="serves static sites only", key="runtime", value=self.runtime,
                hint="use slim or distroless for a Node app, or set `kind: static` for a built site",
            )  # fmt: skip
        return self


def _version(value: Any) -> int:
    if value != 1 or isinstance(value, bool):
        raise Problem(reason=f"unsupported version {value!r}", hint="use version: 1")
    return 1


def _bake(value: Any) -> bool | str:
    if isinstance(value, bool):
        return value
    try:
        return _relative_path(value)
    except Problem as problem:
        raise Problem(must="true, false or a path such as docker-bake.hcl") if problem.must else problem from None


def _ci(value: Any) -> str | None:
    if value is False:
        return None
    if value not in CI_FILES:
        raise Problem(
            must=f"one of: {', '.join(CI_FILES)} (or false)", hint="ci: github writes .github/workflows/dockergen.yml"
        )
    return str(value)


def _target_name(value: Any) -> str:
    name = str(value)
    if name == "scratch":  # a shared file names the runtime stage after its target; BuildKit reserves it
        raise Problem(
            reason="target name 'scratch' is the empty image's name in a Dockerfile",
            hint="name the target after the app",
        )
    if not TARGET_NAME.match(name):
        raise Problem(reason=f"target name {name!r} must be lowercase letters, digits, '.', '_' or '-'")
    return name


BAKE_FILE = "docker-bake.hcl"
CI_FILES = {"github": ".github/workflows/dockergen.yml"}
_PLAIN_PATH = re.compile(r"^[A-Za-z0-9._/-]+$")
TargetName = Annotated[
    str, *_typed(_target_name, {"type": "string", "pattern": TARGET_NAME.pattern, "not": {"const": "scratch"}})
]


class ConfigFile(BaseModel):
    """dockergen.yaml as written (its JSON Schema is dockergen.schema.json)."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra={"title": CONFIG_FILE})

    version: Annotated[int, *_typed(_version, {"const": 1})] = Field(1, description="the format of this file")
    bake: Annotated[bool | str, *_typed(_bake, {"type": ["boolean", "string"]})] | None = Field(
        None,
        description="where docker-bake.hcl is written: true, false (none) or a path; left out: docker-bake.hcl "
        "when there are several targets",
        json_schema_extra=_doc(
            "written when there are several targets; a `docker-bake.hcl` that is not dockergen's is left alone (a warning says how to place ours beside it)",
            "where `docker-bake.hcl` goes: `true` (the root), a path, or `false` (none)",
        ),
    )
    ci: Annotated[str | None, *_typed(_ci, {"enum": ["github", False]})] = Field(
        None,
        description="github: write .github/workflows/dockergen.yml (check, affected, bake with the cache)",
        json_schema_extra=_doc(
            "none", "`github`: also write `.github/workflows/dockergen.yml` (`init --ci github` sets it)"
        ),
    )
    registry: Annotated[str, *_typed(_checked(validate.registry_prefix), {"type": "string"})] | None = Field(
        None,
        description="image name prefix of the default bake tags (REGISTRY's default), e.g. ghcr.io/acme/",
        json_schema_extra=_doc(
            "empty: local names; CI pushes to `ghcr.io/<owner>/`",
            "the default of the bake file's `REGISTRY` variable, an image name prefix ending in `/` (`ghcr.io/acme/`)",
        ),
    )
    defaults: Keys | None = Field(None, description="keys every target takes unless it sets them itself")
    targets: dict[TargetName, Target] = Field(
        description="the apps to ship, by target name (lowercase letters, digits, . _ -)", min_length=1
    )

    @model_validator(mode="after")
    def _ci_needs_bake(self) -> ConfigFile:
        if self.ci is None:
            return self
        if self.bake is False or ("bake" in self.model_fields_set and self.bake is None):
            raise Problem(
                reason="builds with the bake file, and none is written", key="ci", value=self.ci,
                hint="remove `bake: false` (or set `bake: true`)",
            )  # fmt: skip
        if isinstance(self.bake, str) and not _PLAIN_PATH.match(self.bake):  # an action input, comma-separated
            raise Problem(
                reason="must be letters, digits and . _ - / with `ci`", key="bake", value=self.bake,
                hint="name the bake file plainly, e.g. ci/docker-bake.hcl",
            )  # fmt: skip
        return self


# key -> description: init writes it as the comment beside the key; hints quote it
TARGET_KEYS: dict[str, str] = {
    name: Target.model_fields[name].description or ""
    for name in ("package", *(n for n in Target.model_fields if n != "package"))
}
