#!/usr/bin/env bash
# The Ansible collection vifs.esxi (ansible/) with Debian's ansible-core
# against simulated ESXi hosts (esxsim.sh, nginx): the collection builds
# and installs; a playbook in check mode changes no byte on any host and
# shows vifs's diff; applied, it changes exactly what it says; a second
# run reports no change; a refusal fails with vifs's own message; facts
# carry the passthru list and the published inventory.
set -u

srcdir=${VIFS_SRCDIR:?VIFS_SRCDIR must name the source tree}
# shellcheck source=../lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
# shellcheck source=../lib/legacy.sh
. "$srcdir/tests/lib/legacy.sh"

AGENT=${VIFS_AGENT_BIN:-$VIFS_BUILDDIR/agent/vifs-agent}
FIX=$VIFS_FIXTURES/pci
command -v ansible-playbook >/dev/null ||
    tap_die "ansible-playbook missing (apt-get install ansible-core)"
legacy_setup ansible
export LSAN_OPTIONS="suppressions=$srcdir/tests/cli/agent_lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

# --- the collection ---------------------------------------------------------
tap_run "ansible-galaxy collection build ansible/" \
    ansible-galaxy collection build "$srcdir/ansible" --output-path "$W"
tap_run "the built collection installs" \
    ansible-galaxy collection install -p "$W/collections" \
    "$W/vifs-esxi-0.1.0.tar.gz"
export ANSIBLE_COLLECTIONS_PATH=$W/collections ANSIBLE_HOME=$W/ansible \
    ANSIBLE_LOCAL_TEMP=$W/ansible/tmp ANSIBLE_NOCOLOR=1 \
    ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_HOST_KEY_CHECKING=0 \
    ANSIBLE_PYTHON_INTERPRETER=auto_silent
tap_run "ansible-doc reads every module" bash -c \
    'for m in vifs_conf vifs_passthru vifs_audit vifs_facts; do
         ansible-doc vifs.esxi.$m >/dev/null || exit 1; done'

# --- two simulated hosts with the seed host's esx.conf ----------------------
legacy_start_sim "$W/sim" 2
P1=$(esxsim_port "$W/sim" 1)
P2=$(esxsim_port "$W/sim" 2)
F1=$ESXSIM_HOSTS_DIR/$P1/host/esx.conf
F2=$ESXSIM_HOSTS_DIR/$P2/host/esx.conf
for f in "$F1" "$F2"; do
    { cat "$FIX/seed-sample1.esx.conf"
      echo '/adv/Net/FollowHardwareMac = "1"'; } >"$f"
done
# Host 2 publishes its inventory, as vifs-agent --publish leaves it.
DS2=$ESXSIM_HOSTS_DIR/$P2/datastores/$ESXSIM_DS1
"$AGENT" inventory -q --no-hwdb --dump "$FIX/seed-sample1.lspci" \
    --esxconf "$FIX/seed-sample1.esx.conf" -o "$W/published.xml" ||
    tap_die "vifs-agent inventory failed"

cat >"$W/hosts.yml" <<HOSTS
all:
  vars:
    vifs_conn:
      server: 127.0.0.1
      username: root
      password: "$ESXSIM_PASSWORD"
      cacertsfile: "$ESXSIM_CA"
      vifs_path: "$VIFS_BIN"
  hosts:
    esx1: {port: $P1}
    esx2: {port: $P2}
HOSTS
cat >"$W/site.yml" <<'PLAY'
- hosts: all
  connection: local
  gather_facts: false
  module_defaults:
    group/vifs.esxi.vifs: "{{ vifs_conn | combine({'portnumber': port}) }}"
  tasks:
    - name: shell warning off
      vifs.esxi.vifs_conf:
        key: /adv/UserVars/SuppressShellWarning
        value: "1"
    - name: no MAC following
      vifs.esxi.vifs_conf:
        key: /adv/Net/FollowHardwareMac
        state: absent
    - name: the graphics function to passthru
      vifs.esxi.vifs_passthru:
        device: "0000:00:03.2"
        state: enabled
PLAY
# ansible-playbook's recap: "esx1 : ok=3 changed=2 ..." -> "esx1 changed=2"
recap() { sed -n 's/^\(esx[0-9]\) *: ok=[0-9]* *\(changed=[0-9]*\).*/\1 \2/p' "$1"; }
playbook() {
    local log=$1
    shift
    ansible-playbook -i "$W/hosts.yml" "$@" >"$W/$log" 2>&1
}
cp "$F1" "$W/f1.orig"
cp "$F2" "$W/f2.orig"

# --- check mode: nothing changes, the diff is vifs's -----------------------
playbook check.log "$W/site.yml" --check --diff ||
    tap_fail "check-mode run failed" "$(tail -20 "$W/check.log")"
tap_eq "check mode reports the changes it would make" \
    "$(printf 'esx1 changed=3\nesx2 changed=3')" "$(recap "$W/check.log")"
tap_run "check mode leaves host 1 byte-identical" cmp "$W/f1.orig" "$F1"
tap_run "check mode leaves host 2 byte-identical" cmp "$W/f2.orig" "$F2"
tap_match "--diff shows vifs's unified diff of esx.conf" \
    '\+/device/000:03\.2/owner = "passthru"' "$(cat "$W/check.log")"
tap_match "... and the new key" '\+/adv/UserVars/SuppressShellWarning = "1"' \
    "$(cat "$W/check.log")"

# --- apply, then again: no change --------------------------------------------
playbook apply.log "$W/site.yml" ||
    tap_fail "applying failed" "$(tail -20 "$W/apply.log")"
