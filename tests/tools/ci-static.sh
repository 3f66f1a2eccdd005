#!/bin/sh
# CI's static checks (make ci-static): cppcheck over every source file
# of src (warnings and portability findings fail the run), then
# clang-format on the lines changed since BASE (the repository's
# .clang-format): a changed line clang-format would rewrite fails the run,
# with the diff shown.  Old code is not reformatted wholesale.
# Usage: ci-static.sh BASE   (a commit; empty: clang-format is skipped)
set -u
base=${1:-}
cd "$(dirname "$0")/../.." || exit 1
# Only what this branch changed: from where it left BASE.
[ -n "$base" ] && base=$(git merge-base "$base" HEAD 2>/dev/null || echo "$base")
fail=0

# uninitvar: cppcheck 2.10 takes `p ? p : &local` output parameters for
# reads of uninitialized memory (false positives in the parsers).
echo "ci-static: cppcheck"
mkdir -p build
if ! cppcheck --quiet --error-exitcode=1 --std=c11 --language=c \
    --enable=warning,portability --inline-suppr \
    --suppress=missingIncludeSystem --suppress=uninitvar --suppress=legacyUninitvar \
    -I include -I src src 2> build/cppcheck.txt; then
    cat build/cppcheck.txt
    echo "ci-static: cppcheck found problems (above)"
    fail=1
fi

# The lines changed since BASE (clang-format-diff reformats only those).
if [ -n "$base" ]; then
    git diff -U0 --no-color "$base" -- 'src/*.c' 'src/*.h' 'include/*.h' 'tests/*.c' \
        'tests/*.h' > build/changed.diff 2>/dev/null
    n=$(grep -c '^+++ ' build/changed.diff)
    clang-format-diff -p1 -style=file < build/changed.diff > build/clang-format.diff 2>&1
    if [ -s build/clang-format.diff ]; then
        echo "ci-static: changed lines that clang-format would rewrite:"
        head -n 60 build/clang-format.diff
        fail=1
    fi
    echo "ci-static: clang-format checked the changed lines of $n file(s)"
fi
[ "$fail" -eq 0 ] && echo "ci-static: ok"
exit "$fail"
