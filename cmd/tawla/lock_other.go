//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package main

import "os"

// lockFile takes no lock where flock is missing (Windows, Solaris, AIX):
// Tawla is served from Linux, and is built elsewhere only to develop it, so
// there the operator has to make sure one server serves one file.
func lockFile(*os.File) error { return nil }
