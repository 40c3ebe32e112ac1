#!/usr/bin/env python3
"""List Rust functions longer than a limit (non-test code). Usage: fnlen.py [--max N] DIR..."""
import os, re, sys
args = sys.argv[1:]
limit = 80
if args and args[0] == '--max':
    limit = int(args[1]); args = args[2:]
fn_re = re.compile(r'^\s*(pub(\([^)]*\))?\s+)?(async\s+)?(const\s+)?(unsafe\s+)?fn\s+(\w+)')
def strip(line):
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    line = re.sub(r"'(\\.|[^'\\])'", "''", line)
    i = line.find('//')
    return line if i < 0 else line[:i]
out = []
for d in args:
    for root, dirs, files in os.walk(d):
        dirs[:] = [x for x in dirs if x not in ('target', 'tests', 'benches', 'node_modules')]
        for f in files:
            if not f.endswith('.rs'): continue
            p = os.path.join(root, f)
            lines = open(p, encoding='utf-8', errors='replace').read().split('\n')
            in_test = False
            i = 0
            while i < len(lines):
                l = lines[i]
                if re.match(r'^\s*#\[cfg\(test\)\]', l):
                    break
                m = fn_re.match(l)
                if m:
                    depth = 0; started = False; j = i
                    while j < len(lines):
                        s = strip(lines[j])
                        if not started and ';' in s and '{' not in s:
                            break
                        for ch in s:
                            if ch == '{': depth += 1; started = True
                            elif ch == '}': depth -= 1
                        if started and depth <= 0: break
                        j += 1
                    n = j - i + 1
                    if started and n > limit:
                        out.append((n, p, i + 1, m.group(6)))
                    i += 1
                    continue
                i += 1
for n, p, ln, name in sorted(out, reverse=True):
    print(f'{n:5d} {p}:{ln} {name}')
print(f'{len(out)} functions over {limit} lines', file=sys.stderr)
