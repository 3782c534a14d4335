#!/usr/bin/python3
"""The GCC 12 coroutine hazards, checked on clang's AST (libclang 15, python3-clang-15).

GCC 12 miscompiled three shapes in this codebase; each time the symptom was a temporary destroyed
twice or never, seen much later by ASan or as a corrupt heap. This check fails on them:

  temporary   a temporary with a non-trivial destructor created inside a co_await expression and
              not the awaited object itself: a braced or converted temporary (f(T{...}), f({...})
              binding a const&, f("text") building a std::string), a lambda that copies anything
              non-trivial (a shared_ptr, a string) passed in the expression, a call returning a
              std::string, a vector or any such class by value used as an argument.
  conditional co_await (or co_yield) inside the conditional operator ?:.
  default-arg a call inside a co_await expression that leaves a class-type default argument to be
              filled in.

The safe spellings: name the temporary on its own line first (`const auto opts = T{...};
co_await f(opts);`), an if/else instead of ?:, an overload instead of a class-type default argument.
Copies and moves of named objects (`f(x)`, `f(std::move(x))`) and awaitables combined by
awaitable operators (`a() || b()`) are not temporaries in this sense and pass.

Usage:
  coroutine_hazards.py --build BUILD [--root ROOT] [-j N]   every coroutine TU in BUILD's compile
                                                            commands, findings in ROOT's files
  coroutine_hazards.py --file F.cpp [-- clang args...]       one file (the checker's own tests)
Exit status: 0 clean, 1 hazards found (one line each, file:line:col: shape: why), 2 a usage error.
A TU clang cannot parse fully is reported on stderr and checked as far as clang got (the build,
not this check, is the judge of code that does not compile). Results are cached per TU under
~/.cache/shiftsync/ keyed by the checker's text, the TU's arguments and the hash of every repository
file it reads: a run after a small change parses only the TUs that change touches.
"""
import argparse
import hashlib
import json
import os
import re
import shlex
import sys
import time
from concurrent.futures import ProcessPoolExecutor

# Debian installs the bindings for its own python3; another python3 first on PATH misses them.
sys.path.append("/usr/lib/python3/dist-packages")
try:
    import clang.cindex as ci
except ImportError:
    sys.exit("coroutine_hazards: python3-clang-15 is missing (tools/setup/install-deps.sh installs it)")

LIBCLANG = "/usr/lib/llvm-15/lib/libclang-15.so.1"
COROUTINE_WORD = re.compile(r"\bco_(await|yield|return)\b")
AWAIT_WORD = re.compile(r"\bco_(await|yield)\b")

# Class templates whose specializations are always trivially destructible (views, tags, durations),
# and those that are when their type arguments are (they hold them). Any other specialization counts
# as non-trivial: the safe side (libclang does not show an implicit specialization's members).
ALWAYS_TRIVIAL_TEMPLATES = {
    "std::basic_string_view", "std::span", "std::chrono::duration", "std::chrono::time_point",
    "std::ratio", "std::integral_constant", "std::coroutine_handle", "std::in_place_type_t",
    "std::reference_wrapper", "boost::asio::use_awaitable_t", "boost::asio::deferred_t",
}
MEMBERWISE_TEMPLATES = {
    "std::array", "std::pair", "std::tuple", "std::optional",
    "boost::asio::as_tuple_t", "boost::asio::redirect_error_t",
}
# Awaitables combined by ||/&& or passed to helpers are the awaited thing, not hazardous temporaries.
AWAITABLE_TEMPLATES = {"boost::asio::awaitable"}

SKIP_BODY_KINDS = {ci.CursorKind.COMPOUND_STMT}


def qualified_name(cursor):
    parts = []
    c = cursor
    while c is not None and c.kind != ci.CursorKind.TRANSLATION_UNIT:
        if c.spelling:
            parts.append(c.spelling)
        c = c.semantic_parent
    return "::".join(reversed(parts)).replace("std::__1::", "std::").replace("std::__cxx11::", "std::")


