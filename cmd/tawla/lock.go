package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// dataLock is an exclusive lock on a data file, held by the process that
// serves it (or fills it, for demo) until Release. Two servers on one file
// would each keep their own co-editing rooms in memory and fail each
// other's users with conflicts, so the second one must not start.
//
// The lock is taken on a file beside the database, DATA.lock, and never on
// the database itself: SQLite locks the database with POSIX locks, which a
// process loses as soon as it closes any descriptor of that file. The lock
// file holds the process id of its holder, so that a refusal can name it.
// It stays after the holder exits: its presence means nothing, only the
// lock on it does, and the kernel releases that lock when the process dies.
type dataLock struct {
	file *os.File
}

// errDataLocked is what lockFile returns when another open file holds the
// lock; lockData turns it into a message that names the holder.
var errDataLocked = errors.New("data file locked")

// lockFileName returns the lock file of the database file data.
func lockFileName(data string) string { return data + ".lock" }

// lockData takes the exclusive lock of the database file data without
// waiting. When another process holds it, the error says which file is in
// use and, if the lock file tells, by which process.
func lockData(data string) (*dataLock, error) {
	name := lockFileName(data)
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", data, err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if !errors.Is(err, errDataLocked) {
			return nil, fmt.Errorf("lock %s: %w", data, err)
		}
		holder := "another process"
		if pid := readLockHolder(name); pid > 0 {
			holder = "another tawla (pid " + strconv.Itoa(pid) + ")"
		}
		return nil, fmt.Errorf("%s is in use by %s: stop it first, or give another -data file (lock: %s)",
			data, holder, name)
	}
	// The holder's pid is written only once the lock is held, so that a
	// refused process never overwrites it.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &dataLock{file: f}, nil
}

// readLockHolder returns the process id written in the lock file name, or
// 0 when it cannot tell (a lock file of another user, or being rewritten).
func readLockHolder(name string) int {
	b, err := os.ReadFile(name)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}

// Release lets another process take the lock. It leaves the lock file in
// place: removing it would let a process that opened it just before lock
// a file that no one else sees any more. Release on nil does nothing.
func (l *dataLock) Release() error {
	if l == nil || l.file == nil {
		return nil
	}
	err := l.file.Close() // closing the descriptor releases the lock
	l.file = nil
	return err
}
