package protocol

import (
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"
)

// nativeLittle reports whether float32 in memory is already the wire's
// little-endian form, so packing is a plain copy.
var nativeLittle = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// Pack appends v as little-endian float32 bytes to dst and returns it.
func Pack(dst []byte, v []float32) []byte {
	if len(v) == 0 {
		return dst
	}
	if nativeLittle {
		return append(dst, unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v))...)
	}
	off := len(dst)
	dst = append(dst, make([]byte, 4*len(v))...)
	b := dst[off:]
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return dst
}

// Unpack decodes packed float32 bytes into dst (grown as needed) and
// returns it. The length must be a multiple of 4.
func Unpack(dst []float32, b []byte) ([]float32, error) {
	if len(b)%4 != 0 {
		return dst, fmt.Errorf("protocol: packed positions: %d bytes is not a multiple of 4", len(b))
	}
	n := len(b) / 4
	if cap(dst) < n {
		dst = make([]float32, n)
	}
	dst = dst[:n]
	if n == 0 {
		return dst, nil
	}
	if nativeLittle {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&dst[0])), len(b)), b)
		return dst, nil
	}
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return dst, nil
}

// PackFrom returns packed positions that fill wrote: fill gets room for
// n float32 and returns how many it wrote. On little-endian machines fill
// writes straight into the returned bytes, with no copy.
func PackFrom(n int, fill func(dst []float32) (int, error)) ([]byte, error) {
	if n <= 0 {
		m, err := fill(nil)
		if err != nil || m == 0 {
			return nil, err
		}
		return nil, fmt.Errorf("protocol: PackFrom: fill wrote %d values into room for 0", m)
	}
	if !nativeLittle {
		v := make([]float32, n)
		m, err := fill(v)
		if err != nil {
			return nil, err
		}
		return Pack(nil, v[:m]), nil
	}
	b := make([]byte, 4*n)
	m, err := fill(unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), n))
	if err != nil {
		return nil, err
	}
	return b[:4*m], nil
}
