// firmware.go - a HostFirmwareSystem for the simulated ESXi host, which
// Debian's govmomi simulator lacks, modelled on the VIM API reference
// (HostFirmwareSystem, pyvmomi docs/vim/host/FirmwareSystem.rst):
//
//	BackupFirmwareConfiguration()  returns "http://*/downloads/ID/
//	                               configBundle-HOST.tgz", served over
//	                               the simulator's own port until the
//	                               next backup
//	QueryFirmwareConfigUploadURL() returns "http://*/tmp/configBundle.tgz",
//	                               where a PUT stores the bundle
//	RestoreFirmwareConfiguration(force)
//	                               InvalidState unless the host is in
//	                               maintenance mode, FileNotFound before an
//	                               upload, InvalidBundle when the upload is
//	                               no gzip-compressed tar holding
//	                               Manifest.txt; MismatchedBundle when its
//	                               Manifest.txt names another host (UUID)
//	                               or build (BUILD) than the bundle the
//	                               host started with, unless force ("Forces
//	                               application of the configuration even if
//	                               the bundle is mismatched"); else the
//	                               bundle becomes the host's configuration
//	SyncFirmwareConfiguration()    hostd's method (vim-cmd
//	                               hostsvc/firmware/sync_config), not in
//	                               the public WSDL; counts the syncs;
//	                               answers after -sync-delay
//
// The host also serves /host/esx.conf (GET and PUT, HTTP Basic auth as
// ESXi's file service; a GET answers after -esxconf-delay), and GET /vcsim/firmware reports
// "syncs=N backups=N restores=N" for the tests.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// SyncFirmwareConfiguration is hostd's request, absent from govmomi.
type SyncFirmwareConfiguration struct {
	This types.ManagedObjectReference `xml:"_this"`
}

type SyncFirmwareConfigurationResponse struct{}

type syncFirmwareConfigurationBody struct {
	Res    *SyncFirmwareConfigurationResponse `xml:"SyncFirmwareConfigurationResponse,omitempty"`
	Fault_ *soap.Fault                        `xml:"http://schemas.xmlsoap.org/soap/envelope/ Fault,omitempty"`
}

func (b *syncFirmwareConfigurationBody) Fault() *soap.Fault { return b.Fault_ }

func init() {
	types.Add("SyncFirmwareConfiguration",
		reflect.TypeOf((*SyncFirmwareConfiguration)(nil)).Elem())
}

type firmwareState struct {
	mu        sync.Mutex
	bundle    []byte // the host's configuration, as a bundle
	identity  []byte // the bundle it started with: its UUID and build
	download  string // path of the current backup, or ""
	uploaded  []byte // the last PUT to the upload URL, or nil
	esxconf   []byte
	syncFail  bool
	syncDelay time.Duration
	// esxconfDelay: a GET of /host/esx.conf answers after this long
	esxconfDelay time.Duration
	backupURL    string // answer of BackupFirmwareConfiguration, or ""
	syncs        int
	backups      int
	restores     int
	user         string
	password     string
	hostName     string
	hostMoref    types.ManagedObjectReference
}

// HostFirmwareSystem is the managed object "ha-firmwareSystem".
type HostFirmwareSystem struct {
	mo.HostFirmwareSystem
	st *firmwareState
}

func (f *HostFirmwareSystem) SyncFirmwareConfiguration(req *SyncFirmwareConfiguration) soap.HasFault {
	body := &syncFirmwareConfigurationBody{}
	time.Sleep(f.st.syncDelay)
	f.st.mu.Lock()
	defer f.st.mu.Unlock()
	if f.st.syncFail {
		body.Fault_ = simulator.Fault("cannot write the configuration to the boot device",
			&types.SystemError{Reason: "bootbank not writable"})
		return body
	}
	f.st.syncs++
	body.Res = &SyncFirmwareConfigurationResponse{}
	return body
}

