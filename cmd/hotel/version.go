package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = "dev"

func printVersion(w io.Writer) error {
	rev, modified := "unknown", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					modified = "+dirty"
				}
			}
		}
	}
	_, err := fmt.Fprintf(w, "hotel %s (revision %s%s, %s %s/%s)\n", version, rev, modified, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return err
}