def specialized_template(decl):
    tmpl = ci.conf.lib.clang_getSpecializedCursorTemplate(decl)
    return None if tmpl is None or tmpl.kind == ci.CursorKind.NO_DECL_FOUND or tmpl == ci.conf.lib.clang_getNullCursor() else tmpl


class Types:
    """Destructor triviality from what libclang shows: declared destructors, fields and bases of a
    class, and a list of known-trivial templates for specializations (whose members libclang hides)."""

    def __init__(self):
        self.memo = {}

    def nontrivial(self, t):
        t = t.get_canonical()
        while t.kind in (ci.TypeKind.CONSTANTARRAY, ci.TypeKind.INCOMPLETEARRAY):
            t = t.element_type.get_canonical()
        if t.kind != ci.TypeKind.RECORD:
            return False
        key = t.spelling
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = False  # a class that contains itself through a base is not our problem
        self.memo[key] = self._record_nontrivial(t)
        return self.memo[key]

    def _record_nontrivial(self, t):
        decl = t.get_declaration()
        tmpl = specialized_template(decl)
        if tmpl is not None:
            name = qualified_name(tmpl)
            if name in ALWAYS_TRIVIAL_TEMPLATES:
                return False
            if name in MEMBERWISE_TEMPLATES:
                args = [t.get_template_argument_type(i) for i in range(max(t.get_num_template_arguments(), 0))]
                return any(self.nontrivial(a) for a in args if a.kind != ci.TypeKind.INVALID)
            return True
        if decl.kind == ci.CursorKind.NO_DECL_FOUND or not decl.is_definition():
            definition = decl.get_definition()
            if definition is None:
                return True
            decl = definition
        for child in decl.get_children():
            if kind_of(child) == ci.CursorKind.DESTRUCTOR and not child.is_default_method():
                return True
            if kind_of(child) in (ci.CursorKind.FIELD_DECL, ci.CursorKind.CXX_BASE_SPECIFIER) and self.nontrivial(child.type):
                return True
        return False

    def is_awaitable(self, t):
        decl = t.get_canonical().get_declaration()
        tmpl = specialized_template(decl) if decl.kind != ci.CursorKind.NO_DECL_FOUND else None
        return tmpl is not None and qualified_name(tmpl) in AWAITABLE_TEMPLATES


def kind_of(cursor):
    """The cursor's kind; None for the kinds newer than these bindings (clang 15 has a few)."""
    try:
        return cursor.kind
    except ValueError:
        return None


def tokens(cursor):
    return [t.spelling for t in cursor.get_tokens()]


def strip(cursor):
    """The cursor below libclang's implicit wrappers (casts, temporaries, cleanups)."""
    while kind_of(cursor) == ci.CursorKind.UNEXPOSED_EXPR:
        children = list(cursor.get_children())
        if len(children) != 1:
            break
        cursor = children[0]
    return cursor


class FileScan:
    """Where co_await/co_yield tokens sit in a file: the AST walk only looks at those places."""

    def __init__(self, path):
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().split("\n")
        self.awaits = set()
        for n, line in enumerate(lines, 1):
            code = line.split("//", 1)[0]
            for m in AWAIT_WORD.finditer(code):
                self.awaits.add((n, m.start() + 1))
        self.await_lines = sorted({n for n, _ in self.awaits})

    def spans_await(self, extent):
        lo, hi = extent.start.line, extent.end.line
        for n in self.await_lines:
            if lo <= n <= hi:
                return True
        return False