func (f *HostFirmwareSystem) BackupFirmwareConfiguration(req *types.BackupFirmwareConfiguration) soap.HasFault {
	id := make([]byte, 8)
	_, _ = rand.Read(id)
	f.st.mu.Lock()
	defer f.st.mu.Unlock()
	f.st.backups++
	f.st.download = fmt.Sprintf("/downloads/%s/configBundle-%s.tgz",
		hex.EncodeToString(id), f.st.hostName)
	url := "http://*" + f.st.download
	if f.st.backupURL != "" {
		url = f.st.backupURL
	}
	return &methodsBackupBody{Res: &types.BackupFirmwareConfigurationResponse{
		Returnval: url}}
}

func (f *HostFirmwareSystem) QueryFirmwareConfigUploadURL(req *types.QueryFirmwareConfigUploadURL) soap.HasFault {
	return &methodsUploadBody{Res: &types.QueryFirmwareConfigUploadURLResponse{
		Returnval: "http://*/tmp/configBundle.tgz"}}
}

func (f *HostFirmwareSystem) RestoreFirmwareConfiguration(req *types.RestoreFirmwareConfiguration) soap.HasFault {
	body := &methodsRestoreBody{}
	host := simulator.Map.Get(f.st.hostMoref).(*simulator.HostSystem)
	f.st.mu.Lock()
	defer f.st.mu.Unlock()
	switch {
	case !host.Runtime.InMaintenanceMode:
		body.Fault_ = simulator.Fault("the host is not in maintenance mode",
			&types.InvalidState{})
	case f.st.uploaded == nil:
		body.Fault_ = simulator.Fault("no bundle was uploaded",
			&types.FileNotFound{FileFault: types.FileFault{File: "/tmp/configBundle.tgz"}})
	case !validBundle(f.st.uploaded):
		body.Fault_ = simulator.Fault("the bundle is not valid",
			&types.InvalidBundle{})
	case !req.Force && mismatched(f.st.uploaded, f.st.identity) != nil:
		body.Fault_ = simulator.Fault("the bundle was made for another host or build",
			mismatched(f.st.uploaded, f.st.identity))
	default:
		f.st.bundle = f.st.uploaded
		f.st.uploaded = nil
		f.st.restores++
		body.Res = &types.RestoreFirmwareConfigurationResponse{}
	}
	return body
}

type methodsBackupBody struct {
	Res    *types.BackupFirmwareConfigurationResponse `xml:"BackupFirmwareConfigurationResponse,omitempty"`
	Fault_ *soap.Fault                                `xml:"http://schemas.xmlsoap.org/soap/envelope/ Fault,omitempty"`
}

func (b *methodsBackupBody) Fault() *soap.Fault { return b.Fault_ }

type methodsUploadBody struct {
	Res    *types.QueryFirmwareConfigUploadURLResponse `xml:"QueryFirmwareConfigUploadURLResponse,omitempty"`
	Fault_ *soap.Fault                                 `xml:"http://schemas.xmlsoap.org/soap/envelope/ Fault,omitempty"`
}

func (b *methodsUploadBody) Fault() *soap.Fault { return b.Fault_ }

type methodsRestoreBody struct {
	Res    *types.RestoreFirmwareConfigurationResponse `xml:"RestoreFirmwareConfigurationResponse,omitempty"`
	Fault_ *soap.Fault                                 `xml:"http://schemas.xmlsoap.org/soap/envelope/ Fault,omitempty"`
}

func (b *methodsRestoreBody) Fault() *soap.Fault { return b.Fault_ }

// manifest: the UUID and BUILD lines of a bundle's Manifest.txt ("" and 0
// when it has none).
func manifest(b []byte) (string, int32) {
	z, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return "", 0
	}
	t := tar.NewReader(z)
	for {
		h, err := t.Next()
		if err != nil {
			return "", 0
		}
		if h.Name != "Manifest.txt" {
			continue
		}
		text, _ := io.ReadAll(t)
		uuid, build := "", int32(0)
		for _, l := range strings.Split(string(text), "\n") {
			if strings.HasPrefix(l, "UUID=") {
				uuid = strings.TrimPrefix(l, "UUID=")
			} else if strings.HasPrefix(l, "BUILD=") {
				n, _ := strconv.Atoi(strings.TrimPrefix(l, "BUILD="))
				build = int32(n)
			}
		}
		return uuid, build
	}
}

