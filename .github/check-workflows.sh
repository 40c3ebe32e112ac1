#!/usr/bin/env bash
# Static checks of the GitHub Actions workflows and the ClusterFuzzLite set-up, runnable offline:
#
#   * every .github/workflows/*.yml parses, has triggers and jobs, and every job has runs-on and
#     steps, each step exactly one of uses / run;
#   * expressions only name what exists: matrix.X in the job's matrix, needs.J.outputs.O of a job
#     it needs that declares O, steps.S of an earlier step with that id, inputs.X of the
#     workflow_dispatch inputs;
#   * `uses:` is owner/repo@ref (or an existing ./local action);
#   * paths: every repo-relative path a job names (in run scripts, env, inputs' defaults, string
#     literals of expressions) exists, unless .gitignore says it is build output; each
#     pull_request path filter matches a tracked file; each `cargo -p NAME` is a package of the
#     workspace;
#   * run scripts pass `bash -n` (and shellcheck, when installed), expressions replaced;
#   * a job using ClusterFuzzLite's build_fuzzers has .clusterfuzzlite/project.yaml (language
#     as in the workflow), a Dockerfile whose COPY sources exist, an executable build.sh that
#     passes `bash -n` / shellcheck, and fuzz/Cargo.toml with a [[bin]] per fuzz_targets/*.rs.
#
# Needs python3 with PyYAML; without it, PyYAML is installed once into a virtualenv under
# ${TMPDIR:-/tmp} (the only network access). Exit 0 all good, 1 a problem found, 2 cannot run.
#
#   bash .github/check-workflows.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if ! command -v "$PY" >/dev/null; then
  echo "check-workflows: $PY not found" >&2
  exit 2
fi
if ! "$PY" -c 'import yaml' 2>/dev/null; then
  venv=${TMPDIR:-/tmp}/wellspring-check-workflows-venv
  if ! "$venv/bin/python" -c 'import yaml' 2>/dev/null; then
    echo "check-workflows: PyYAML missing, installing it into $venv" >&2
    "$PY" -m venv "$venv" >&2 || { echo "check-workflows: cannot create $venv" >&2; exit 2; }
    "$venv/bin/pip" install -q pyyaml >&2 || { echo "check-workflows: cannot install PyYAML" >&2; exit 2; }
  fi
  PY=$venv/bin/python
fi

exec "$PY" - "$@" <<'PYTHON'
import fnmatch
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = None

problems = []
checked = 0


def fail(where, msg):
    problems.append(f"{where}: {msg}")


def ok():
    global checked
    checked += 1


def git(*args):
    return subprocess.run(["git", *args], capture_output=True, text=True)


TRACKED = set(git("ls-files").stdout.splitlines())
# a path counts from the folders and files at the top of the repository (tracked ones)
TOP = {p.split("/", 1)[0] for p in TRACKED}
SHELLCHECK = shutil.which("shellcheck")

EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.S)
STRING_LIT = re.compile(r"'((?:[^']|'')*)'")
REF = re.compile(r"(?<![\w.-])(matrix|needs|steps|inputs)\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?)?")
PATHISH = re.compile(r"^\.?[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9._*-]+)+/?$|^[A-Za-z0-9_][A-Za-z0-9._-]*\.(toml|yml|yaml|json|sh|lock)$")


