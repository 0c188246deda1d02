//go:build !unix

package benchcpu

func nanos() int64 { return 0 }
