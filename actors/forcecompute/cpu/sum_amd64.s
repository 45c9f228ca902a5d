#include "textflag.h"

DATA three<>+0(SB)/4, $3.0
GLOBL three<>(SB), RODATA|NOPTR, $4
DATA half<>+0(SB)/4, $0.5
GLOBL half<>(SB), RODATA|NOPTR, $4
DATA two<>+0(SB)/4, $2.0
GLOBL two<>(SB), RODATA|NOPTR, $4

// func sum3AVX(xs, ys, zs, ms *float32, n int, px, py, pz, eps2 float32) (fx, fy, fz float32)
// n is a positive multiple of 8. Lane j sums terms j, j+8, ...; the eight
// lanes are then added pairwise. 1/sqrt(q) is VRSQRTPS refined by one
// Newton step (relative error about 1e-6 against float32 sqrt and divide).
TEXT ·sum3AVX(SB), NOSPLIT, $0-68
	MOVQ xs+0(FP), SI
	MOVQ ys+8(FP), DI
	MOVQ zs+16(FP), R8
	MOVQ ms+24(FP), R9
	MOVQ n+32(FP), CX
	VBROADCASTSS px+40(FP), Y0
	VBROADCASTSS py+44(FP), Y1
	VBROADCASTSS pz+48(FP), Y2
	VBROADCASTSS eps2+52(FP), Y3
	VBROADCASTSS three<>(SB), Y12
	VBROADCASTSS half<>(SB), Y13
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	XORQ AX, AX

loop3:
	VSUBPS (SI)(AX*4), Y0, Y7   // dx = px - x
	VSUBPS (DI)(AX*4), Y1, Y8   // dy
	VSUBPS (R8)(AX*4), Y2, Y9   // dz
	VMULPS Y7, Y7, Y10
	VMULPS Y8, Y8, Y11
	VADDPS Y11, Y10, Y10
	VMULPS Y9, Y9, Y11
	VADDPS Y11, Y10, Y10
	VADDPS Y3, Y10, Y10         // q = |r|^2 + eps2
	VRSQRTPS Y10, Y11           // r ~ 1/sqrt(q), 12 bits
	VMULPS Y11, Y10, Y10        // q*r
	VMULPS Y11, Y10, Y10        // q*r*r
	VSUBPS Y10, Y12, Y10        // 3 - q*r*r
	VMULPS Y13, Y11, Y11        // r/2
	VMULPS Y10, Y11, Y11        // r' = r/2 * (3 - q*r*r): one Newton step
	VMULPS Y11, Y11, Y10        // r'^2
	VMULPS (R9)(AX*4), Y11, Y11 // m*r'
	VMULPS Y10, Y11, Y11        // f = m * r'^3
	VMULPS Y11, Y7, Y7
	VADDPS Y7, Y4, Y4
	VMULPS Y11, Y8, Y8
	VADDPS Y8, Y5, Y5
	VMULPS Y11, Y9, Y9
	VADDPS Y9, Y6, Y6
	ADDQ $8, AX
	CMPQ AX, CX
	JLT  loop3

	VEXTRACTF128 $1, Y4, X7
	VADDPS X7, X4, X4
	VHADDPS X4, X4, X4
	VHADDPS X4, X4, X4
	MOVSS X4, fx+56(FP)
	VEXTRACTF128 $1, Y5, X7
	VADDPS X7, X5, X5
	VHADDPS X5, X5, X5
	VHADDPS X5, X5, X5
	MOVSS X5, fy+60(FP)
	VEXTRACTF128 $1, Y6, X7
	VADDPS X7, X6, X6
	VHADDPS X6, X6, X6
	VHADDPS X6, X6, X6
	MOVSS X6, fz+64(FP)
	VZEROUPPER
	RET

