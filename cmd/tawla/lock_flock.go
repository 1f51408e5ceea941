//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package main

import (
	"errors"
	"os"
	"syscall"
)

// lockFile takes an exclusive flock on f without waiting; it returns
// errDataLocked when another open file holds it. A flock belongs to the
// open file, not the process, so a second lockData in the same process is
// refused too, and the lock ends with the descriptor or the process.
func lockFile(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errDataLocked
	}
	return err
}
