#!/bin/sh
# SPDX-License-Identifier: ISC
# Runs the test suite under Debian 12's own kernel in a virtual machine, so
# the sandbox is tried on the kernel it ships for (6.1: Landlock ABI 2, no
# Landlock scoping) whatever kernel this machine runs. The kernel package
# and busybox-static are fetched with apt-get download into a cache
# directory and unpacked there; only qemu is installed on this machine. The
# guest sees this machine's / read-only over virtio-9p under a tmpfs
# overlay that is gone at power-off, and has qemu's user-mode network; it
# runs `hush doctor`, then `tests/run PATTERN` on this tree's build/ (built
# here first), and powers off. The console goes to the terminal and to
# build/kernel-check.log; the last line is the guest's "N passed, N failed,
# N skipped" and the exit status that of tests/run. Needs root (the 9p share keeps file owners).
#   scripts/kernel-check.sh [TEST-PATTERN]
# KERNEL_CHECK_PKG: another kernel package (default: the one
# linux-image-amd64 depends on); KERNEL_CHECK_CACHE: the cache directory;
# KERNEL_CHECK_MEM: the guest's memory (default 4G).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
pattern=${1:-}
cache=${KERNEL_CHECK_CACHE:-/var/tmp/hush-kernel-check}
mem=${KERNEL_CHECK_MEM:-4G}

die() { echo "kernel-check: $1" >&2; [ -z "${2:-}" ] || echo "hint: $2" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || die "must run as root" "the guest reads / through a 9p share that keeps file owners"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is missing" "apt-get install qemu-system-x86"

pkg=${KERNEL_CHECK_PKG:-$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/ { print $2; exit }')}
[ -n "$pkg" ] || die "no kernel package found" "apt-get update, or set KERNEL_CHECK_PKG"
kdir="$cache/$pkg"
bb="$cache/busybox/bin/busybox"
if [ ! -d "$kdir/boot" ] || [ ! -x "$bb" ]; then
	mkdir -p "$cache/debs"
	(cd "$cache/debs" && apt-get download "$pkg" busybox-static) ||
		die "apt-get download $pkg busybox-static failed"
	rm -rf "$kdir.tmp" "$cache/busybox"
	dpkg-deb -x "$cache/debs/$pkg"_*.deb "$kdir.tmp" && mv "$kdir.tmp" "$kdir"
	dpkg-deb -x "$cache/debs"/busybox-static_*.deb "$cache/busybox"
fi
kver=$(ls "$kdir/lib/modules")
make -C "$src" -j2 --no-print-directory tests >/dev/null || die "make tests failed"

# The initramfs: busybox, the modules that reach the 9p share and make the
# overlay and the network card (in load order), the two stages of init and
# what stage 2 reads.
work=$(mktemp -d /tmp/hush-kernel-check.XXXXXX)
trap 'rm -rf "$work"' EXIT
ird="$work/initramfs"
mkdir -p "$ird/bin" "$ird/mods" "$ird/proc" "$ird/sys" "$ird/dev" "$ird/lower" "$ird/rw" "$ird/root"
cp "$bb" "$ird/bin/"
m="$kdir/lib/modules/$kver/kernel"
for ko in drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev \
	drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci drivers/char/hw_random/virtio-rng \
	fs/netfs/netfs fs/fscache/fscache net/9p/9pnet net/9p/9pnet_virtio fs/9p/9p fs/overlayfs/overlay \
	net/core/failover drivers/net/net_failover drivers/net/virtio_net; do
	cp "$m/$ko.ko" "$ird/mods/" && basename "$ko" >>"$ird/mods/order"
done
cat >"$ird/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
while read -r m; do insmod "/mods/$m.ko"; done </mods/order
mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose hostroot /lower ||
	{ echo "kernel-check: mounting the 9p share failed"; poweroff -f; }
mount -t tmpfs -o mode=755 rw /rw && mkdir /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work root /root ||
	{ echo "kernel-check: the overlay over the 9p share failed"; poweroff -f; }
mkdir -p /root/kernel-check
cp /bin/busybox /stage2 /env /pattern /root/kernel-check/
for d in proc sys dev; do mount --move /$d /root/$d; done
exec switch_root /root /kernel-check/busybox sh /kernel-check/stage2
EOF
# Stage 2 runs as pid 1 on the overlay; its wait reaps orphans too.
cat >"$ird/stage2" <<'EOF'
bb=/kernel-check/busybox
$bb mkdir -p /dev/pts /dev/shm
$bb mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts /dev/pts
$bb ln -sf pts/ptmx /dev/ptmx
$bb ln -s /proc/self/fd /dev/fd
for n in 0:stdin 1:stdout 2:stderr; do $bb ln -s "/proc/self/fd/${n%:*}" "/dev/${n#*:}"; done
for d in /dev/shm /tmp; do $bb mount -t tmpfs -o mode=1777 tmpfs $d; done
$bb mount -t tmpfs -o mode=755 tmpfs /run
$bb hostname kernel-check
$bb ip link set lo up
$bb ip link set eth0 up && $bb ip addr add 10.0.2.15/24 dev eth0 && $bb ip route add default via 10.0.2.2
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
while read -r v; do export "$v"; done </kernel-check/env
cd "$HUSH_SRC"
echo "kernel-check: Linux $($bb uname -r)"
build/hush doctor
tests/run "$(cat /kernel-check/pattern)" &
wait $!
echo "kernel-check: exit status $?"
$bb sync
$bb poweroff -f
EOF
{
	echo "HUSH_SRC=$src"
	echo "HUSH_BUILD=$src/build"
	"$src/scripts/test-agents.sh" "$src/build"
} >"$ird/env"
printf '%s\n' "$pattern" >"$ird/pattern"
chmod 755 "$ird/init"
(cd "$ird" && find . | "$bb" cpio -o -H newc 2>/dev/null | gzip -1) >"$work/initramfs.gz"

# KVM only where the CPU has hardware virtualization: a /dev/kvm without it
# (a paravirtual nested one) runs a stock kernel far slower than TCG does.
if [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then
	accel="-accel kvm -cpu host"
else
	accel="-accel tcg,thread=multi -cpu max"
	echo "kernel-check: no hardware virtualization here, the guest is emulated (slow)" >&2
fi
log="$src/build/kernel-check.log"
# shellcheck disable=SC2086 # $accel is several arguments
qemu-system-x86_64 $accel -m "$mem" -smp "$(nproc)" -nographic -no-reboot \
	-kernel "$kdir/boot/vmlinuz-$kver" -initrd "$work/initramfs.gz" \
	-append "console=ttyS0 quiet panic=-1" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=passthrough,readonly=on,multidevs=remap \
	-nic user,model=virtio-net-pci </dev/null 2>&1 | tee "$log"
tr -d '\r' <"$log" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1
rc=$(tr -d '\r' <"$log" | sed -n 's/^kernel-check: exit status \([0-9]*\)$/\1/p' | tail -1)
[ -n "$rc" ] || die "the guest stopped before the tests finished" "see $log"
exit "$rc"
