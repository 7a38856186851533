# -*- coding: utf-8 -*-
# connection.py - the documentation of the connection options every module
# of vifs.esxi takes (the options of the vifs command of the same names).

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r'''
options:
  server:
    description:
      - The ESXi host, as vifs's C(--server).
      - "The modules run vifs on the machine they run on (usually the
        control node, with C(delegate_to: localhost) or
        C(connection: local)), which reaches the host over HTTPS."
    type: str
    required: true
  portnumber:
    description: The HTTPS port of the host (vifs's C(--portnumber)).
    type: int
  username:
    description: The user to log in as (vifs's C(--username)).
    type: str
  password:
    description:
      - The password (vifs's C(--password)); handed to vifs in the
        environment, never on its command line.
      - Without it vifs takes the password from its credential store.
    type: str
  thumbprint:
    description: The SHA-1 or SHA-256 thumbprint the host's certificate must have.
    type: str
  cacertsfile:
    description: The CA certificates that verify the host (vifs's C(--cacertsfile)).
    type: path
  credstore:
    description: The vSphere CLI credential store to read (vifs's C(--credstore)).
    type: path
  vifs_path:
    description: The vifs binary; by default C(vifs) from PATH.
    type: path
notes:
  - The modules run the C(vifs) binary and read its JSON output; an edit
    goes through vifs's safe remote edit (backup, conflict check, verify)
    and a failure carries vifs's own message.
'''
