# Sanitizer runtime options for the ASan + UBSan build (sourced by scripts/sanitize.sh; source it
# yourself to run one test binary of build-asan by hand). Every option and suppression says why.
_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# detect_leaks: on, with the suppressions in lsan.supp (leaks inside uninstrumented libraries), for
# the test binaries; the dflab processes they start run without it (why: child_options.cpp).
# strict_init_order/check_initialization_order: catch static-init-order bugs in our code.
export ASAN_OPTIONS="detect_leaks=1:check_initialization_order=1:strict_init_order=1${DFLAB_ASAN_EXTRA:+:$DFLAB_ASAN_EXTRA}"
export LSAN_OPTIONS="suppressions=$_dir/lsan.supp:print_suppressions=0"
# halt_on_error: the build has -fno-sanitize-recover=all already; print where it happened.
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$_dir/ubsan.supp"
unset _dir
