# Sourced by scripts/run and scripts/test: make .venv with gradscape installed (once), activate it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
extras="${1:-}"  # the extras to install, e.g. test; scripts pass it explicitly
python="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $("$python" --version)..."
  "$python" -m venv .venv
fi
# Reinstall only when pyproject.toml (or the extras asked for) changed since the last install.
stamp=".venv/.installed${extras:+-$extras}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "Installing gradscape${extras:+ with [$extras]} into .venv (first run takes a minute)..."
  .venv/bin/python -m pip install --quiet --upgrade pip
  if [[ ",$extras," == *",torch,"* ]]; then
    # PyTorch first, pinned, so the [torch] extra does not pull the 5 GB CUDA build; set
    # TORCH_INDEX_URL to PyTorch's CPU wheel index where no CPU wheel is at hand.
    .venv/bin/python -m pip install --quiet "torch==2.13.0" \
      ${TORCH_INDEX_URL:+--extra-index-url "$TORCH_INDEX_URL"}
  fi
  .venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}"
  touch "$stamp"
fi
export PATH="$root/.venv/bin:$PATH"