class Checker:
    def __init__(self, root):
        self.root = os.path.realpath(root) + os.sep if root else None
        self.types = Types()
        self.scans = {}
        self.findings = set()

    def in_scope(self, path):
        """The repository's own files: not system headers, not generated files in build folders."""
        if self.root is None:
            return True
        real = os.path.realpath(path)
        if not real.startswith(self.root):
            return False
        parts = real[len(self.root):].split(os.sep)
        return not parts[0].startswith("build") and "node_modules" not in parts

    def scan(self, path):
        if path not in self.scans:
            self.scans[path] = FileScan(path) if self.in_scope(path) else None
        return self.scans[path]

    def report(self, cursor, shape, why):
        loc = cursor.extent.start
        self.findings.add((loc.file.name, loc.line, loc.column, shape, why))

    # ---- the walk ----------------------------------------------------------------------------
    def check_tu(self, tu):
        for top in tu.cursor.get_children():
            f = top.location.file
            if f is None:
                continue
            fs = self.scan(f.name)
            if fs is None or not fs.await_lines:
                continue
            self.walk(top, fs, in_conditional=None)

    def walk(self, cursor, fs, in_conditional):
        if not fs.spans_await(cursor.extent):
            return
        start = cursor.extent.start
        kind = kind_of(cursor)
        if kind is not None and kind.is_expression() and (start.line, start.column) in fs.awaits and tokens_first(cursor) in ("co_await", "co_yield"):
            cursor = innermost_await(cursor)
            if in_conditional is not None:
                self.report(cursor, "conditional", "co_await inside ?: (line %d); use if/else and a named result" % in_conditional.extent.start.line)
                in_conditional = None  # once per ?:
            operand = next(iter(cursor.get_children()), None)
            if operand is not None:
                self.check_operand(operand)
                self.walk(operand, fs, in_conditional)  # a co_await nested in the operand
            return
        if kind == ci.CursorKind.CONDITIONAL_OPERATOR and in_conditional is None:
            in_conditional = cursor
        if kind == ci.CursorKind.LAMBDA_EXPR:
            in_conditional = None  # a coroutine lambda inside ?: is its own body
        for child in cursor.get_children():
            self.walk(child, fs, in_conditional)

    # ---- inside one co_await expression -------------------------------------------------------
    def check_operand(self, operand):
        top = strip(operand)
        self.visit(top, top)

    def visit(self, c, top):
        kind = kind_of(c)
        if kind == ci.CursorKind.LAMBDA_EXPR:
            self.check_lambda(c)
            return  # its body is another function
        if kind in (ci.CursorKind.CXX_FUNCTIONAL_CAST_EXPR, ci.CursorKind.INIT_LIST_EXPR):
            if self.types.nontrivial(c.type):
                self.report(c, "temporary", "braced temporary of %s inside co_await; name it on its own line first" % c.type.spelling)
                return
        if kind == ci.CursorKind.CALL_EXPR:
            self.check_call(c, top)
        for child in c.get_children():
            self.visit(child, top)

    def check_call(self, c, top):
        ref = c.referenced
        if ref is None:
            return
        if ref.kind == ci.CursorKind.CONSTRUCTOR and c != top and not is_copy_or_move(ref) and self.types.nontrivial(c.type) \
                and not self.types.is_awaitable(c.type):
            what = "converted" if tokens(c)[:1] != [c.type.get_declaration().spelling] else "constructed"
            self.report(c, "temporary", "%s temporary of %s inside co_await; name it on its own line first" % (what, c.type.spelling))
        elif ref.kind in (ci.CursorKind.FUNCTION_DECL, ci.CursorKind.CXX_METHOD, ci.CursorKind.FUNCTION_TEMPLATE) and c != top:
            result = ref.result_type
            if result.kind not in (ci.TypeKind.LVALUEREFERENCE, ci.TypeKind.RVALUEREFERENCE) and self.types.nontrivial(result) \
                    and not self.types.is_awaitable(result):
                self.report(c, "temporary", "%s() returns %s by value inside co_await; name the result on its own line first"
                            % (ref.spelling, result.spelling))
        # Default arguments: the argument cursors clang filled in carry no tokens.
        params = list(ref.get_arguments()) if ref.kind in (ci.CursorKind.FUNCTION_DECL, ci.CursorKind.CXX_METHOD, ci.CursorKind.CONSTRUCTOR) else []
        for i, arg in enumerate(c.get_arguments()):
            if i < len(params) and not list(arg.get_tokens()) and params[i].type.get_canonical().kind == ci.TypeKind.RECORD:
                self.report(c, "default-arg", "%s() fills in its class-type default argument '%s' inside co_await; add an overload"
                            % (ref.spelling, params[i].spelling))

    def check_lambda(self, lam):
        toks = tokens(lam)
        captures, depth = [], 0
        current = []
        for t in toks[1:]:
            if t in ("[", "(", "{", "<"):
                depth += 1
            elif t in ("]", ")", "}", ">"):
                if depth == 0:
                    break
                depth -= 1
            if t == "," and depth == 0:
                captures.append(current)
                current = []
            else:
                current.append(t)
        if current:
            captures.append(current)
        refs = {ch.spelling: ch for ch in lam.get_children() if kind_of(ch) in (ci.CursorKind.VARIABLE_REF, ci.CursorKind.VAR_DECL)}
        for cap in captures:
            if cap[0] == "&" or cap == ["this"]:
                continue
            if cap == ["="] or cap[:2] == ["*", "this"]:
                self.report(lam, "temporary", "lambda capturing by copy (%s) inside co_await; name the lambda on its own line first" % "".join(cap))
                return
            ref = refs.get(cap[0])  # the captured variable, or the init-capture's own declaration
            if ref is None or self.types.nontrivial(ref.type):
                self.report(lam, "temporary", "lambda capturing %s by copy inside co_await; name the lambda on its own line first" % " ".join(cap))
                return


