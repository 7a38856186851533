#!/usr/bin/env python3
"""faultsim.py: one simulated ESXi host that misbehaves on purpose.

Serves /host/NAME from DIR/host/NAME over HTTPS on 127.0.0.1 (a free port,
written to DIR/port once listening) with ESXi's Basic auth (user root,
realm "VMware HTTP server", password from $FAULTSIM_PASSWORD): GET and
HEAD give the file, PUT replaces an existing file (204; 404 for a new
name, as ESXi). The faults to inject are read from DIR/faults before every
request, one rule a line:

    METHOD[#N[-[M]]] ACTION

METHOD is GET or PUT; #N applies the rule to the Nth request of that
method only, #N- to the Nth and later ones, #N-M to that range (1-based,
counted since the rules were last changed; no #: every request). The first
matching rule wins. Actions:

    status CODE   answer CODE with a one-line body (PUT: nothing stored)
    reset         PUT: read half of the body, then reset the connection
    store-reset   PUT: store the body, then reset the connection
    truncate      GET: Content-Length 100 bytes longer than the body sent
    stall         GET: headers and half the body, then silence;
                  PUT: read the body, store nothing, never answer
    store-stall   PUT: store the body, then never answer
    change        GET: answer, then change the file as another admin would
    corrupt       PUT: store something other than the body, answer 204
    drip          GET: the headers, then one byte of the body every half
                  second (never a stall, never done: only an overall
                  deadline ends it)
    delay SECS    GET, PUT: wait SECS seconds, then behave (a slow host,
                  to let another client in between)
    redirect URL  GET: answer 302 with Location URL, before any check of
                  the credentials (a host that sends its clients away)
    bigerror MB   GET: answer 500 with an error body of MB megabytes
    biglisting MB GET of any path: answer 200 with MB megabytes of an
                  HTML directory listing (one link a line)

A POST to /sdk holding CurrentTime is answered as a VIM API host would
when its Cookie header carries vmware_soap_session=$FAULTSIM_SESSION (a
time), else with a NotAuthenticated fault; requests carrying that cookie
are authorized like Basic ones. The credentials each request carried (its
Authorization and Cookie headers) are logged to DIR/headers.log as
"METHOD PATH HEADER: VALUE", so a test sees what reached which host.

Every request is logged to DIR/requests.log as "METHOD PATH STATUS ACTION".
The server stops on SIGTERM, when the process --owner PID names exits,
and after --lifetime seconds (default 900), so it never outlives a test.
"""

import argparse
import base64
import http.server
import os
import signal
import socket
import ssl
import struct
import sys
import threading
import time

REALM = "VMware HTTP server"
STALL_SECS = 120
CHANGED_LINE = b'/adv/Misc/ChangedElsewhere = "yes"\n'
CORRUPT_LINE = b'/adv/Misc/StoredWrong = "1"\n'