// mismatched: the fault of a bundle made for another host or build than
// the host's own bundle, or nil (also when the host has none to compare).
func mismatched(uploaded, own []byte) *types.MismatchedBundle {
	if own == nil {
		return nil
	}
	bu, bb := manifest(uploaded)
	hu, hb := manifest(own)
	if bu == hu && bb == hb {
		return nil
	}
	return &types.MismatchedBundle{BundleUuid: bu, HostUuid: hu,
		BundleBuildNumber: bb, HostBuildNumber: hb}
}

// validBundle: a gzip-compressed tar holding Manifest.txt and state.tgz.
func validBundle(b []byte) bool {
	z, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return false
	}
	t := tar.NewReader(z)
	seen := map[string]bool{}
	for {
		h, err := t.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return false
		}
		seen[h.Name] = true
	}
	return seen["Manifest.txt"] && seen["state.tgz"]
}

func (st *firmwareState) basicOK(r *http.Request) bool {
	u, p, ok := r.BasicAuth()
	return ok && u == st.user && p == st.password
}

// serve adds the firmware's HTTP endpoints to MUX.
func (st *firmwareState) serve(mux *http.ServeMux) {
	mux.HandleFunc("/downloads/", func(w http.ResponseWriter, r *http.Request) {
		st.mu.Lock()
		defer st.mu.Unlock()
		if r.Method != http.MethodGet || st.download == "" || r.URL.Path != st.download {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(st.bundle)
	})
	mux.HandleFunc("/tmp/configBundle.tgz", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPut {
			http.Error(w, "PUT only", http.StatusMethodNotAllowed)
			return
		}
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		st.mu.Lock()
		st.uploaded = b
		st.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
	})
	mux.HandleFunc("/host/esx.conf", func(w http.ResponseWriter, r *http.Request) {
		if !st.basicOK(r) {
			w.Header().Set("WWW-Authenticate", `Basic realm="VMware HTTP server"`)
			http.Error(w, "authorization required", http.StatusUnauthorized)
			return
		}
		if r.Method == http.MethodGet {
			time.Sleep(st.esxconfDelay)
		}
		st.mu.Lock()
		defer st.mu.Unlock()
		switch r.Method {
		case http.MethodGet:
			_, _ = w.Write(st.esxconf)
		case http.MethodPut:
			b, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			st.esxconf = b
			w.WriteHeader(http.StatusOK)
		default:
			http.Error(w, "GET or PUT", http.StatusMethodNotAllowed)
		}
	})
	mux.HandleFunc("/vcsim/firmware", func(w http.ResponseWriter, r *http.Request) {
		st.mu.Lock()
		defer st.mu.Unlock()
		fmt.Fprintf(w, "syncs=%d backups=%d restores=%d\n", st.syncs, st.backups, st.restores)
	})
}

// addFirmware registers the HostFirmwareSystem of the model's one host and
// puts that host in maintenance mode when asked.
func addFirmware(st *firmwareState, bundleFile, esxconfFile string, maintenance bool) error {
	var err error
	if bundleFile != "" {
		if st.bundle, err = os.ReadFile(bundleFile); err != nil {
			return err
		}
		st.identity = st.bundle
	}
	if esxconfFile != "" {
		if st.esxconf, err = os.ReadFile(esxconfFile); err != nil {
			return err
		}
	}
	host := simulator.Map.Any("HostSystem").(*simulator.HostSystem)
	st.hostName = host.Name
	st.hostMoref = host.Self
	host.Runtime.InMaintenanceMode = maintenance
	ref := host.ConfigManager.FirmwareSystem
	if ref == nil {
		ref = &types.ManagedObjectReference{Type: "HostFirmwareSystem", Value: "ha-firmwareSystem"}
		host.ConfigManager.FirmwareSystem = ref
	}
	fw := &HostFirmwareSystem{st: st}
	fw.Self = *ref
	simulator.Map.Put(fw)
	return nil
}