def strings(node):
    """Every string (keys excluded) under a YAML node."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)


def expressions(node, key=None):
    """The text of every expression under a node; an `if:` is an expression even unwrapped."""
    if isinstance(node, str):
        found = EXPR.findall(node)
        if key == "if" and not found:
            found = [node]
        yield from found
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from expressions(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from expressions(v, key)


def check_path(where, p):
    p = p.rstrip("/")
    if not p or p.split("/", 1)[0] not in TOP:
        return  # not a path into the repository (an output folder, a URL path, ...)
    if git("check-ignore", "-q", "--no-index", p).returncode == 0:
        return  # build output (target/, fuzz/corpus/...): made by the job, not expected here
    ok()
    if any(c in p for c in "*?["):
        if not glob.glob(p, recursive=True):
            fail(where, f"no file matches {p}")
    elif not os.path.exists(p):
        fail(where, f"names {p}, which is not in the repository")


def path_tokens(text):
    for tok in re.split(r"[\s'\"`=;|&(),<>{}]+", text):
        if "$" in tok or "://" in tok or tok.startswith("-"):
            continue
        if PATHISH.match(tok):
            yield tok


def workspace_packages():
    if tomllib is None or not os.path.exists("Cargo.toml"):
        return None
    with open("Cargo.toml", "rb") as f:
        root = tomllib.load(f)
    names = set()
    if "package" in root:
        names.add(root["package"]["name"])
    for m in root.get("workspace", {}).get("members", []):
        for d in glob.glob(m):
            try:
                with open(os.path.join(d, "Cargo.toml"), "rb") as f:
                    names.add(tomllib.load(f)["package"]["name"])
            except (OSError, KeyError):
                pass
    return names


PACKAGES = workspace_packages()


def bash_syntax(where, script, placeholder=True):
    """bash -n, then shellcheck when installed, of one script (expressions replaced)."""
    if placeholder:
        script = EXPR.sub("EXPR", script)
    with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as f:
        f.write(script)
        name = f.name
    try:
        ok()
        r = subprocess.run(["bash", "-n", name], capture_output=True, text=True)
        if r.returncode != 0:
            fail(where, "bash -n: " + r.stderr.replace(name, "script").strip())
        if SHELLCHECK:
            ok()
            r = subprocess.run(
                [SHELLCHECK, "-s", "bash", "-S", "warning", "-f", "gcc", name],
                capture_output=True, text=True)
            if r.returncode != 0:
                fail(where, "shellcheck:\n    " + r.stdout.replace(name, "script").strip().replace("\n", "\n    "))
    finally:
        os.unlink(name)


def check_clusterfuzzlite(where, language):
    d = ".clusterfuzzlite"
    for f in ("project.yaml", "Dockerfile", "build.sh"):
        ok()
        if not os.path.isfile(os.path.join(d, f)):
            fail(where, f"{d}/{f} is missing")
            return
    with open(f"{d}/project.yaml") as f:
        project = yaml.safe_load(f) or {}
    ok()
    if project.get("language") != language:
        fail(where, f"{d}/project.yaml says language {project.get('language')!r}, the workflow {language!r}")
    # the Dockerfile's build context is the repository root
    with open(f"{d}/Dockerfile") as f:
        lines = f.read().splitlines()
    ok()
    if not any(l.strip().upper().startswith("FROM ") for l in lines):
        fail(where, f"{d}/Dockerfile has no FROM")
    for l in lines:
        parts = l.split()
        if not parts or parts[0].upper() not in ("COPY", "ADD"):
            continue
        args = [a for a in parts[1:] if not a.startswith("--")]
        if any(a.startswith("--from") for a in parts[1:]):
            continue
        for src in args[:-1]:
            if "://" in src:
                continue
            ok()
            if not glob.glob(src):
                fail(where, f"{d}/Dockerfile copies {src}, which is not in the repository")
    ok()
    mode = git("ls-files", "-s", f"{d}/build.sh").stdout.split()[:1]
    if mode and mode[0] != "100755":
        fail(where, f"{d}/build.sh is not executable in git (mode {mode[0]})")
    elif not mode and not os.access(f"{d}/build.sh", os.X_OK):
        fail(where, f"{d}/build.sh is not executable")
    with open(f"{d}/build.sh") as f:
        bash_syntax(f"{d}/build.sh", f.read(), placeholder=False)
    if language == "rust":
        manifest = "fuzz/Cargo.toml"
        ok()
        if not os.path.isfile(manifest):
            fail(where, f"{manifest} is missing (cargo fuzz builds from it)")
            return
        if tomllib is None:
            print(f"check-workflows: no tomllib (Python < 3.11): {manifest} not read", file=sys.stderr)
            return
        with open(manifest, "rb") as f:
            cargo = tomllib.load(f)
        bins = {b["name"]: b.get("path", f"src/bin/{b['name']}.rs") for b in cargo.get("bin", [])}
        for name, path in bins.items():
            ok()
            if not os.path.isfile(os.path.join("fuzz", path)):
                fail(where, f"{manifest}: [[bin]] {name} points at fuzz/{path}, which is missing")
        # build.sh copies one binary per fuzz_targets/*.rs, named after the file
        for src in sorted(glob.glob("fuzz/fuzz_targets/*.rs")):
            name = os.path.basename(src)[:-3]
            ok()
            if name not in bins:
                fail(where, f"{src} has no [[bin]] named {name} in {manifest}")
        for dep in cargo.get("dependencies", {}).values():
            if isinstance(dep, dict) and "path" in dep:
                ok()
                if not os.path.isfile(os.path.join("fuzz", dep["path"], "Cargo.toml")):
                    fail(where, f"{manifest}: path dependency {dep['path']} is missing")
        for dep in cargo.get("patch", {}).get("crates-io", {}).values():
            if isinstance(dep, dict) and "path" in dep:
                ok()
                if not os.path.isfile(os.path.join("fuzz", dep["path"], "Cargo.toml")):
                    fail(where, f"{manifest}: patched crate {dep['path']} is missing")


def glob_regex(pattern):
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out += ".*"
            i += 2
            if pattern.startswith("/", i):
                i += 1
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out + r"\Z")


KNOWN_EVENTS = {
    "push", "pull_request", "pull_request_target", "schedule", "workflow_dispatch",
    "workflow_call", "workflow_run", "release", "merge_group", "repository_dispatch",
}


def check_workflow(path):
    try:
        with open(path) as f:
            wf = yaml.safe_load(f)
    except yaml.YAMLError as e:
        fail(path, f"not YAML: {e}")
        return
    ok()
    if not isinstance(wf, dict):
        fail(path, "not a mapping")
        return
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` as true
    if on is None:
        fail(path, "no `on:` triggers")
        return
    events = [on] if isinstance(on, str) else list(on)
    for e in events:
        ok()
        if e not in KNOWN_EVENTS:
            fail(path, f"unknown trigger {e!r}")
    on = on if isinstance(on, dict) else {}
    inputs = {}
    for ev in ("workflow_dispatch", "workflow_call"):
        inputs.update(((on.get(ev) or {}).get("inputs") or {}))
    for name, spec in inputs.items():
        ok()
        t = (spec or {}).get("type", "string")
        if t not in ("string", "number", "boolean", "choice", "environment"):
            fail(path, f"input {name}: unknown type {t!r}")
        d = (spec or {}).get("default")
        if isinstance(d, str):
            for p in path_tokens(d):
                check_path(f"{path}: input {name} default", p)
    for entry in (on.get("schedule") or []):
        ok()
        if len(str(entry.get("cron", "")).split()) != 5:
            fail(path, f"schedule cron {entry.get('cron')!r} is not five fields")
    for ev in ("pull_request", "push"):
        spec = on.get(ev) or {}
        for key in ("paths", "paths-ignore"):
            for pattern in spec.get(key) or []:
                ok()
                rx = glob_regex(pattern.lstrip("!"))
                if not any(rx.match(t) for t in TRACKED) and not os.path.exists(pattern):
                    fail(path, f"{ev}.{key} {pattern!r} matches no tracked file")

    def check_refs(where, node, job, step_ids):
        for expr in expressions(node):
            for lit in STRING_LIT.findall(expr):
                for p in path_tokens(lit):
                    check_path(where, p)
            bare = STRING_LIT.sub("''", expr)
            for kind, a, b, c in REF.findall(bare):
                ok()
                if kind == "inputs":
                    if a not in inputs:
                        fail(where, f"inputs.{a}: no such workflow input")
                elif kind == "matrix":
                    m = ((job or {}).get("strategy") or {}).get("matrix")
                    if isinstance(m, dict) and a not in m and a not in ("include", "exclude"):
                        includes = [k for inc in (m.get("include") or []) for k in inc]
                        if a not in includes:
                            fail(where, f"matrix.{a}: not in the job's matrix")
                    elif m is None:
                        fail(where, f"matrix.{a}: the job has no matrix")
                elif kind == "needs":
                    needs = (job or {}).get("needs") or []
                    needs = [needs] if isinstance(needs, str) else needs
                    if a not in needs:
                        fail(where, f"needs.{a}: the job does not need {a}")
                    elif b == "outputs" and c and c not in ((jobs.get(a) or {}).get("outputs") or {}):
                        fail(where, f"needs.{a}.outputs.{c}: job {a} declares no output {c}")
                elif kind == "steps":
                    if a not in step_ids:
                        fail(where, f"steps.{a}: no earlier step with id {a}")

    jobs = wf.get("jobs") or {}
    ok()
    if not jobs:
        fail(path, "no jobs")
    check_refs(f"{path}: env", wf.get("env") or {}, None, set())
    for s in strings(wf.get("env") or {}):
        for p in path_tokens(EXPR.sub(" ", s)):
            check_path(f"{path}: env", p)
    default_shell = ((wf.get("defaults") or {}).get("run") or {}).get("shell", "bash")
    for jname, job in jobs.items():
        where = f"{path}: job {jname}"
        ok()
        if not isinstance(job, dict):
            fail(where, "not a mapping")
            continue
        needs = job.get("needs") or []
        for n in [needs] if isinstance(needs, str) else needs:
            ok()
            if n not in jobs:
                fail(where, f"needs {n}, which is not a job")
        if "uses" in job:  # a reusable workflow
            continue
        ok()
        if "runs-on" not in job:
            fail(where, "no runs-on")
        steps = job.get("steps") or []
        if not steps:
            fail(where, "no steps")
        # the job's outputs read its steps' outputs, hence every step id
        all_ids = {s.get("id") for s in steps if isinstance(s, dict) and s.get("id")}
        check_refs(where, {k: v for k, v in job.items() if k != "outputs" and k != "steps"}, job, set())
        check_refs(where, job.get("outputs") or {}, job, all_ids)
        for s in strings({k: v for k, v in job.items() if k in ("env", "defaults")}):
            for p in path_tokens(EXPR.sub(" ", s)):
                check_path(where, p)
        step_ids = set()
        for i, step in enumerate(steps, 1):
            swhere = f"{where}: step {i} ({step.get('name') or step.get('uses') or step.get('id') or 'run'})"
            ok()
            if ("uses" in step) == ("run" in step):
                fail(swhere, "needs exactly one of uses / run")
            check_refs(swhere, step, job, step_ids)
            if step.get("id"):
                ok()
                if step["id"] in step_ids:
                    fail(swhere, f"step id {step['id']} used twice")
                step_ids.add(step["id"])
            uses = step.get("uses")
            if uses:
                ok()
                if uses.startswith("./"):
                    if not os.path.exists(uses):
                        fail(swhere, f"local action {uses} is missing")
                elif not uses.startswith("docker://") and not re.match(r"^[\w.-]+/[\w./-]+@[\w.-]+$", uses):
                    fail(swhere, f"uses {uses!r} is not owner/repo@ref")
                if uses.startswith("google/clusterfuzzlite/actions/build_fuzzers@"):
                    check_clusterfuzzlite(swhere, (step.get("with") or {}).get("language", "c++"))
            for s in strings({k: v for k, v in step.items() if k in ("env", "with", "working-directory")}):
                if (step.get("uses") or "").startswith(("actions/upload-artifact", "actions/download-artifact")):
                    break  # artifact paths are made or filled by the job
                for p in path_tokens(EXPR.sub(" ", s)):
                    check_path(swhere, p)
            run = step.get("run")
            if isinstance(run, str):
                for p in path_tokens(EXPR.sub(" ", run)):
                    check_path(swhere, p)
                for word in re.findall(r"\bcargo\b[^\n]*?(?:-p|--package)\s+([\w-]+)", run):
                    ok()
                    if PACKAGES is not None and word not in PACKAGES:
                        fail(swhere, f"cargo -p {word}: no such package in the workspace")
                shell = step.get("shell") or ((job.get("defaults") or {}).get("run") or {}).get("shell") or default_shell
                if shell.split()[0] in ("bash", "sh"):
                    bash_syntax(swhere, run)


files = sorted(glob.glob(".github/workflows/*.yml") + glob.glob(".github/workflows/*.yaml"))
if not files:
    print("check-workflows: no workflow in .github/workflows", file=sys.stderr)
    sys.exit(2)
for f in files:
    check_workflow(f)
for p in problems:
    print("FAIL", p)
print(f"check-workflows: {len(files)} workflows, {checked} checks, {len(problems)} problems"
      + ("" if SHELLCHECK else " (shellcheck not installed: shell lint skipped)"))
sys.exit(1 if problems else 0)
PYTHON
