/*
 * scan_isa.h - the per-ISA block classifiers (internal)
 *
 * Declared only where the compiler targets x86: the kernel files compile
 * to nothing elsewhere, and scan_dispatch.c then offers the scalar kernel
 * alone. Each function has exactly the contract of
 * safeaddr__classify_scalar (scan.h) and must only be called after
 * scan_dispatch.c has checked that the CPU and the OS support its ISA.
 */
#ifndef SAFEADDR_SCAN_ISA_H
#define SAFEADDR_SCAN_ISA_H

#include "scan.h"

#if defined(__x86_64__) || defined(__i386__)
#define SAFEADDR__X86_KERNELS 1

/* SSE2 (x86-64 baseline). */
void safeaddr__classify_sse2(const unsigned char *block, unsigned valid,
                             safeaddr__block_masks *out);
/* AVX2 + BMI1 + POPCNT, YMM state enabled by the OS. */
void safeaddr__classify_avx2(const unsigned char *block, unsigned valid,
                             safeaddr__block_masks *out);
/* AVX-512 F + BW + VL, opmask/ZMM state enabled by the OS. */
void safeaddr__classify_avx512(const unsigned char *block, unsigned valid,
                               safeaddr__block_masks *out);
#else
#define SAFEADDR__X86_KERNELS 0
#endif

#endif
