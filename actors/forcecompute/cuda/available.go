//go:build cuda

package cuda

/*
#include "forcecompute.h"
*/
import "C"

import (
	"errors"
	"runtime"
)

// Available reports whether a CUDA device can be used and, if not, why,
// in CUDA's words (e.g. "cuda: cudaGetDeviceCount: no CUDA-capable device
// is detected").
func Available() (ok bool, reason string) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := probe(); err != nil {
		return false, err.Error()
	}
	return true, ""
}

// probe asks the driver for a device.
func probe() error {
	var count C.int
	if err := codeError("cudaGetDeviceCount", C.fc_device_count(&count)); err != nil {
		return err
	}
	if count == 0 {
		return errors.New("cuda: cudaGetDeviceCount: no CUDA device found")
	}
	return nil
}

// DeviceName describes device 0, e.g. "NVIDIA H100 (sm_90, 79.1 GiB)".
func DeviceName() (string, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var buf [256]C.char
	if err := codeError("cudaGetDeviceProperties", C.fc_device_name(&buf[0], C.int(len(buf)))); err != nil {
		return "", err
	}
	return C.GoString(&buf[0]), nil
}
