#!/usr/bin/env bash
# GPU check of issue 15: batched summaries on CUDA against the CPU, and Dask at 10k reports.
# One command, at most ~6 minutes, every step under `timeout`; from the repository root:
#
#   bash benchmarks/device_check.sh                          # on the GPU machine ($OUT is set there)
#   DEVICE_CHECK_SMALL=1 OUT=/tmp/dc bash benchmarks/device_check.sh   # a CPU rehearsal, tiny sizes
#
# Writes $OUT/device_figures.json (every figure, each step's exit code and seconds; rewritten after
# every step, so a cut-off run keeps what it measured) and $OUT/log.txt.
#
# Steps: (1) environment; (2) install the dependencies the machine lacks from .whl/ (no network) and
# the project itself (no deps; non-fatal); (3) import check; (4) summaries stage on the demo corpus
# (sections and parts), cpu/64 vs cuda 64/256/1: reports/s, units/s, and how many summaries differ
# from cpu/64; (5) part summaries of 500 generated reports, cpu/64 vs cuda 64/256; (6) Dask: 10k
# generated reports, 14 workers, per-report stages parse,tables,themes (no summaries): wall,
# reports/s, peak RSS per worker.
#
# ---------------------------------------------------------------- wheels to carry in .whl/
# The machine has torch, transformers, numpy, scikit-learn, pandas, pyarrow, rich, typer, lxml (and
# their dependencies: scipy, joblib, click, jinja2, pyyaml, packaging, fsspec, safetensors, ...).
# pyproject.toml's dependencies and its [scale] extra need these 30 more (versions: the ones the tests
# pass with). On a machine with network, from the repository root (75 MB; jieba publishes no wheel,
# so a pure-Python one is built; duckdb and pillow need the manylinux_2_28 tag):
#
#   pip download --only-binary=:all: --python-version 3.12 --platform manylinux2014_x86_64 \
#     --platform manylinux_2_28_x86_64 --no-deps -d .whl \
#     rjieba==0.2.2 python-docx==1.2.0 pdfplumber==0.11.10 pdfminer.six==20260107 \
#     charset-normalizer==3.4.7 cryptography==48.0.0 cffi==2.0.0 pycparser==3.0 pillow==13.0.0 \
#     pypdfium2==5.15.2 selectolax==1.0.2 opencc-python-reimplemented==0.1.7 datasketch==2.0.0 \
#     openpyxl==3.1.5 et_xmlfile==2.0.0 duckdb==2.0.1 dask==2026.8.0 distributed==2026.8.0 \
#     cloudpickle==3.1.3 partd==1.4.2 toolz==1.2.0 locket==1.0.0 msgpack==1.2.4 psutil==7.2.2 \
#     sortedcontainers==2.4.0 tblib==3.2.2 tornado==6.6.1 urllib3==2.7.0 zict==3.0.0
#   pip wheel --no-deps -w .whl jieba==0.42.1
#
# .whl/ is not ignored by git, so it travels with the working tree (untracked); delete it after.
# ----------------------------------------------------------------------------------------------
set -u
cd "$(dirname "$0")/.."
OUT="${OUT:-$PWD/device-out}"
mkdir -p "$OUT"
LOG="$OUT/log.txt"
FIG="$OUT/figures.jsonl"
STEPS="$OUT/steps.tsv"
: > "$LOG"; : > "$FIG"; : > "$STEPS"
START=$(date +%s)
BUDGET="${DEVICE_CHECK_SECONDS:-345}"        # the whole script, seconds
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false

if [ "${DEVICE_CHECK_SMALL:-0}" = "1" ]; then
  N_SUMMARIES=20; N_SCALE=60; WORKERS=2; PROCS=2
else
  N_SUMMARIES=500; N_SCALE=10000; WORKERS=14; PROCS=16
fi
WORK="${TMPDIR:-/tmp}/xxgk-device-work"     # generated corpora: outside $OUT (not sent back)
rm -rf "$WORK"; mkdir -p "$WORK"

log() { echo "[$(( $(date +%s) - START ))s] $*" | tee -a "$LOG"; }

write_json() {   # every figure so far, with the steps, as one JSON document
  python3 - "$FIG" "$STEPS" "$OUT/device_figures.json" <<'PY'
import json, sys
fig, steps, out = sys.argv[1:4]
figures = [json.loads(l) for l in open(fig, encoding="utf-8") if l.strip().startswith("{")]
rows = [l.rstrip("\n").split("\t") for l in open(steps, encoding="utf-8") if l.strip()]
doc = {"steps": [{"step": r[0], "rc": int(r[1]), "seconds": int(r[2]), "limit_s": int(r[3])} for r in rows],
       "figures": figures}
tmp = out + ".tmp"
with open(tmp, "w", encoding="utf-8") as f:
    json.dump(doc, f, ensure_ascii=False, indent=1)
import os; os.replace(tmp, out)
PY
}

