#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Compare the files ior-analyze resolved offline with what strace -f -yy saw live.

Usage: compare.py [--json] [--label NAME] [--samples N] DUMP.ndjson STRACE.log [SYSCALLS.c]

DUMP.ndjson is `ior-analyze dump --json` of a recording of the same execution strace
traced (`ior-record -- strace -f -yy -o LOG CMD`, or strace attached to a process that
ior-record -p records later). Only threads strace traced are compared; ior's events of
each thread are paired with strace's calls of that thread in order, by syscall name
(ior records a subset of syscalls, and may start late).

For each pair the truth comes from strace's /proc annotations:
  fd      the event's file comes from an fd argument: strace's `N<...>` on that fd
  fd-new  pipe/socketpair: the new fds in `[N<...>, M<...>]`
  fd-ret  the call returned a new fd: strace's `= N<...>` (open-likes, socket, ...)
  path    a relative path argument: strace's annotation of the dirfd or AT_FDCWD, joined
The headline figure is fd + fd-new + fd-ret: events whose file strace names by fd.
A file matches when the paths are equal after resolving symlinks (ior shows the path as
the program asked for it; the kernel's /proc link is the canonical one); a pipe, socket
or anon inode matches by kind ("pipe:[?]" against "pipe:[4711]").
"""
import json
import os
import re
import sys

DEFAULT_SYSCALLS = os.path.join(os.path.dirname(__file__), "..", "..", "common", "syscalls.c")


def load_table(path):
    """Syscall name -> True when the descriptor has a path argument (common/syscalls.c)."""
    text = open(path, encoding="utf-8").read()
    table = {}
    for m in re.finditer(r'SC\("(\w+)",\s*(\w+)((?:[^()])*?)\)', text):
        table[m.group(1)] = re.search(r"\.path\s*=", m.group(3)) is not None
    if not table:
        sys.exit("compare.py: no syscall table in %s" % path)
    return table


# ---- strace -yy output -------------------------------------------------------------------
LINE = re.compile(r"^(\d+)\s+(.*)$")
RESUMED = re.compile(r"^<\.\.\. (\w+) resumed>(.*)$")
UNFINISHED = "<unfinished ...>"


def strace_calls(path):
    """tid -> list of (name, args text, return text), in order; merges unfinished/resumed."""
    calls, pending = {}, {}
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for raw in f:
            m = LINE.match(raw.rstrip("\n"))
            if not m:
                continue
            tid, rest = int(m.group(1)), m.group(2)
            if rest.startswith("+++") or rest.startswith("---"):
                continue
            r = RESUMED.match(rest)
            if r:
                if tid not in pending:
                    continue
                rest = pending.pop(tid) + r.group(2)
            if rest.endswith(UNFINISHED):
                pending[tid] = rest[: -len(UNFINISHED)].rstrip()
                continue
            call = split_call(rest)
            if call:
                calls.setdefault(tid, []).append(call)
    return calls


def split_call(text):
    """'name(args) = ret' -> (name, args, ret), or None."""
    p = text.find("(")
    if p <= 0 or not re.match(r"^\w+$", text[:p]):
        return None
    end = match_close(text, p)
    if end < 0:
        return None
    ret = text[end + 1 :].strip()
    ret = ret[1:].strip() if ret.startswith("=") else ""
    return text[:p], text[p + 1 : end], ret


def match_close(text, start):
    """Index of the bracket closing text[start], skipping quoted strings; -1 if none."""
    pairs = {"(": ")", "[": "]", "{": "}", "<": ">"}
    stack, i, n = [], start, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c in pairs:
            stack.append(pairs[c])
        elif stack and c == stack[-1]:
            stack.pop()
            if not stack:
                return i
        i += 1
    return -1


def split_args(args):
    """Top-level comma-separated arguments."""
    out, depth, cur, i, n = [], 0, [], 0, len(args)
    while i < n:
        c = args[i]
        if c == '"':
            j = i + 1
            while j < n and args[j] != '"':
                j += 2 if args[j] == "\\" else 1
            cur.append(args[i : j + 1])
            i = j + 1
            continue
        if c in "([{<":
            depth += 1
        elif c in ")]}>":
            depth -= 1
        if c == "," and depth == 0:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    if cur or out:
        out.append("".join(cur).strip())
    return out


def unescape(s):
    """strace's C escapes (\\xNN, \\NNN, \\n, ...) back to characters."""
    def rep(m):
        e = m.group(1)
        if e[0] == "x":
            return chr(int(e[1:], 16))
        if e[0].isdigit():
            return chr(int(e, 8))
        return {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "f": "\f", "\\": "\\", '"': '"'}.get(e, e)

    return re.sub(r"\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)", rep, s)


def annotation(token):
    """'3</a/b>' -> ('3', '/a/b'); devices' '<char 1:3>' and '(deleted)' dropped."""
    m = re.match(r"^(-?\d+|AT_FDCWD)<", token)
    if not m:
        return None
    start = m.end() - 1
    end = match_close(token, start)
    if end < 0:
        return None
    inner = re.sub(r"<(char|block) \d+:\d+>$", "", token[start + 1 : end])
    return m.group(1), unescape(inner)


def find_fd(args, fd):
    """The annotation of fd among the top-level arguments (or inside an fd array)."""
    for a in args:
        if a.startswith("[") and a.endswith("]"):
            hit = find_fd(split_args(a[1:-1]), fd)
            if hit is not None:
                return hit
            continue
        ann = annotation(a)
        if ann and ann[0] == str(fd):
            return ann[1]
    return None


def string_args(args):
    return [unescape(a[1:-1]) for a in args if a.startswith('"') and a.endswith('"')]


# ---- ior-analyze dump --json ------------------------------------------------------------
def ior_events(path, tids):
    """tid -> list of events (dicts), in file order; only threads strace traced."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            e = json.loads(line)
            if "syscall" not in e or e["tid"] not in tids:
                continue
            if e.get("path") is not None:
                e["path"] = re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), e["path"])
            out.setdefault(e["tid"], []).append(e)
    return out


def ior_key(e):
    """Name and outcome of an ior event, to pair it with the same call in strace."""
    ret = e["ret"]
    return e["syscall"], ("err" if -4096 < ret < 0 else ret)


def strace_key(call):
    m = re.match(r"^(0x[0-9a-fA-F]+|-?\d+)", call[2])
    if not m:
        return call[0], None  # "?" (the process went away) matches any outcome
    v = int(m.group(1), 0)
    return call[0], ("err" if v == -1 and " E" in call[2] else v)


def same_call(a, b):
    return a[0] == b[0] and (a[1] == b[1] or b[1] is None)


def anchor(ik, sk, span=24):
    """Where ior's first events sit in strace's list: ior may start late (-p) or early
    (the traced child's calls before its execve); names and return values decide."""
    best, start = -1, (0, 0)
    for i0 in range(min(len(ik), 8)):
        for j0 in range(len(sk)):
            k = 0
            while k < span and i0 + k < len(ik) and j0 + k < len(sk) and same_call(ik[i0 + k], sk[j0 + k]):
                k += 1
            if k > best:
                best, start = k, (i0, j0)
            if best >= span:
                return start
    return start


def align(ior, st, window=64):
    """Pairs (ior event, strace call) for the same call, in order, skipping extras."""
    ik = [ior_key(e) for e in ior]
    sk = [strace_key(c) for c in st]
    pairs = []
    i, j = anchor(ik, sk)
    while i < len(ior) and j < len(st):
        if same_call(ik[i], sk[j]):
            pairs.append((ior[i], st[j]))
            i += 1
            j += 1
            continue
        di = next((d for d in range(1, window) if i + d < len(ik) and same_call(ik[i + d], sk[j])), None)
        dj = next((d for d in range(1, window) if j + d < len(sk) and same_call(ik[i], sk[j + d])), None)
        if di is None and dj is None:
            i += 1
            j += 1
        elif dj is None or (di is not None and di <= dj):
            i += di
        else:
            j += dj
    return pairs


# ---- what counts as the same file ---------------------------------------------------------
SOCKET = re.compile(r"^(socket:\[|[A-Z][A-Z0-9-]*(v6)?:\[|[A-Z][A-Z0-9-]*:)")


def kind(name):
    if name.startswith("pipe:"):
        return "pipe"
    if name.startswith("anon_inode:[pidfd]") or name.startswith("pid:") or name.startswith("pidfd:"):
        return "pidfd"
    if name.startswith("anon_inode:"):
        return name
    if name.startswith("/"):
        return "file"
    if SOCKET.match(name):
        return "socket"
    return name


def canon(p):
    p = p[: -len(" (deleted)")] if p.endswith(" (deleted)") else p
    try:
        return os.path.realpath(p)
    except (OSError, ValueError):
        return p


def same_file(e, truth):
    ior_path = e.get("path")
    if ior_path is None or not e.get("resolved"):
        return False
    k = kind(truth)
    if k != "file":
        return kind(ior_path) == k
    if not ior_path.startswith("/"):
        return False
    a = ior_path[: -len(" (deleted)")] if ior_path.endswith(" (deleted)") else ior_path
    # /proc/self names the process that looks: resolve it for the traced one, not for us
    a = re.sub(r"^/proc/thread-self(?=/|$)", "/proc/%d/task/%d" % (e["pid"], e["tid"]), a)
    a = re.sub(r"^/proc/self(?=/|$)", "/proc/%d" % e["pid"], a)
    return a == truth or canon(a) == truth or canon(a) == canon(truth)


def judge(e, call, table):
    """(category, truth) for one pair, or None when strace names no file for it."""
    name, args_text, ret = call
    args = split_args(args_text)
    has_path = table.get(name, False) and name not in ("symlink", "symlinkat", "memfd_create")
    strs = string_args(args)
    if name in ("munmap", "msync"):
        return None
    if has_path and strs and strs[0] != "":
        m = re.match(r"^(-?\d+)<", ret)
        if m:
            ann = annotation(ret.split(" ")[0])
            return ("fd-ret", ann[1]) if ann else None
        if strs[0].startswith("/"):
            return None  # nothing to check against: strace does not resolve paths
        ann = annotation(args[0]) if args else None
        if name in ("renameat", "renameat2", "linkat", "newfstatat", "openat", "statx",
                    "faccessat", "faccessat2", "mkdirat", "unlinkat", "readlinkat", "fchmodat",
                    "fchownat", "utimensat", "mknodat", "name_to_handle_at", "openat2") and ann:
            return "path", os.path.normpath(os.path.join(ann[1], strs[0]))
        return None
    if e.get("fd") is not None and e["fd"] >= 0:
        t = find_fd(args, e["fd"])
        if t is not None:
            return ("fd-new" if args and args[0].startswith("[") else "fd"), t
    m = re.match(r"^(-?\d+)<", ret)
    if m:
        ann = annotation(ret.split(" (")[0].split(" ")[0])
        if ann:
            return "fd-ret", ann[1]
    return None


def main(argv):
    label, as_json, samples, pos = "run", False, 5, []
    it = iter(argv)
    for a in it:
        if a == "--label":
            label = next(it)
        elif a == "--json":
            as_json = True
        elif a == "--samples":
            samples = int(next(it))
        else:
            pos.append(a)
    if len(pos) not in (2, 3):
        sys.exit(__doc__)
    table = load_table(pos[2] if len(pos) == 3 else DEFAULT_SYSCALLS)
    st = strace_calls(pos[1])
    ior = ior_events(pos[0], set(st))
    counts, bad, paired, ior_total = {}, [], 0, sum(len(v) for v in ior.values())
    for tid, calls in st.items():
        calls = [c for c in calls if c[0] in table]
        for e, call in align(ior.get(tid, []), calls):
            paired += 1
            j = judge(e, call, table)
            if not j:
                continue
            cat, truth = j
            ok = same_file(e, truth)
            c = counts.setdefault(cat, [0, 0])
            c[0] += ok
            c[1] += 1
            if not ok and len(bad) < samples:
                bad.append("%s tid %d %s: ior %r (resolved %s), strace %r  [%s]" % (
                    label, tid, e["syscall"], e.get("path"), e.get("resolved"), truth,
                    call[0] + "(" + call[1][:120] + ") = " + call[2][:60]))
    fd_ok = sum(counts.get(k, [0, 0])[0] for k in ("fd", "fd-new", "fd-ret"))
    fd_all = sum(counts.get(k, [0, 0])[1] for k in ("fd", "fd-new", "fd-ret"))
    res = {"label": label, "fd_ok": fd_ok, "fd_total": fd_all, "categories": counts,
           "paired": paired, "ior_events": ior_total,
           "strace_calls": sum(len(v) for v in st.values()), "mismatches": bad}
    if as_json:
        print(json.dumps(res))
    else:
        share = 100.0 * fd_ok / fd_all if fd_all else 100.0
        print("%-10s %6d / %6d fd-bearing events right (%.3f %%); %s; %d of %d ior events paired"
              % (label, fd_ok, fd_all, share,
                 ", ".join("%s %d/%d" % (k, v[0], v[1]) for k, v in sorted(counts.items())),
                 paired, ior_total))
        for b in bad:
            print("  mismatch: " + b)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
