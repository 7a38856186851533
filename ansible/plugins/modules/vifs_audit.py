#!/usr/bin/python
# -*- coding: utf-8 -*-
# vifs_audit.py - the audit of an ESXi host's esx.conf (lint, passthrough
# devices, drift from a baseline) through vifs audit and its JSON report.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: vifs_audit
short_description: Audit an ESXi host's esx.conf against a baseline
description:
  - Runs C(vifs audit) on the host and returns what its JSON report says
    of it; the lint findings of its esx.conf, the devices given to
    passthrough, and each difference from the baseline I(baseline).
  - Changes nothing on the host, so C(changed) is always false. A host
    with drift or lint errors is not a failure (C(drift) is true, and
    C(failed_when) can make it one); a host that cannot be audited is.
version_added: 0.1.0
author: vifs maintainers
extends_documentation_fragment: vifs.esxi.connection
options:
  baseline:
    description:
      - The baseline, an esx.conf fragment (C(KEY = "VALUE") lines the
        host must have, C(KEY = "*") for keys that must exist, C(!KEY)
        for keys that must be absent).
      - Without it the audit is the lint and the passthrough devices.
    type: path
  inventory_dir:
    description: vifs-agent inventories of the hosts (vifs's C(--inventory-dir)).
    type: path
'''

EXAMPLES = r'''
- name: Audit every host against the site baseline
  vifs.esxi.vifs_audit:
    server: "{{ inventory_hostname }}"
    username: root
    password: "{{ esxi_password }}"
    baseline: files/baseline.conf
  delegate_to: localhost
  register: audit
- ansible.builtin.debug:
    var: audit.drift_differences
  when: audit.drift
'''

RETURN = r'''
status:
  description: ok (no drift, no lint error) or drift.
  returned: success
  type: str
drift:
  description: Whether the host drifted from the baseline or has lint errors.
  returned: success
  type: bool
lint:
  description: The lint findings (errors, warnings, findings).
  returned: success
  type: dict
passthru:
  description: The devices given to passthrough (count, topology, devices).
  returned: success
  type: dict
drift_differences:
  description: One entry per baseline rule the host breaks (key, kind, expected, actual, line, baseline_line).
  returned: success
  type: list
  elements: dict
report:
  description: The host's whole entry of the JSON report (docs/schemas/audit.schema.json).
  returned: always
  type: dict
'''

import json
import os
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.vifs.esxi.plugins.module_utils.vifs import (
    Vifs, connection_spec)


def main():
    module = AnsibleModule(
        argument_spec=connection_spec(
            baseline=dict(type='path'),
            inventory_dir=dict(type='path'),
        ),
        supports_check_mode=True,
    )
    p = module.params
    vifs = Vifs(module)
    tmp = tempfile.mkdtemp(prefix='vifs_audit.')
    try:
        report = os.path.join(tmp, 'audit.json')
        args = ['--report', report, '--output', 'json']
        if p['baseline']:
            args += ['--baseline', p['baseline']]
        if p['inventory_dir']:
            args += ['--inventory-dir', p['inventory_dir']]
        # Exit status 1 is drift or a failed host: the report tells.
        rc, out, err = vifs.run(['audit'], args, ok=(0, 1))
        if not os.path.exists(report):
            vifs.fail(rc, out, err, [vifs.binary, 'audit'])
        with open(report) as f:
            doc = json.load(f)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    hosts = doc.get('hosts', [])
    if len(hosts) != 1:
        module.fail_json(msg='vifs audit reported %d hosts, not 1' %
                         len(hosts), report=doc)
    host = hosts[0]
    if host['status'] not in ('ok', 'drift'):
        module.fail_json(msg=host['error']['message'], report=host,
                         status=host['status'])
    module.exit_json(changed=False, status=host['status'],
                     drift=host['status'] == 'drift', lint=host['lint'],
                     passthru=host['passthru'],
                     drift_differences=host['drift']['differences'],
                     report=host)


if __name__ == '__main__':
    main()
