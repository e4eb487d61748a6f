#!/usr/bin/env bash
# Behaviour check for refactors: run `check --show-fixes --format json` and
# `fix --diff --unsafe-fixes` of two installs on the same projects and compare the outputs.
#
#   bash scripts/same_output.sh BASE_BIN NEW_BIN OUTDIR [PROJECT...]
#
# BASE_BIN/NEW_BIN: the `flake8-flask-deploy` executables of the two installs (e.g. a venv made from
# `git worktree add /tmp/base <commit>` and the editable install). PROJECTs default to the example
# projects and every corpus export under .corpus/apps (scripts/corpus_apps.py makes them).
# Prints the projects whose outputs differ and exits 1 when any do.
set -u
base=$1; new=$2; out=$3; shift 3
here=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -eq 0 ]; then
  set -- "$here"/examples/* "$here"/.corpus/apps/*
fi
mkdir -p "$out/base" "$out/new"
differ=0
for project in "$@"; do
  [ -d "$project" ] || continue
  name=$(echo "$project" | sed "s#^$here/##; s#/#_#g")
  for side in base new; do
    bin=$base; [ "$side" = new ] && bin=$new
    (cd "$project" && "$bin" check --jobs 1 --show-fixes --format json . ; echo "exit $?"
     "$bin" fix --diff --unsafe-fixes . ; echo "exit $?") >"$out/$side/$name.txt" 2>&1
  done
  if ! cmp -s "$out/base/$name.txt" "$out/new/$name.txt"; then
    echo "DIFFERS: $project"; differ=1
  fi
done
exit $differ
