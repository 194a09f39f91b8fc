// Gzips stdin onto stdout the way Go programs that push images do, so that tests can check the
// Java models against the real compressors: "std LEVEL" is Go's compress/gzip (docker push),
// "pgzip LEVEL" is klauspost's pgzip with its default block size and count (skopeo, podman).
package main

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/klauspost/pgzip"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gzipper std|pgzip LEVEL < in > out")
		os.Exit(2)
	}
	level, err := strconv.Atoi(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bad level:", err)
		os.Exit(2)
	}
	var w io.WriteCloser
	switch os.Args[1] {
	case "std":
		w, err = gzip.NewWriterLevel(os.Stdout, level)
	case "pgzip":
		w, err = pgzip.NewWriterLevel(os.Stdout, level)
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err == nil {
		_, err = io.Copy(w, os.Stdin)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