// func sum2AVX(xs, ys, ms *float32, n int, px, py, eps2 float32) (fx, fy float32)
TEXT ·sum2AVX(SB), NOSPLIT, $0-56
	MOVQ xs+0(FP), SI
	MOVQ ys+8(FP), DI
	MOVQ ms+16(FP), R9
	MOVQ n+24(FP), CX
	VBROADCASTSS px+32(FP), Y0
	VBROADCASTSS py+36(FP), Y1
	VBROADCASTSS eps2+40(FP), Y3
	VBROADCASTSS two<>(SB), Y12
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	XORQ AX, AX

loop2:
	VSUBPS (SI)(AX*4), Y0, Y7   // dx = px - x
	VSUBPS (DI)(AX*4), Y1, Y8   // dy
	VMULPS Y7, Y7, Y10
	VMULPS Y8, Y8, Y11
	VADDPS Y11, Y10, Y10
	VADDPS Y3, Y10, Y10         // q = |r|^2 + eps2
	VRCPPS Y10, Y11             // r ~ 1/q, 12 bits
	VMULPS Y11, Y10, Y10        // q*r
	VSUBPS Y10, Y12, Y10        // 2 - q*r
	VMULPS Y10, Y11, Y11        // r' = r * (2 - q*r): one Newton step
	VMULPS (R9)(AX*4), Y11, Y11 // f = m * r'
	VMULPS Y11, Y7, Y7
	VADDPS Y7, Y4, Y4
	VMULPS Y11, Y8, Y8
	VADDPS Y8, Y5, Y5
	ADDQ $8, AX
	CMPQ AX, CX
	JLT  loop2

	VEXTRACTF128 $1, Y4, X7
	VADDPS X7, X4, X4
	VHADDPS X4, X4, X4
	VHADDPS X4, X4, X4
	MOVSS X4, fx+48(FP)
	VEXTRACTF128 $1, Y5, X7
	VADDPS X7, X5, X5
	VHADDPS X5, X5, X5
	VHADDPS X5, X5, X5
	MOVSS X5, fy+52(FP)
	VZEROUPPER
	RET

// func sum3AVX512(xs, ys, zs, ms *float32, n int, px, py, pz, eps2 float32) (fx, fy, fz float32)
// sum3AVX with 16 lanes and fused multiply-adds; n is a positive multiple
// of 16.
TEXT ·sum3AVX512(SB), NOSPLIT, $0-68
	MOVQ xs+0(FP), SI
	MOVQ ys+8(FP), DI
	MOVQ zs+16(FP), R8
	MOVQ ms+24(FP), R9
	MOVQ n+32(FP), CX
	VBROADCASTSS px+40(FP), Z0
	VBROADCASTSS py+44(FP), Z1
	VBROADCASTSS pz+48(FP), Z2
	VBROADCASTSS eps2+52(FP), Z3
	VBROADCASTSS three<>(SB), Z12
	VBROADCASTSS half<>(SB), Z13
	VXORPS Z4, Z4, Z4
	VXORPS Z5, Z5, Z5
	VXORPS Z6, Z6, Z6
	XORQ AX, AX

