# Shared by scripts/check, scripts/demo and bench/run: package installation
# and the build.  Sourced, not run.

# Debian packages each script needs.  Keep this the only list.
VIRT_PV_BUILD_PACKAGES="meson ninja-build pkg-config gcc libc6-dev libglib2.0-dev libxml2-dev
  libjson-glib-dev libgnutls28-dev gettext"
VIRT_PV_CHECK_PACKAGES="libxml2-utils qemu-system-misc qemu-utils libvirt-dev
  libvirt-daemon-system libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients
  python3-docutils util-linux iproute2 procps diffutils
  clang-14 libclang-rt-14-dev valgrind time
  bash-completion locales man-db debhelper dpkg-dev fakeroot hyperfine strace
  inotify-tools passwd gcovr openssl systemd prometheus prometheus-node-exporter"
# scripts/check's s390x stages: the sysroot (scripts/s390x-sysroot), the
# cross compiler, qemu-s390x for the suites, and rpmbuild for virt-pv.spec
# (qemu-system-s390x, dpkg-dev and debhelper are in the list above).
VIRT_PV_CROSS_PACKAGES="mmdebstrap crossbuild-essential-s390x qemu-user rpm xz-utils"
# bench/run: the measuring tools and the peers it measures against.
VIRT_PV_BENCH_PACKAGES="hyperfine time strace libxml2-utils qemu-system-misc libvirt-dev
  libvirt-daemon-system libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients
  util-linux iproute2 python3"

# Install whichever of the named packages are missing: one apt-get update,
# then one apt-get install, and nothing at all when everything is there.
virt_pv_install() {
    local missing=() pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null | grep -qx installed; then
            missing+=("$pkg")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing packages: ${missing[*]} (run as root to install them)" >&2
        return 1
    fi
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Wait for another apt or dpkg (an unattended upgrade) instead of failing.
    apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
    apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

# virt_pv_build DIR [meson options...]: configure (once) and build.
virt_pv_build() {
    local dir=$1
    shift
    if [ -f "$dir/build.ninja" ]; then
        meson configure "$dir" "$@" >/dev/null
    else
        meson setup "$dir" "$@" >/dev/null
    fi
    ninja -C "$dir" >/dev/null
}

# virt_pv_locale NAME: make sure the locale NAME (de_DE.UTF-8) exists, for
# the test that runs virt-pv in German.  Generating it needs root.
virt_pv_locale() {
    local name=$1 normalized
    normalized=$(echo "${name%%.*}.${name#*.}" | tr 'A-Z' 'a-z' | tr -d -)
    if locale -a 2>/dev/null | tr 'A-Z' 'a-z' | tr -d - | grep -qx "$normalized"; then
        return 0
    fi
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing locale: $name (run as root to generate it)" >&2
        return 1
    fi
    echo "generating locale: $name"
    localedef -i "${name%%.*}" -f "${name#*.}" "$name"
}
