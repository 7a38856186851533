# -*- coding: utf-8 -*-
# vifs.py - what the modules of vifs.esxi share: the connection options,
# running the vifs binary, reading its JSON, and edits with check mode and
# diff through vifs's own --dry-run.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

# The options of vifs a host is reached with, named as vifs names them.
CONNECTION_ARGS = dict(
    server=dict(type='str', required=True),
    portnumber=dict(type='int'),
    username=dict(type='str'),
    password=dict(type='str', no_log=True),
    thumbprint=dict(type='str'),
    cacertsfile=dict(type='path'),
    credstore=dict(type='path'),
    vifs_path=dict(type='path'),
)


def connection_spec(**more):
    """The argument spec of a module: the connection options plus MORE."""
    spec = dict(CONNECTION_ARGS)
    spec.update(more)
    return spec


class Vifs(object):
    """Runs the vifs binary for MODULE against the host its options name.

    The password goes to vifs in VI_PASSWORD (never on the command line,
    where ps would show it); everything else as vifs's own options.
    """

    def __init__(self, module):
        self.module = module
        p = module.params
        self.binary = p.get('vifs_path') or module.get_bin_path(
            'vifs', required=True)
        self.conn = ['--server', p['server']]
        if p.get('portnumber') is not None:
            self.conn += ['--portnumber', str(p['portnumber'])]
        for name in ('username', 'thumbprint', 'cacertsfile', 'credstore'):
            if p.get(name) is not None:
                self.conn += ['--' + name, p[name]]
        self.env = {'VI_PASSWORD': p['password']} \
            if p.get('password') is not None else {}

    def run(self, family, args, ok=(0,)):
        """Runs `vifs FAMILY <connection> ARGS`; fails the module with
        vifs's own message unless the exit status is in OK.  Returns
        (rc, stdout, stderr)."""
        cmd = [self.binary] + family + self.conn + list(args)
        rc, out, err = self.module.run_command(
            cmd, environ_update=self.env, check_rc=False)
        if rc not in ok:
            self.fail(rc, out, err, cmd)
        return rc, out, err

    def fail(self, rc, out, err, cmd):
        lines = [l for l in (err or out or '').splitlines() if l.strip()]
        msg = ' '.join(lines) if lines else 'vifs exited with %d' % rc
        self.module.fail_json(msg=msg, rc=rc, stdout=out, stderr=err,
                              cmd=' '.join(c for c in cmd))

    def json(self, family, args, ok=(0,)):
        """The JSON document `vifs FAMILY ... ARGS` prints."""
        rc, out, err = self.run(family, args, ok)
        try:
            return rc, json.loads(out)
        except ValueError as e:
            self.module.fail_json(msg='vifs printed no JSON: %s' % e,
                                  rc=rc, stdout=out, stderr=err)

    def edit(self, family, args, result):
        """An edit of the host's esx.conf: `vifs FAMILY --dry-run ARGS`
        gives the unified diff (empty: nothing to do); unless in check
        mode the edit then runs for real, with vifs's backup, conflict
        check and verify.  Sets changed and diff in RESULT."""
        _, diff, _ = self.run(family, ['--dry-run'] + list(args))
        result['changed'] = bool(diff.strip())
        if result['changed'] and self.module._diff:
            result['diff'] = dict(prepared=diff)
        if result['changed'] and not self.module.check_mode:
            _, out, err = self.run(family, args)
            result['stdout'] = out
            result['stderr'] = err
        return result['changed']

    def entries(self, key):
        """The esx.conf entries whose key is KEY (from `conf list -o
        json`), as dicts with line, key, quoted and value."""
        _, doc = self.json(['conf', 'list'], ['--output', 'json', key])
        return [e for e in doc.get('entries', [])
                if e.get('key') == key and 'key_encoding' not in e]