step() {   # step NAME CAP_SECONDS COMMAND...: run under timeout (the cap, or what the budget has left)
  local name="$1" cap="$2"; shift 2
  local left=$(( BUDGET - ($(date +%s) - START) ))
  local limit=$(( cap < left ? cap : left ))
  if [ "$limit" -lt 5 ]; then
    log "skip $name: no time left"; printf '%s\t%s\t%s\t%s\n' "$name" 124 0 0 >> "$STEPS"; write_json; return 124
  fi
  log "start $name (limit ${limit}s): $*"
  local t0=$(date +%s)
  timeout -k 5 "$limit" "$@" >> "$LOG" 2>&1
  local rc=$?
  log "end $name: rc=$rc in $(( $(date +%s) - t0 ))s"
  printf '%s\t%s\t%s\t%s\n' "$name" "$rc" "$(( $(date +%s) - t0 ))" "$limit" >> "$STEPS"
  write_json
  return $rc
}

# (1) environment
step environment 20 bash -c 'python3 -V; python3 -c "import torch, transformers; print(\"torch\", torch.__version__, \"cuda\", torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else \"-\"); print(\"transformers\", transformers.__version__)"; nproc; free -g | head -2; (nvidia-smi -L || true)'
python3 - "$FIG" <<'PY'
import json, os, platform, sys
rec = {"bench": "environment", "python": platform.python_version(), "cpus": os.cpu_count()}
try:
    import torch
    rec.update(torch=torch.__version__, cuda=torch.cuda.is_available(),
               gpu=torch.cuda.get_device_name(0) if torch.cuda.is_available() else None)
except ImportError as e:
    rec["torch"] = f"missing: {e}"
open(sys.argv[1], "a").write(json.dumps(rec) + "\n")
PY

# (2) dependencies from .whl/ (only what is missing: pip keeps what is installed and satisfies them)
if [ -d .whl ]; then
  BSP=""
  python3 -m pip install --help 2>/dev/null | grep -q -- --break-system-packages && BSP="--break-system-packages"
  step install-deps 120 python3 -m pip install -q --no-index --find-links .whl $BSP \
      jieba rjieba python-docx pdfplumber pypdfium2 selectolax charset-normalizer opencc-python-reimplemented \
      datasketch openpyxl duckdb "dask[distributed]" \
    || step install-deps-nodeps 90 bash -c "python3 -m pip install -q --no-index --no-deps $BSP .whl/*.whl"
  if [ "${DEVICE_CHECK_NO_PROJECT_INSTALL:-0}" != "1" ]; then
    step install-project 60 python3 -m pip install -q --no-index --no-deps --no-build-isolation $BSP . || true
  fi
else
  log "no .whl/ folder: dependencies are expected to be installed already"
fi

# (3) everything the checks import (the tree's code: PYTHONPATH puts it first)
step imports 60 python3 -c "import nlp, cli, jieba, rjieba, docx, pdfplumber, pypdfium2, selectolax, opencc, datasketch, openpyxl, duckdb, distributed; from nlp.summaries import load_model; load_model(); print('imports ok', nlp.__file__)"

# (4) summaries on the demo corpus (sections and parts): cpu/64 is the reference every row is compared with
step summaries-demo 75 python3 benchmarks/throughput.py summaries --corpus demo --devices cpu,cuda \
  --batch-sizes 64 --gpu-batch-sizes 64,256,1 --work "$WORK" --json "$FIG"

# (5) summaries on generated reports (parts: the level analyze generates), cpu/64 the reference
step summaries-generated 130 python3 benchmarks/throughput.py summaries --corpus "$N_SUMMARIES" --devices cpu,cuda \
  --levels part --batch-sizes 64 --gpu-batch-sizes 64,256 --processes "$PROCS" --work "$WORK" --json "$FIG"

# (6) Dask at scale, no summaries, what time remains
step dask-scale 200 python3 benchmarks/throughput.py dask-scale --n "$N_SCALE" --workers "$WORKERS" \
  --stages parse,tables,themes --processes "$PROCS" --no-client --work "$WORK" --json "$FIG"

rm -rf "$WORK"
write_json
log "done in $(( $(date +%s) - START ))s: $OUT/device_figures.json"