def tokens_first(cursor):
    for t in cursor.get_tokens():
        return t.spelling
    return None


def innermost_await(cursor):
    """libclang nests the co_await expression in wrappers that start at the same token."""
    while True:
        children = list(cursor.get_children())
        if children and tokens_first(children[0]) in ("co_await", "co_yield"):
            cursor = children[0]
        else:
            return cursor


def is_copy_or_move(ctor):
    params = list(ctor.get_arguments())
    if len(params) != 1:
        return False
    t = params[0].type
    if t.kind not in (ci.TypeKind.LVALUEREFERENCE, ci.TypeKind.RVALUEREFERENCE):
        return False
    return t.get_pointee().get_canonical().get_declaration() == ctor.semantic_parent


# ---- driving clang ----------------------------------------------------------------------------
def clang_args(entry):
    """The compile command of one compile_commands.json entry, minus what only a compiler needs."""
    args = entry["arguments"][1:] if "arguments" in entry else shlex.split(entry["command"])[1:]
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
            continue
        if a in ("-c", entry["file"]) or a.startswith("-W") or a.startswith("-O") or a == "-g":
            continue
        out.append(a)
    return out + ["-Wno-everything"]


def parse(path, args):
    ci.Config.loaded or ci.Config.set_library_file(LIBCLANG)
    index = ci.Index.create()
    tu = index.parse(path, args=args)
    errors = [d for d in tu.diagnostics if d.severity >= ci.Diagnostic.Error]
    return tu, errors


def check_one(job):
    """One TU: its findings, the repository files it read (for the cache) and parse problems."""
    path, args, root = job
    try:
        tu, errors = parse(path, args)
    except ci.TranslationUnitLoadError as e:
        return path, [], [], ["%s: clang cannot parse it: %s" % (path, e)]
    checker = Checker(root)
    checker.check_tu(tu)
    deps = {path} | {inc.include.name for inc in tu.get_includes() if checker.in_scope(inc.include.name)}
    problems = ["%s: clang cannot parse it (checked what it could): %s" % (path, errors[0])] if errors else []
    return path, sorted(checker.findings), sorted(os.path.realpath(d) for d in deps), problems


# ---- the cache: a TU is parsed again only when a repository file it reads changed ----------------
def file_hash(path, memo):
    if path not in memo:
        try:
            with open(path, "rb") as f:
                memo[path] = hashlib.sha1(f.read()).hexdigest()
        except OSError:
            memo[path] = None
    return memo[path]


def cache_path():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "shiftsync", "coroutine_hazards.json")


