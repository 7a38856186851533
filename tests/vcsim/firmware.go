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
//	                               Manifest.txt; else the bundle becomes
//	                               the host's configuration
//	SyncFirmwareConfiguration()    hostd's method (vim-cmd
//	                               hostsvc/firmware/sync_config), not in
//	                               the public WSDL; counts the syncs
//
// The host also serves /host/esx.conf (GET and PUT, HTTP Basic auth as
// ESXi's file service), and GET /vcsim/firmware reports
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
	"sync"

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
	download  string // path of the current backup, or ""
	uploaded  []byte // the last PUT to the upload URL, or nil
	esxconf   []byte
	syncFail  bool
	backupURL string // answer of BackupFirmwareConfiguration, or ""
	syncs     int
	backups   int
	restores  int
	user      string
	password  string
	hostName  string
	hostMoref types.ManagedObjectReference
}

// HostFirmwareSystem is the managed object "ha-firmwareSystem".
type HostFirmwareSystem struct {
	mo.HostFirmwareSystem
	st *firmwareState
}

func (f *HostFirmwareSystem) SyncFirmwareConfiguration(req *SyncFirmwareConfiguration) soap.HasFault {
	body := &syncFirmwareConfigurationBody{}
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
