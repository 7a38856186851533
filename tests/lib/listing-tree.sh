# listing-tree.sh: the directory trees behind the listing pages in
# tests/fixtures/listing. The server tests build them on a simulated host
# and check that the host still serves exactly the fixture, so the parser's
# fixtures stay true to the servers. Source it from bash.

# Every entry gets this modification time, so nginx's dates are fixed.
LISTING_TREE_MTIME='2024-01-11 10:00:00 UTC'

# listing_tree_file DIR NAME SIZE: file NAME of SIZE zero bytes in DIR.
listing_tree_file() {
    head -c "$3" /dev/zero >"$1/$2"
}

# listing_tree_nginx DIR: the directory of nginx-autoindex.html and
# esxsim-folder.html (awkward names: space, &, %, #, ?, <, >, non-ASCII,
# a name longer than nginx's 50-character column).
listing_tree_nginx() {
    local d=$1
    mkdir -p "$d/dir" "$d/sub dir" || return 1
    listing_tree_file "$d" '100%.txt' 1
    listing_tree_file "$d" 'a b&c.txt' 7
    listing_tree_file "$d" 'big.iso' 1048576
    listing_tree_file "$d" 'café.vmdk' 4096
    listing_tree_file "$d" 'file.txt' 123
    listing_tree_file "$d" 'hash#1?.log' 0
    listing_tree_file "$d" \
        'this-is-a-very-long-file-name-that-nginx-will-truncate-in-the-text.vmx' 0
    listing_tree_file "$d" 'x<y>&amp;.txt' 0
    listing_tree_touch "$d"
}

# listing_tree_vcsim DIR: the directory of vcsim-folder.html.
listing_tree_vcsim() {
    local d=$1
    mkdir -p "$d/dir" "$d/empty" "$d/sub dir" || return 1
    listing_tree_file "$d" '100%.txt' 1
    listing_tree_file "$d" 'a b&c.txt' 7
    listing_tree_file "$d" 'a:b.txt' 3
    listing_tree_file "$d" 'café.vmdk' 4096
    listing_tree_file "$d" 'file.txt' 123
    listing_tree_file "$d" 'hash#1?.log' 0
    listing_tree_file "$d" "it's.vmx" 0
    listing_tree_touch "$d"
}

# listing_tree_touch DIR: give DIR and everything in it the fixed time.
listing_tree_touch() {
    find "$1" -exec touch -d "$LISTING_TREE_MTIME" {} +
}
