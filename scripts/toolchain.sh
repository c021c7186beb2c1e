# Sourced by the project's scripts (and .ci/run): the Go toolchain the
# project builds with. Go 1.26.8, installed on these machines, has known
# standard-library vulnerabilities; the go command fetches this release
# through the Go module proxy on first use (about 76 MB, once per machine).
# go.mod says the same, so a shell without this export fails loudly instead
# of quietly building with an older Go.
export GOTOOLCHAIN="${HOTEL_GOTOOLCHAIN:-go1.27.3}"