loop3z:
	VSUBPS (SI)(AX*4), Z0, Z7   // dx = px - x
	VSUBPS (DI)(AX*4), Z1, Z8   // dy
	VSUBPS (R8)(AX*4), Z2, Z9   // dz
	VMOVAPS Z3, Z10
	VFMADD231PS Z7, Z7, Z10     // eps2 + dx*dx
	VFMADD231PS Z8, Z8, Z10
	VFMADD231PS Z9, Z9, Z10     // q = |r|^2 + eps2
	VRSQRT14PS Z10, Z11         // r ~ 1/sqrt(q), 14 bits
	VMULPS Z11, Z10, Z10        // q*r
	VFNMADD213PS Z12, Z11, Z10  // 3 - q*r*r
	VMULPS Z13, Z11, Z11        // r/2
	VMULPS Z10, Z11, Z11        // r' = r/2 * (3 - q*r*r): one Newton step
	VMULPS Z11, Z11, Z10        // r'^2
	VMULPS (R9)(AX*4), Z11, Z11 // m*r'
	VMULPS Z10, Z11, Z11        // f = m * r'^3
	VFMADD231PS Z11, Z7, Z4     // fx += dx*f
	VFMADD231PS Z11, Z8, Z5
	VFMADD231PS Z11, Z9, Z6
	ADDQ $16, AX
	CMPQ AX, CX
	JLT  loop3z

	VEXTRACTF32X8 $1, Z4, Y7
	VADDPS Y7, Y4, Y4
	VEXTRACTF128 $1, Y4, X7
	VADDPS X7, X4, X4
	VHADDPS X4, X4, X4
	VHADDPS X4, X4, X4
	MOVSS X4, fx+56(FP)
	VEXTRACTF32X8 $1, Z5, Y7
	VADDPS Y7, Y5, Y5
	VEXTRACTF128 $1, Y5, X7
	VADDPS X7, X5, X5
	VHADDPS X5, X5, X5
	VHADDPS X5, X5, X5
	MOVSS X5, fy+60(FP)
	VEXTRACTF32X8 $1, Z6, Y7
	VADDPS Y7, Y6, Y6
	VEXTRACTF128 $1, Y6, X7
	VADDPS X7, X6, X6
	VHADDPS X6, X6, X6
	VHADDPS X6, X6, X6
	MOVSS X6, fz+64(FP)
	VZEROUPPER
	RET

// func sum2AVX512(xs, ys, ms *float32, n int, px, py, eps2 float32) (fx, fy float32)
// sum2AVX with 16 lanes and fused multiply-adds; n is a positive multiple
// of 16.
TEXT ·sum2AVX512(SB), NOSPLIT, $0-56
	MOVQ xs+0(FP), SI
	MOVQ ys+8(FP), DI
	MOVQ ms+16(FP), R9
	MOVQ n+24(FP), CX
	VBROADCASTSS px+32(FP), Z0
	VBROADCASTSS py+36(FP), Z1
	VBROADCASTSS eps2+40(FP), Z3
	VBROADCASTSS two<>(SB), Z12
	VXORPS Z4, Z4, Z4
	VXORPS Z5, Z5, Z5
	XORQ AX, AX

loop2z:
	VSUBPS (SI)(AX*4), Z0, Z7   // dx = px - x
	VSUBPS (DI)(AX*4), Z1, Z8   // dy
	VMOVAPS Z3, Z10
	VFMADD231PS Z7, Z7, Z10     // eps2 + dx*dx
	VFMADD231PS Z8, Z8, Z10     // q = |r|^2 + eps2
	VRCP14PS Z10, Z11           // r ~ 1/q, 14 bits
	VFNMADD213PS Z12, Z11, Z10  // 2 - q*r
	VMULPS Z10, Z11, Z11        // r' = r * (2 - q*r): one Newton step
	VMULPS (R9)(AX*4), Z11, Z11 // f = m * r'
	VFMADD231PS Z11, Z7, Z4     // fx += dx*f
	VFMADD231PS Z11, Z8, Z5
	ADDQ $16, AX
	CMPQ AX, CX
	JLT  loop2z

	VEXTRACTF32X8 $1, Z4, Y7
	VADDPS Y7, Y4, Y4
	VEXTRACTF128 $1, Y4, X7
	VADDPS X7, X4, X4
	VHADDPS X4, X4, X4
	VHADDPS X4, X4, X4
	MOVSS X4, fx+48(FP)
	VEXTRACTF32X8 $1, Z5, Y7
	VADDPS Y7, Y5, Y5
	VEXTRACTF128 $1, Y5, X7
	VADDPS X7, X5, X5
	VHADDPS X5, X5, X5
	VHADDPS X5, X5, X5
	MOVSS X5, fy+52(FP)
	VZEROUPPER
	RET