class Rules:
    """The fault rules of DIR/faults, reloaded when the file changes;
    lines starting with ';' are comments."""

    def __init__(self, path):
        self.path = path
        self.text = None
        self.rules = []
        self.counts = {}
        self.lock = threading.Lock()

    def _load(self):
        try:
            with open(self.path, "rb") as f:
                text = f.read()
        except FileNotFoundError:
            text = b""
        if text == self.text:
            return
        self.text = text
        self.counts = {}
        self.rules = []
        for raw in text.decode("utf-8", "replace").splitlines():
            line = raw.strip()
            if not line or line.startswith(";"):
                continue
            words = line.split()
            if len(words) < 2:
                sys.stderr.write("faultsim: bad rule '%s'\n" % line)
                continue
            sel, action, arg = words[0], words[1], words[2:]
            method, lo, hi = sel, 1, None
            if "#" in sel:
                method, rng = sel.split("#", 1)
                if rng.endswith("-"):
                    lo, hi = int(rng[:-1]), None
                elif "-" in rng:
                    a, b = rng.split("-", 1)
                    lo, hi = int(a), int(b)
                else:
                    lo = hi = int(rng)
            self.rules.append((method.upper(), lo, hi, action, arg))

    def match(self, method):
        """Counts one request of METHOD; returns (action, args) or None."""
        with self.lock:
            self._load()
            n = self.counts.get(method, 0) + 1
            self.counts[method] = n
            for m, lo, hi, action, arg in self.rules:
                if m == method and n >= lo and (hi is None or n <= hi):
                    return action, arg
            return None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "faultsim"
    sys_version = ""

    def log_message(self, fmt, *args):
        pass

    def log(self, status, action):
        line = "%s %s %s %s\n" % (self.command, self.path, status,
                                  action or "-")
        with self.server.log_lock:
            with open(self.server.log_path, "a") as f:
                f.write(line)

    def log_credentials(self):
        with self.server.log_lock:
            with open(self.server.headers_path, "a") as f:
                for name in ("Authorization", "Cookie"):
                    for v in self.headers.get_all(name) or []:
                        f.write("%s %s %s: %s\n" % (self.command, self.path,
                                                     name, v))

    def has_session(self):
        want = "vmware_soap_session=" + self.server.session
        cookies = [c.strip() for h in self.headers.get_all("Cookie") or []
                   for c in h.split(";")]
        return bool(self.server.session) and want in cookies

    def authorized(self):
        want = "Basic " + base64.b64encode(
            ("root:" + self.server.password).encode()).decode()
        return (self.headers.get("Authorization") == want or
                self.has_session())

    def file_path(self):
        path = self.path.split("?", 1)[0]
        if not path.startswith("/host/"):
            return None
        name = path[len("/host/"):]
        if not name or "/" in name or name in (".", ".."):
            return None
        return os.path.join(self.server.root, "host", name)

    def simple(self, code, text, action=None, close=False):
        body = (text + "\n").encode()
        self.send_response(code)
        if code == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="%s"' % REALM)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.log(code, action)

    def reset(self):
        """Ends the connection with a TCP reset."""
        self.wfile.flush()
        sock = self.connection
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                            struct.pack("ii", 1, 0))
        except OSError:
            pass
        raw = sock.detach() if hasattr(sock, "detach") else None
        if raw is not None:
            os.close(raw)
        else:
            sock.close()
        self.close_connection = True

    def stall(self):
        time.sleep(STALL_SECS)
        self.close_connection = True

    def read_body(self, limit=None):
        length = int(self.headers.get("Content-Length", "0"))
        want = length if limit is None else min(limit, length)
        data = b""
        while len(data) < want:
            chunk = self.rfile.read(want - len(data))
            if not chunk:
                break
            data += chunk
        return data, length

    def store(self, path, data):
        tmp = path + ".faultsim-tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        self.log_credentials()
        fault = self.server.rules.match("GET")
        action = fault[0] if fault else None
        if action == "delay":
            time.sleep(float(fault[1][0]))
            action = None
        if action == "redirect":
            self.send_response(302)
            self.send_header("Location", fault[1][0])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return self.log(302, action)
        if not self.authorized():
            return self.simple(401, "authentication required")
        if action == "biglisting":
            return self.big_listing(int(fault[1][0]))
        path = self.file_path()
        if path is None or not os.path.isfile(path):
            return self.simple(404, "not found")
        if action == "status":
            return self.simple(int(fault[1][0]), "injected", action)
        if action == "drip":
            return self.drip(path)
        if action == "bigerror":
            return self.big_error(int(fault[1][0]))
        with open(path, "rb") as f:
            body = f.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        extra = 100 if action == "truncate" else 0
        self.send_header("Content-Length", str(len(body) + extra))
        if action in ("truncate", "stall"):
            self.send_header("Connection", "close")
        self.end_headers()
        self.log(200, action)
        if self.command == "HEAD":
            return
        if action == "stall":
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            return self.stall()
        self.wfile.write(body)
        self.wfile.flush()
        if action == "truncate":
            self.close_connection = True
        elif action == "change":
            self.store(path, body + CHANGED_LINE)

    def big_error(self, mb):
        """A 500 whose body is MB megabytes of text, sent until the
        client hangs up."""
        self.send_response(500)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(mb << 20))
        self.end_headers()
        line = b"internal error, and more of it\n" * 32768
        sent = 0
        try:
            while sent < mb << 20:
                n = min(len(line), (mb << 20) - sent)
                self.wfile.write(line[:n])
                sent += n
        except OSError:
            pass
        self.close_connection = True
        self.log(500, "bigerror %d" % sent)

    def drip(self, path):
        with open(path, "rb") as f:
            body = f.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.log(200, "drip")
        try:
            for i in range(len(body)):
                self.wfile.write(body[i:i + 1])
                self.wfile.flush()
                time.sleep(0.5)
        except OSError:
            pass
        self.close_connection = True

    def big_listing(self, mb):
        """A 200 listing of MB megabytes, sent until the client hangs
        up."""
        total = mb << 20
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(total))
        self.end_headers()
        chunk = b"".join(b'<a href="f%07d.vmdk">f%07d.vmdk</a>\n' % (i, i)
                         for i in range(20000))
        sent = 0
        try:
            while sent < total:
                n = min(len(chunk), total - sent)
                self.wfile.write(chunk[:n])
                sent += n
        except OSError:
            pass
        self.close_connection = True
        self.log(200, "biglisting %d" % sent)

    def do_POST(self):
        """VIM API: CurrentTime only, the check of a resumed session."""
        self.log_credentials()
        body, _ = self.read_body()
        if not self.path.startswith("/sdk") or b"CurrentTime" not in body:
            return self.simple(405, "method not allowed")
        if self.has_session():
            inner = ("<CurrentTimeResponse xmlns=\"urn:vim25\"><returnval>"
                     "2026-01-01T00:00:00Z</returnval></CurrentTimeResponse>")
            code = 200
        else:
            inner = ("<soapenv:Fault><faultcode>ServerFaultCode</faultcode>"
                     "<faultstring>The session is not authenticated."
                     "</faultstring><detail><NotAuthenticatedFault "
                     "xmlns=\"urn:vim25\" xsi:type=\"NotAuthenticated\"/>"
                     "</detail></soapenv:Fault>")
            code = 500
        out = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/"
               "soap/envelope/\" xmlns:xsi=\"http://www.w3.org/2001/"
               "XMLSchema-instance\"><soapenv:Body>%s</soapenv:Body>"
               "</soapenv:Envelope>" % inner).encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)
        self.log(code, "soap")

    def do_PUT(self):
        self.log_credentials()
        if not self.authorized():
            self.read_body()
            return self.simple(401, "authentication required")
        path = self.file_path()
        fault = self.server.rules.match("PUT")
        action = fault[0] if fault else None
        if action == "delay":
            time.sleep(float(fault[1][0]))
            action = None
        if action == "reset":
            length = int(self.headers.get("Content-Length", "0"))
            self.read_body(limit=max(1, length // 2))
            self.log("reset", action)
            return self.reset()
        data, _ = self.read_body()
        if path is None or not os.path.isfile(path):
            return self.simple(404, "not found")
        if action == "status":
            return self.simple(int(fault[1][0]), "injected fault", action)
        if action == "stall":
            self.log("stall", action)
            return self.stall()
        if action == "corrupt":
            self.store(path, data + CORRUPT_LINE)
        else:
            self.store(path, data)
        if action == "store-reset":
            self.log("reset", action)
            return self.reset()
        if action == "store-stall":
            self.log("stall", action)
            return self.stall()
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()
        self.log(204, action)

    def do_DELETE(self):
        self.simple(405, "method not allowed")



class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def watch(owner, lifetime):
    start = time.monotonic()
    while time.monotonic() - start < lifetime:
        if owner:
            try:
                os.kill(owner, 0)
            except ProcessLookupError:
                break
        time.sleep(0.5)
    os._exit(0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--owner", type=int, default=0)
    ap.add_argument("--lifetime", type=float, default=900)
    o = ap.parse_args()

    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    signal.signal(signal.SIGINT, lambda *a: os._exit(0))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(o.cert, o.key)
    srv = Server(("127.0.0.1", 0), Handler)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True,
                                 do_handshake_on_connect=False)
    srv.root = o.dir
    srv.password = os.environ.get("FAULTSIM_PASSWORD", "")
    srv.rules = Rules(os.path.join(o.dir, "faults"))
    srv.session = os.environ.get("FAULTSIM_SESSION", "")
    srv.log_path = os.path.join(o.dir, "requests.log")
    srv.headers_path = os.path.join(o.dir, "headers.log")
    srv.log_lock = threading.Lock()
    threading.Thread(target=watch, args=(o.owner, o.lifetime),
                     daemon=True).start()
    port = srv.server_address[1]
    tmp = os.path.join(o.dir, "port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, os.path.join(o.dir, "port"))
    srv.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    sys.exit(main())