tap_eq "apply changes both hosts" \
    "$(printf 'esx1 changed=3\nesx2 changed=3')" "$(recap "$W/apply.log")"
local_conf=$W/f1.want
cp "$W/f1.orig" "$local_conf"
"$VIFS_BIN" conf set --file "$local_conf" /adv/UserVars/SuppressShellWarning 1
"$VIFS_BIN" conf unset --file "$local_conf" /adv/Net/FollowHardwareMac
"$VIFS_BIN" passthru enable --file "$local_conf" 0000:00:03.2 2>/dev/null
tap_run "host 1 holds exactly the edits vifs makes locally" \
    cmp "$local_conf" "$F1"
tap_run "host 2 too" cmp "$local_conf" "$F2"
playbook again.log "$W/site.yml" --diff ||
    tap_fail "second run failed" "$(tail -20 "$W/again.log")"
tap_eq "a second run reports no change" \
    "$(printf 'esx1 changed=0\nesx2 changed=0')" "$(recap "$W/again.log")"
tap_run "... and changes no byte" cmp "$local_conf" "$F1"

# --- a refusal fails with vifs's own message ---------------------------------
cat >"$W/refused.yml" <<PLAY
- hosts: esx1
  connection: local
  gather_facts: false
  tasks:
    - vifs.esxi.vifs_passthru:
        device: "000:31.2"
      module_defaults:
        group/vifs.esxi.vifs: "{{ vifs_conn | combine({'portnumber': port}) }}"
PLAY
playbook refused.log "$W/refused.yml"
tap_eq "giving the SATA controller to passthru fails" 2 "$?"
tap_match "... with vifs's message naming vmhba0" 'vmhba0' \
    "$(grep -A3 'FAILED' "$W/refused.log")"
tap_run "... and the host's file is untouched" cmp "$local_conf" "$F1"

# --- facts and audit: nothing changes, JSON comes back -------------------------
VIFS_INVENTORY_DATASTORE=$ESXSIM_DS1 "$AGENT" inventory -q --no-hwdb \
    --dump "$FIX/seed-sample1.lspci" --esxconf "$FIX/seed-sample1.esx.conf" \
    --publish --server 127.0.0.1 --portnumber "$P2" --username root \
    --password "$ESXSIM_PASSWORD" --cacertsfile "$ESXSIM_CA" \
    >"$W/publish.log" 2>&1 || tap_fail "vifs-agent --publish failed" \
    "$(cat "$W/publish.log")"
printf '/adv/UserVars/SuppressShellWarning = "1"\n!/device/000:03.2/owner\n' \
    >"$W/baseline.conf"
cat >"$W/facts.yml" <<PLAY
- hosts: all
  connection: local
  gather_facts: false
  module_defaults:
    group/vifs.esxi.vifs: "{{ vifs_conn | combine({'portnumber': port}) }}"
  tasks:
    - vifs.esxi.vifs_facts:
        inventory_datastore: "$ESXSIM_DS1"
        vifs_agent_path: "$AGENT"
    - vifs.esxi.vifs_audit:
        baseline: "$W/baseline.conf"
      register: audit
    - ansible.builtin.copy:
        dest: "$W/{{ inventory_hostname }}.json"
        content: "{{ {'passthru': vifs_passthru, 'inventory': vifs_inventory, 'audit': audit} | to_json }}"
PLAY
playbook facts.log "$W/facts.yml" ||
    tap_fail "facts and audit failed" "$(tail -20 "$W/facts.log")"
j() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$W/$1.json"; }
tap_eq "vifs_facts: the passthru list of host 1, from vifs's JSON" \
    "$("$VIFS_BIN" passthru list --file "$local_conf" -o json |
        python3 -c 'import json,sys; print([d["address"] for d in json.load(sys.stdin)["devices"] if d["effective"] == "passthru"])')" \
    "$(j esx1 '[x["address"] for x in d["passthru"]["devices"] if x["effective"] == "passthru"]')"
tap_eq "... host 1 publishes no inventory" None "$(j esx1 'd["inventory"]')"
tap_eq "... host 2's published inventory, as JSON" \
    "$("$AGENT" inventory -q --from "$W/published.xml" --format json |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')" \
    "$(j esx2 'd["inventory"]["count"]')"
tap_eq "vifs_audit: host 1 drifts on the passthru key it now has" \
    "drift present:/device/000:03.2/owner" \
    "$(j esx1 '" ".join([d["audit"]["status"]] + [x["kind"] + ":" + x["key"] for x in d["audit"]["drift_differences"]])')"
tap_eq "... and changed nothing" False "$(j esx1 'd["audit"]["changed"]')"
tap_run "facts and audit changed no byte" cmp "$local_conf" "$F1"
cat >"$W/dead.yml" <<PLAY
- hosts: esx1
  connection: local
  gather_facts: false
  tasks:
    - vifs.esxi.vifs_audit:
        server: 127.0.0.1
        portnumber: 1
        vifs_path: "$VIFS_BIN"
PLAY
playbook dead.log "$W/dead.yml"
tap_eq "vifs_audit of a host that cannot be reached fails" 2 "$?"
tap_match "... with vifs's message" '"msg": ".*(refused|connect)' \
    "$(cat "$W/dead.log")"
tap_match "the password never shows" '^0$' \
    "$(grep -c "$ESXSIM_PASSWORD" "$W"/*.log | awk -F: '{s+=$2} END {print s}')"
tap_done
