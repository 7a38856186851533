#!/usr/bin/env bash
# Golden tests of `vifs conf`: every subcommand on the seed fixtures,
# edits of scratch copies, hostile input, usage errors.
. "$VIFS_SRCDIR/tests/lib/check.sh"
GOLDEN_DIR=$VIFS_SRCDIR/tests/cli/golden
V=$VIFS_BIN
cp "$VIFS_FIXTURES/pci/seed-sample1.esx.conf" "$T/s1.conf"
cp "$VIFS_FIXTURES/pci/seed-sample2.esx.conf" "$T/s2.conf"

golden conf-lint-sample2 1 "$V" conf lint --file s2.conf
golden conf-lint-sample1 0 "$V" conf lint --file s1.conf
golden conf-lint-sample2-xml 1 "$V" conf lint --file s2.conf --output xml
golden conf-get 0 "$V" conf get --file s1.conf /device/000:31.2/vmkname \
    /device/000:27.0/owner
golden conf-get-missing 1 "$V" conf get --file s1.conf /no/such/key
golden conf-list-prefix 0 "$V" conf list --file s2.conf /net/
golden conf-list-xml 0 "$V" conf list --file s2.conf --output xml /net/
golden conf-set-dry-run 0 "$V" conf set --file s1.conf --dry-run \
    /device/000:27.0/owner vmkernel /adv/Misc/HostName 'esx "01" | lab'
assert "dry run leaves the file alone" \
    cmp "$VIFS_FIXTURES/pci/seed-sample1.esx.conf" "$T/s1.conf"

# A real edit: only the touched lines change, values are escaped.
expect_status 0 "$V" conf set --file s1.conf /adv/Misc/HostName 'a"b|c'
golden conf-get-escaped 0 "$V" conf get --file s1.conf /adv/Misc/HostName
assert "set writes the escaped line" \
    grep -qxF '/adv/Misc/HostName = "a|22b|7Cc"' s1.conf
assert "set keeps every other line" \
    bash -c "diff '$VIFS_FIXTURES/pci/seed-sample1.esx.conf' s1.conf |
        grep -c '^[<>]' | grep -qx 1"
expect_status 0 "$V" conf unset --file s1.conf /adv/Misc/HostName
assert "unset restores the original bytes" \
    cmp "$VIFS_FIXTURES/pci/seed-sample1.esx.conf" "$T/s1.conf"

# Mode and owner survive the atomic save.
chmod 0640 "$T/s1.conf"
expect_status 0 "$V" conf set --file s1.conf /system/uuid x
assert "save keeps the mode" test "$(stat -c %a "$T/s1.conf")" = 640

# Standard input to standard output.
golden conf-set-stdin 0 bash -c "printf '/b = \"2\"\n/d = \"4\"\n' |
    '$V' conf set --file - /c 3"

# Hostile input: CRLF, NUL bytes, no final newline, malformed lines;
# a no-op edit must give back the same bytes.
printf '/a = "1"\r\n\000junk\r\n/b = "x|ZZ"\r\n# c\r\n  \r\nnoeq\r\n/z = "9"' \
    >"$T/hostile.conf"
cp "$T/hostile.conf" "$T/hostile.orig"
golden conf-lint-hostile 1 "$V" conf lint --file hostile.conf
expect_status 0 "$V" conf set --file hostile.conf /m "new"
assert "CRLF file gets a CRLF line" grep -q $'^/m = "new"\r$' hostile.conf
expect_status 0 "$V" conf unset --file hostile.conf /m
assert "unset gives the hostile file back byte for byte" \
    cmp hostile.orig hostile.conf

# Errors.
golden conf-bad-key 2 "$V" conf set --file s1.conf 'no-slash' v
golden conf-no-file 2 "$V" conf get /a
golden conf-unknown-verb 2 "$V" conf frobnicate --file s1.conf
golden conf-missing-file 1 "$V" conf get --file nonexistent.conf /a
golden conf-unset-missing 1 "$V" conf unset --file s1.conf /no/such/key
expect_status 0 "$V" conf --help
finish
