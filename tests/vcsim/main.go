// Command vcsim runs govmomi's vSphere simulator as one standalone ESXi host
// (datacenter "ha-datacenter", datastore "LocalDS_0") on a loopback TLS port
// for the integration tests. It prints shell-sourceable VCSIM_* lines on
// stdout once the server accepts connections and runs until SIGTERM or
// SIGINT.
package main

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/vmware/govmomi/simulator"
)

// thumbprint formats a digest as ESXi shows thumbprints: upper-case hex
// bytes separated by colons.
func thumbprint(sum []byte) string {
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

// quote makes s safe to source from a POSIX shell.
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func run() error {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on")
	certFile := flag.String("cert", "", "PEM certificate of the server")
	keyFile := flag.String("key", "", "PEM private key of the server")
	user := flag.String("user", "root", "user name accepted by Login")
	pass := flag.String("password", os.Getenv("VCSIM_LOGIN_PASSWORD"),
		"password accepted by Login (default $VCSIM_LOGIN_PASSWORD, "+
			"which keeps it out of the process list)")
	bundle := flag.String("bundle", "", "configuration bundle the host's "+
		"BackupFirmwareConfiguration hands out")
	esxconf := flag.String("esxconf", "", "the host's /host/esx.conf")
	maintenance := flag.Bool("maintenance", false, "start in maintenance mode")
	syncFail := flag.Bool("sync-fail", false, "SyncFirmwareConfiguration fails")
	backupURL := flag.String("backup-url", "", "URL BackupFirmwareConfiguration "+
		"returns instead of its own")
	syncDelay := flag.Duration("sync-delay", 0, "SyncFirmwareConfiguration "+
		"answers after this long (a slow host)")
	esxconfDelay := flag.Duration("esxconf-delay", 0, "a GET of /host/esx.conf "+
		"answers after this long")
	flag.Parse()

	if *certFile == "" || *keyFile == "" || *pass == "" {
		return fmt.Errorf("-cert, -key and a password are required")
	}
	cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
	if err != nil {
		return fmt.Errorf("loading certificate: %v", err)
	}

	model := simulator.ESX()
	if err := model.Create(); err != nil {
		return fmt.Errorf("creating the ESX model: %v", err)
	}
	defer model.Remove()

	fw := &firmwareState{user: *user, password: *pass, syncFail: *syncFail,
		backupURL: *backupURL, syncDelay: *syncDelay,
		esxconfDelay: *esxconfDelay}
	if err := addFirmware(fw, *bundle, *esxconf, *maintenance); err != nil {
		return fmt.Errorf("firmware: %v", err)
	}

	model.Service.Listen = &url.URL{
		Host: *listen,
		User: url.UserPassword(*user, *pass),
	}
	model.Service.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	server := model.Service.NewServer()
	defer server.Close()
	fw.serve(model.Service.ServeMux)

	der := cert.Certificate[0]
	sum1 := sha1.Sum(der)
	sum256 := sha256.Sum256(der)
	u := *server.URL
	u.User = nil
	fmt.Printf("VCSIM_URL=%s\n", quote(u.String()))
	fmt.Printf("VCSIM_HOSTPORT=%s\n", quote(u.Host))
	fmt.Printf("VCSIM_PORT=%s\n", quote(u.Port()))
	fmt.Printf("VCSIM_USERNAME=%s\n", quote(*user))
	fmt.Printf("VCSIM_PASSWORD=%s\n", quote(*pass))
	fmt.Printf("VCSIM_THUMBPRINT_SHA1=%s\n", thumbprint(sum1[:]))
	fmt.Printf("VCSIM_THUMBPRINT_SHA256=%s\n", thumbprint(sum256[:]))
	fmt.Printf("VCSIM_PID=%d\n", os.Getpid())
	fmt.Println("VCSIM_READY=1")

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "vcsim: %v\n", err)
		os.Exit(1)
	}
}