def checker_version():
    """The checker's own text: results cached under older rules are never reused."""
    with open(os.path.realpath(__file__), "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()[:12]


CHECKER_VERSION = checker_version()


def cache_key(job, root):
    path, args, _ = job
    rel = os.path.relpath(path, root)
    return CHECKER_VERSION + "|" + rel + "|" + " ".join(args).replace(root, "<root>")


def load_cache():
    try:
        with open(cache_path()) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def save_cache(cache):
    target = cache_path()
    os.makedirs(os.path.dirname(target), exist_ok=True)
    tmp = "%s.%d" % (target, os.getpid())
    with open(tmp, "w") as f:
        json.dump(cache, f)
    os.replace(tmp, target)


def coroutine_units(build, root):
    with open(os.path.join(build, "compile_commands.json")) as f:
        entries = json.load(f)
    jobs, seen = [], set()
    for e in entries:
        path = os.path.realpath(os.path.join(e.get("directory", ""), e["file"]))
        if path in seen or not path.startswith(os.path.realpath(root) + os.sep) or not path.endswith(".cpp"):
            continue
        seen.add(path)
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        if COROUTINE_WORD.search(text) or includes_coroutine_header(text, root):
            jobs.append((path, clang_args(e), root))
    return jobs


_header_cache = {}


def includes_coroutine_header(text, root):
    """A .cpp without coroutines of its own that includes a header with coroutine bodies is parsed
    too: that is where the header's bodies get checked."""
    for inc in re.findall(r'#include\s+"([^"]+\.hpp)"', text):
        if inc not in _header_cache:
            p = os.path.join(root, inc)
            try:
                with open(p, encoding="utf-8", errors="replace") as f:
                    _header_cache[inc] = bool(AWAIT_WORD.search(f.read()))
            except OSError:
                _header_cache[inc] = False
        if _header_cache[inc]:
            return True
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", help="a build folder with compile_commands.json")
    ap.add_argument("--root", default=os.path.realpath(os.path.join(os.path.dirname(__file__), "..", "..")))
    ap.add_argument("--file", help="check one file, with the clang arguments after --")
    ap.add_argument("--no-cache", action="store_true", help="parse every TU (no %s)" % cache_path().replace("%", "%%"))
    ap.add_argument("-j", type=int, default=os.cpu_count() or 1)
    ap.add_argument("clang_args", nargs="*")
    opts = ap.parse_args()
    began = time.monotonic()
    if opts.file:
        jobs = [(os.path.realpath(opts.file), opts.clang_args or ["-std=c++20"], None)]
    elif opts.build:
        if not os.path.exists(os.path.join(opts.build, "compile_commands.json")):
            sys.exit("coroutine_hazards: no compile_commands.json in %s (configure with CMake first)" % opts.build)
        jobs = coroutine_units(opts.build, opts.root)
    else:
        ap.error("give --build or --file")
    findings, problems = set(), []
    root = os.path.realpath(opts.root)
    cache = load_cache() if opts.build and not opts.no_cache else {}
    hashes, todo, reused = {}, [], 0
    for job in jobs:
        entry = cache.get(cache_key(job, root))
        if entry and all(file_hash(os.path.join(root, d), hashes) == h for d, h in entry["deps"].items()):
            findings.update((os.path.join(root, f), line, col, shape, why) for f, line, col, shape, why in entry["findings"])
            reused += 1
        else:
            todo.append(job)
    with ProcessPoolExecutor(max_workers=max(1, opts.j)) as pool:
        for job, (_, found, deps, errs) in zip(todo, pool.map(check_one, todo)):
            findings.update(found)
            problems.extend(errs)
            if opts.build and not errs:
                cache[cache_key(job, root)] = {
                    "deps": {os.path.relpath(d, root): file_hash(d, hashes) for d in deps},
                    "findings": [(os.path.relpath(f, root), line, col, shape, why) for f, line, col, shape, why in found]}
    if opts.build and not opts.no_cache:
        save_cache(cache)
    for p in problems:
        print("coroutine_hazards: " + p, file=sys.stderr)
    for path, line, col, shape, why in sorted(findings):
        shown = os.path.relpath(path, opts.root) if opts.build else path
        print("%s:%d:%d: %s: %s" % (shown, line, col, shape, why))
    print("coroutine_hazards: %d translation units (%d parsed, %d unchanged since the last run), %d hazards, %.1f s"
          % (len(jobs), len(todo), reused, len(findings), time.monotonic() - began), file=sys.stderr)
    if problems and opts.file:
        return 2
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
