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
#include <string.h>

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
/* The same plus AVX-512 VBMI (vpermi2b). */
void safeaddr__classify_avx512vbmi(const unsigned char *block, unsigned valid,
                                   safeaddr__block_masks *out);

/* Their cache kernels (scan.h). */
void safeaddr__cache_sse2(const unsigned char *src, size_t avail,
                          uint64_t *out);
void safeaddr__cache_avx2(const unsigned char *src, size_t avail,
                          uint64_t *out);
void safeaddr__cache_avx512(const unsigned char *src, size_t avail,
                            uint64_t *out);
void safeaddr__cache_avx512vbmi(const unsigned char *src, size_t avail,
                                uint64_t *out);

/* safeaddr__copy_short - a short block (avail < 64 bytes) into a zeroed
 * 64-byte buffer, for the kernels that load 64 bytes at a time: at most
 * four fixed-size moves that overlap inside [src, src + n) (a libc
 * memcpy call was a noticeable share of a short field's time). */
static inline void safeaddr__copy_short(unsigned char dst[64],
                                        const unsigned char *src, size_t n)
{
    memset(dst, 0, 64);
    if (n >= 32) {
        memcpy(dst, src, 32);
        memcpy(dst + n - 32, src + n - 32, 32);
    } else if (n >= 16) {
        memcpy(dst, src, 16);
        memcpy(dst + n - 16, src + n - 16, 16);
    } else if (n >= 8) {
        memcpy(dst, src, 8);
        memcpy(dst + n - 8, src + n - 8, 8);
    } else if (n >= 4) {
        memcpy(dst, src, 4);
        memcpy(dst + n - 4, src + n - 4, 4);
    } else {
        for (size_t i = 0; i < n; i++)
            dst[i] = src[i];
    }
}

/* What CPUID and XGETBV said, for the kernel choice. */
typedef struct {
    uint32_t max_leaf;                         /* CPUID 0 EAX            */
    uint32_t vendor_ebx, vendor_ecx, vendor_edx; /* CPUID 0 vendor string */
    uint32_t leaf1_eax, leaf1_ecx, leaf1_edx;  /* CPUID 1                */
    uint32_t leaf7_ebx;                        /* CPUID 7.0 EBX          */
    uint32_t leaf7_ecx;                        /* CPUID 7.0 ECX          */
    uint32_t xcr0;                             /* XGETBV 0, if OSXSAVE   */
} safeaddr__cpu_facts;

/* The kernel choice as a pure function of those facts (scan_dispatch.c,
 * exposed so that tests can check it for CPUs we do not have): bit k of
 * the low byte = kernel k (scalar, sse2, avx2, avx512, avx512vbmi) can
 * run; bit k of the second byte = it may be chosen automatically. */
unsigned safeaddr__kernels_for_cpu(const safeaddr__cpu_facts *facts);
#else
#define SAFEADDR__X86_KERNELS 0
#endif

#endif
