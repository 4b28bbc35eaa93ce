package dbtest

import (
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// MakeReadOnly makes the file unwritable for this process until the test
// ends: by its mode for an ordinary user, by the immutable attribute for
// root (whom modes do not stop).
func MakeReadOnly(t testing.TB, path string) {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(path, 0o444); err != nil {
			t.Fatal(err)
		}
		return
	}
	const immutable = 0x10 // FS_IMMUTABLE_FL
	setFlags := func(on bool) error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		flags, err := unix.IoctlGetInt(int(f.Fd()), unix.FS_IOC_GETFLAGS)
		if err != nil {
			return err
		}
		if on {
			flags |= immutable
		} else {
			flags &^= immutable
		}
		return unix.IoctlSetPointerInt(int(f.Fd()), unix.FS_IOC_SETFLAGS, flags)
	}
	if err := setFlags(true); err != nil {
		t.Skipf("cannot make %s read-only for root here (the file system has no immutable attribute?): %v", path, err)
	}
	t.Cleanup(func() {
		if err := setFlags(false); err != nil {
			t.Errorf("clearing the immutable attribute of %s: %v", path, err)
		}
	})
}
