#!/usr/bin/python
# -*- coding: utf-8 -*-
# vifs_passthru.py - a PCI device of an ESXi host given to VMDirectPath
# passthrough or to the VMkernel, through vifs's safety checks.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: vifs_passthru
short_description: Give a PCI device of an ESXi host to passthrough, or back
description:
  - Sets the owner of the PCI device I(device) in the host's
    C(/host/esx.conf) with C(vifs passthru enable) or C(disable), with
    vifs's safety refusals (a device that holds a vmhba or vmnic, one
    function of a multi-function slot, a bridge over such a device, the
    boot controller, the management NIC) and its safe remote edit.
  - I(device) is accepted in every notation vifs reads (esx.conf
    C(000:27.0), Linux C(0000:00:1b.0), ESXi lspci C(00:27.00), vmx).
  - C(changed) is false when the device already has that owner; check
    mode and C(--diff) use vifs's C(--dry-run).
version_added: 0.1.0
author: vifs maintainers
extends_documentation_fragment: vifs.esxi.connection
options:
  device:
    description: The PCI address, in any notation.
    type: str
    required: true
  state:
    description: C(enabled) gives the device to passthrough, C(disabled) to the VMkernel.
    type: str
    choices: [enabled, disabled]
    default: enabled
  force:
    description: Override vifs's safety refusals (C(--force)).
    type: bool
    default: false
  inventory:
    description: A vifs-agent inventory of the host (vifs's C(--inventory)).
    type: path
'''

EXAMPLES = r'''
- name: Give the GPU to passthrough
  vifs.esxi.vifs_passthru:
    server: "{{ inventory_hostname }}"
    username: root
    password: "{{ esxi_password }}"
    device: "0000:3b:00.0"
  delegate_to: localhost
'''

RETURN = r'''
device:
  description: The device as given.
  returned: always
  type: str
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.vifs.esxi.plugins.module_utils.vifs import (
    Vifs, connection_spec)


def main():
    module = AnsibleModule(
        argument_spec=connection_spec(
            device=dict(type='str', required=True),
            state=dict(type='str', default='enabled',
                       choices=['enabled', 'disabled']),
            force=dict(type='bool', default=False),
            inventory=dict(type='path'),
        ),
        supports_check_mode=True,
    )
    p = module.params
    vifs = Vifs(module)
    verb = 'enable' if p['state'] == 'enabled' else 'disable'
    args = []
    if p['force'] and verb == 'enable':
        args.append('--force')
    if p['inventory']:
        args += ['--inventory', p['inventory']]
    result = dict(changed=False, device=p['device'])
    vifs.edit(['passthru', verb], args + ['--', p['device']], result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
