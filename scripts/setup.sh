# Shared set-up for demo.sh and test.sh (sourced, not run). Idempotent: it installs only
# what is missing, and reinstalls the Python package only when pyproject.toml changes.

# The default voice (hibari) is a Python dependency: pip installs it with the package.
# espeak-ng: the pyttsx3 path and the fallback; ffmpeg: encoding. Other voices (Festival,
# RHVoice, Pico, Flite, MBROLA): scripts/install-voices.sh.
SYSTEM_PACKAGES=(espeak-ng ffmpeg)

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

have_system_deps() {
  command -v espeak-ng >/dev/null 2>&1 &&
    command -v ffmpeg >/dev/null 2>&1 &&
    command -v ffprobe >/dev/null 2>&1 &&
    { ldconfig -p 2>/dev/null | grep -q 'libespeak-ng\.so\.1'; }
}

ensure_system_deps() {
  have_system_deps && return 0
  say "installing system packages: ${SYSTEM_PACKAGES[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    else
      die "espeak-ng and ffmpeg are needed. Install them, then run this again:
    sudo apt-get install -y ${SYSTEM_PACKAGES[*]} python3-venv"
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    die "no apt-get here: install ${SYSTEM_PACKAGES[*]} with your package manager, then run this again"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null || die "apt-get update failed; install by hand: apt-get install -y ${SYSTEM_PACKAGES[*]}"
  $sudo apt-get install -y -qq "${SYSTEM_PACKAGES[@]}" >/dev/null ||
    die "apt-get could not install ${SYSTEM_PACKAGES[*]}; install them by hand and run this again"
  have_system_deps || die "${SYSTEM_PACKAGES[*]}: still missing after apt-get; install them by hand"
}

find_python() {
  local py
  for py in python3.13 python3.12 python3.11 python3; do
    if command -v "$py" >/dev/null 2>&1 &&
      "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      command -v "$py"
      return 0
    fi
  done
  die "Python 3.11 or newer is needed (Debian: sudo apt-get install -y python3 python3-venv)"
}

# ensure_venv EXTRAS: a .venv with the package installed editable (EXTRAS: "" or "dev").
ensure_venv() {
  local extras="$1" py stamp want
  py="$(find_python)"
  if [ ! -x .venv/bin/python ]; then
    say "creating .venv with $py"
    if ! "$py" -m venv .venv 2>/dev/null; then
      rm -rf .venv
      if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null || true
      fi
      "$py" -m venv .venv || die "could not create a virtual environment (Debian: sudo apt-get install -y python3-venv)"
    fi
  fi
  # The stamp records which pyproject.toml was installed and with which extras; a dev
  # install also serves the plain one.
  local hash have
  hash="$(sha256sum pyproject.toml | cut -c1-16)"
  stamp=".venv/.audiocoach-installed"
  have="$(cat "$stamp" 2>/dev/null || true)"
  if [ "$have" = "$hash dev" ] || { [ -z "$extras" ] && [ "$have" = "$hash base" ]; }; then
    return 0
  fi
  want="$hash ${extras:-base}"
  say "installing audiocoach${extras:+[$extras]} into .venv"
  local spec="."
  [ -n "$extras" ] && spec=".[$extras]"
  .venv/bin/python -m pip install -q --disable-pip-version-check -e "$spec" ||
    die "pip could not install the Python dependencies (see the messages above)"
  echo "$want" >"$stamp"
}

# The program-page test drives a real headless Chromium; only scripts/test.sh needs it.
TEST_PACKAGES=(chromium chromium-driver)

ensure_test_browser() {
  command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 && return 0
  say "installing the test browser: ${TEST_PACKAGES[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    else
      die "the page test needs Chromium. Install it, then run this again:
    sudo apt-get install -y ${TEST_PACKAGES[*]}"
    fi
  fi
  command -v apt-get >/dev/null 2>&1 || die "no apt-get here: install chromium and chromedriver, then run this again"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null || true
  $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${TEST_PACKAGES[@]}" >/dev/null ||
    die "apt-get could not install ${TEST_PACKAGES[*]}; install them by hand and run this again"
}
