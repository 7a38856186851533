#!/usr/bin/env bash
# Golden tests of `vifs passthru`: listing, every safety refusal, every
# address notation, spelling preserved, all-or-nothing edits.
. "$VIFS_SRCDIR/tests/lib/check.sh"
GOLDEN_DIR=$VIFS_SRCDIR/tests/cli/golden
V=$VIFS_BIN
cp "$VIFS_FIXTURES/pci/seed-sample1.esx.conf" "$T/s1.conf"
cp "$VIFS_FIXTURES/pci/seed-sample2.esx.conf" "$T/s2.conf"

golden passthru-list-sample1 0 "$V" passthru list --file s1.conf
golden passthru-list-sample2 0 "$V" passthru list --file s2.conf
golden passthru-list-xml 0 "$V" passthru list --file s1.conf --output xml

# Refusals: the SATA controller holding vmhba0, a NIC holding vmnic0,
# one function of a multi-function slot.
golden passthru-refuse-vmhba 1 "$V" passthru enable --file s1.conf 0000:00:1f.2
golden passthru-refuse-vmnic 1 "$V" passthru enable --file s1.conf 000:25.0
golden passthru-refuse-split 1 "$V" passthru enable --file s1.conf 00:1a.0
assert "refusals leave the file alone" \
    cmp "$VIFS_FIXTURES/pci/seed-sample1.esx.conf" "$T/s1.conf"
# All or nothing: one refused address stops the others too.
expect_status 1 "$V" passthru enable --file s1.conf 000:03.2 000:31.2
assert "a refused batch changes nothing" \
    cmp "$VIFS_FIXTURES/pci/seed-sample1.esx.conf" "$T/s1.conf"

# Every notation names the same device (00:1a = decimal slot 26).
golden passthru-slot-linux 0 "$V" passthru enable --file s1.conf --dry-run \
    0000:00:1a.0 0000:00:1a.1 0000:00:1a.2 0000:00:1a.7
golden passthru-slot-esxi 0 "$V" passthru enable --file s1.conf --dry-run \
    00:26.00 00:26.01 00:26.02 00:26.07
golden passthru-slot-vmx 0 "$V" passthru enable --file s1.conf --dry-run \
    00000:000:26.0 00000:000:26.1 00000:000:26.2 00000:000:26.7
golden passthru-ambiguous 1 "$V" passthru enable --file s1.conf 00:10.0
golden passthru-force 0 "$V" passthru enable --file s1.conf --force \
    --dry-run 000:31.2
golden passthru-new-device-sibling 1 "$V" passthru enable --file s1.conf \
    --dry-run 0000:00:03.0
golden passthru-new-device 0 "$V" passthru enable --file s1.conf --dry-run \
    0000:00:02.0
golden passthru-new-device-linux-key 0 "$V" passthru enable --file s1.conf \
    --dry-run --key-notation linux 0000:00:02.0

# A real change, then back.
expect_status 0 "$V" passthru disable --file s1.conf 0000:00:1b.0
assert "disable writes vmkernel" \
    grep -qxF '/device/000:27.0/owner = "vmkernel"' s1.conf
expect_status 0 "$V" passthru enable --file s1.conf 000:27.0
assert "enable restores the original" \
    cmp "$VIFS_FIXTURES/pci/seed-sample1.esx.conf" "$T/s1.conf"

golden passthru-bad-notation 2 "$V" passthru enable --file s1.conf \
    --notation hex 00:1b.0
golden passthru-bad-address 1 "$V" passthru enable --file s1.conf 00:1b.9
expect_status 0 "$V" passthru --help
finish
