#!/usr/bin/python
# -*- coding: utf-8 -*-
# vifs_facts.py - facts of an ESXi host from vifs: its PCI devices with
# their passthrough owners and, when the host publishes one, its PCI
# inventory.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: vifs_facts
short_description: PCI devices, passthrough owners and inventory of an ESXi host
description:
  - Sets C(vifs_passthru), the document of C(vifs passthru list --output
    json) for the host (every device esx.conf names, its owner and the
    owner in effect once bridges are counted).
  - Sets C(vifs_inventory), the host's PCI inventory as JSON, when the host
    publishes one (C(vifs-agent inventory --publish) puts it at
    C([datastore1] vifs-inventory.xml)); null when it does not.
  - Changes nothing on the host.
version_added: 0.1.0
author: vifs maintainers
extends_documentation_fragment: vifs.esxi.connection
options:
  inventory_datastore:
    description:
      - The datastore the inventory is published on (the environment
        variable C(VIFS_INVENTORY_DATASTORE) of vifs and vifs-agent).
    type: str
    default: datastore1
  vifs_agent_path:
    description:
      - The vifs-agent binary that turns the published inventory into
        JSON; by default C(vifs-agent) from PATH.
    type: path
'''

EXAMPLES = r'''
- name: Learn the passthrough devices
  vifs.esxi.vifs_facts:
    server: "{{ inventory_hostname }}"
    username: root
    password: "{{ esxi_password }}"
  delegate_to: localhost
- ansible.builtin.debug:
    msg: "{{ vifs_passthru.devices | selectattr('effective', 'eq', 'passthru') | map(attribute='address') }}"
'''

RETURN = r'''
ansible_facts:
  description: The facts.
  returned: always
  type: dict
  contains:
    vifs_passthru:
      description: The passthru list (docs/schemas/passthru.schema.json).
      type: dict
    vifs_inventory:
      description: The published inventory (docs/schemas/inventory.schema.json), or null.
      type: dict
'''

import json
import os
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.vifs.esxi.plugins.module_utils.vifs import (
    Vifs, connection_spec)

PUBLISHED_FILE = 'vifs-inventory.xml'


def published_inventory(module, vifs):
    """The host's published inventory as a dict, or None when it has
    none."""
    agent = module.params['vifs_agent_path'] or module.get_bin_path(
        'vifs-agent', required=True)
    remote = '[%s] %s' % (module.params['inventory_datastore'],
                          PUBLISHED_FILE)
    tmp = tempfile.mkdtemp(prefix='vifs_facts.')
    try:
        local = os.path.join(tmp, PUBLISHED_FILE)
        rc, _, _ = vifs.run([], ['--get', remote, local], ok=(0, 1))
        if rc != 0 or not os.path.exists(local):
            return None
        cmd = [agent, 'inventory', '-q', '--from', local, '--format', 'json']
        rc, out, err = module.run_command(cmd, check_rc=False)
        if rc != 0:
            vifs.fail(rc, out, err, cmd)
        return json.loads(out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    module = AnsibleModule(
        argument_spec=connection_spec(
            inventory_datastore=dict(type='str', default='datastore1'),
            vifs_agent_path=dict(type='path'),
        ),
        supports_check_mode=True,
    )
    vifs = Vifs(module)
    vifs.env['VIFS_INVENTORY_DATASTORE'] = module.params['inventory_datastore']
    _, passthru = vifs.json(['passthru', 'list'], ['--output', 'json'])
    facts = dict(vifs_passthru=passthru,
                 vifs_inventory=published_inventory(module, vifs))
    module.exit_json(changed=False, ansible_facts=facts)


if __name__ == '__main__':
    main()
