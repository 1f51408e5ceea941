//go:build pprof

package main

import (
	"log"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof on http.DefaultServeMux
	"os"
)

// A binary built with -tags pprof serves Go's profiles on the loopback
// address TAWLA_PPROF names (e.g. 127.0.0.1:6060), apart from the
// application's own listener, for profiling a benchmark's server. The
// default build has none of this.
func init() {
	addr := os.Getenv("TAWLA_PPROF")
	if addr == "" {
		return
	}
	go func() { log.Println(http.ListenAndServe(addr, nil)) }()
}
