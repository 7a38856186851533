#!/usr/bin/python
# -*- coding: utf-8 -*-
# vifs_conf.py - one key of an ESXi host's esx.conf, present with a value
# or absent, through vifs's safe remote edit.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: vifs_conf
short_description: Set or remove one key of an ESXi host's esx.conf
description:
  - Makes the key I(key) of the host's C(/host/esx.conf) hold I(value), or
    removes it, with C(vifs conf set) or C(vifs conf unset); only that
    line changes, the original is backed up first, the upload happens
    only when the file has not changed on the host since it was read, and
    the result is read back.
  - Nothing is uploaded when the key already has the value (or is already
    absent); C(changed) is then false.
  - Check mode and C(--diff) use vifs's C(--dry-run), whose unified diff
    of esx.conf is the diff shown.
version_added: 0.1.0
author: vifs maintainers
extends_documentation_fragment: vifs.esxi.connection
options:
  key:
    description: The esx.conf key, starting with C(/).
    type: str
    required: true
  value:
    description: The value the key must hold (required when I(state=present)).
    type: str
  state:
    description: Whether the key is present with I(value), or absent.
    type: str
    choices: [present, absent]
    default: present
'''

EXAMPLES = r'''
- name: Suppress the shell warning on every host
  vifs.esxi.vifs_conf:
    server: "{{ inventory_hostname }}"
    username: root
    password: "{{ esxi_password }}"
    key: /adv/UserVars/SuppressShellWarning
    value: "1"
  delegate_to: localhost
'''

RETURN = r'''
key:
  description: The key.
  returned: always
  type: str
before:
  description: The values the key had (an empty list when absent).
  returned: always
  type: list
  elements: str
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.vifs.esxi.plugins.module_utils.vifs import (
    Vifs, connection_spec)


def main():
    module = AnsibleModule(
        argument_spec=connection_spec(
            key=dict(type='str', required=True, no_log=False),
            value=dict(type='str'),
            state=dict(type='str', default='present',
                       choices=['present', 'absent']),
        ),
        required_if=[('state', 'present', ['value'])],
        supports_check_mode=True,
    )
    p = module.params
    vifs = Vifs(module)
    now = vifs.entries(p['key'])
    before = [e['value'] for e in now]
    result = dict(changed=False, key=p['key'], before=before)
    if p['state'] == 'present':
        if before != [p['value']] or any('value_encoding' in e for e in now):
            vifs.edit(['conf', 'set'], [p['key'], p['value']], result)
    elif now:
        vifs.edit(['conf', 'unset'], [p['key']], result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
