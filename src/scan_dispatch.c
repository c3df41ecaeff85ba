/*
 * scan_dispatch.c - choose the block classifier once per process
 *
 * The kernels (scan_scalar.c, scan_sse2.c, scan_avx2.c, scan_avx512.c,
 * scan_avx512vbmi.c) are pure functions with identical results; this file
 * only decides which one runs. The choice is made once, on first use, and
 * kept in one atomic pointer to a kernel descriptor {name, function}, so
 * that the name reported and the function called never disagree (lazy
 * selection as in libdeflate lib/adler32.c and simdutf
 * src/implementation.cpp):
 *
 *   - no IFUNC: musl has none, IFUNC resolvers run while relocation is
 *     still in progress, and the xz backdoor (CVE-2024-3094) entered
 *     through one;
 *   - no constructor: nothing runs at load time, so a program that never
 *     parses never executes CPUID;
 *   - relaxed atomics: two threads racing through the first use compute
 *     the same answer and store the same pointer, so no ordering is needed,
 *     only freedom from torn reads and data races.
 *
 * A kernel is used only when the CPU reports every instruction set its
 * file was compiled for (Makefile: CFLAGS_scan_*) AND the operating system
 * saves the register state it uses (OSXSAVE plus the XCR0 bits), since a
 * CPU with AVX under an OS that does not save YMM registers faults on
 * the first VEX instruction (Intel SDM vol. 1, 13.3 and 14.3).
 *
 * SAFEADDR_ISA=scalar|sse2|avx2|avx512|avx512vbmi forces a kernel
 * ("avx512" is the F+BW one even where VBMI is there too), for the test
 * suite (tests/run-suite.sh runs everything once per kernel) and
 * benchmarks. It is read with secure_getenv, so a set-user-ID or
 * set-group-ID program (an MTA's delivery agent) ignores it: the
 * environment of such a program belongs to the caller who is not trusted.
 * An unknown name or a kernel the CPU lacks falls back to the automatic
 * choice silently (a library must not print); safeaddr_kernel_name() says
 * what was chosen.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* secure_getenv (glibc, musl) */
#endif
#include "scan_isa.h"
#include "safeaddr.h"
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#if SAFEADDR__X86_KERNELS
#include <cpuid.h>
#endif

typedef struct {
    const char *name;
    safeaddr__classify_fn classify;
    safeaddr__cache_fn cache;
} kernel;

/* Indexes into kernels[], which is in order of preference, worst first:
 * safeaddr_kernels() lists the supported ones in this order, so "best
 * last". Sets of kernels are bit sets over these indexes. */
enum { K_SCALAR, K_SSE2, K_AVX2, K_AVX512, K_AVX512VBMI };
#define BIT(k) (1u << (k))

static const kernel kernels[] = {
    [K_SCALAR] = {"scalar", safeaddr__classify_scalar, safeaddr__cache_scalar},
#if SAFEADDR__X86_KERNELS
    [K_SSE2] = {"sse2", safeaddr__classify_sse2, safeaddr__cache_sse2},
    [K_AVX2] = {"avx2", safeaddr__classify_avx2, safeaddr__cache_avx2},
    [K_AVX512] = {"avx512", safeaddr__classify_avx512, safeaddr__cache_avx512},
    [K_AVX512VBMI] = {"avx512vbmi", safeaddr__classify_avx512vbmi, safeaddr__cache_avx512vbmi},
#endif
};
#define KERNEL_COUNT (sizeof kernels / sizeof kernels[0])

/* ------------------------------------------------------- CPU detection */

/* What this CPU and OS allow, as bit sets over kernels[] indexes. */
typedef struct {
    unsigned supported;  /* can run: listed, selectable by name      */
    unsigned automatic;  /* may be chosen without being asked for    */
} kernel_sets;

/* detect() answers in the packed form of safeaddr__kernels_for_cpu:
 * supported in bits 0-7, automatic in bits 8-15. */

#if SAFEADDR__X86_KERNELS

/* CPUID bits (Intel SDM vol. 2A, CPUID; AMD APM vol. 3, appendix E). */
#define LEAF1_ECX_FMA (1u << 12)
#define LEAF1_ECX_POPCNT (1u << 23)
#define LEAF1_ECX_OSXSAVE (1u << 27)
#define LEAF1_ECX_AVX (1u << 28)
#define LEAF1_ECX_F16C (1u << 29)
#define LEAF1_EDX_SSE2 (1u << 26)
#define LEAF7_EBX_BMI1 (1u << 3)
#define LEAF7_EBX_AVX2 (1u << 5)
#define LEAF7_EBX_AVX512F (1u << 16)
#define LEAF7_EBX_AVX512BW (1u << 30)
#define LEAF7_EBX_AVX512VL (1u << 31)
#define LEAF7_ECX_AVX512VBMI (1u << 1)
/* XCR0 state components: SSE (1), AVX/YMM upper halves (2), AVX-512
 * opmask (5), ZMM0-15 upper halves (6), ZMM16-31 (7). */
#define XCR0_YMM 0x06u
#define XCR0_ZMM 0xE6u

static uint32_t read_xcr0(void)
{
    uint32_t lo, hi;
    /* XGETBV with ECX = 0; written as asm because the _xgetbv intrinsic
     * needs -mxsave, which this baseline file must not be built with. */
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    (void)hi;
    return lo;
}

/* 512-bit vectors lower the core clock on Intel server and client parts
 * from Skylake-SP to Tiger Lake (family 6 models 85 Skylake-SP/Cascade
 * Lake/Cooper Lake, 106 and 108 Ice Lake-SP/-D, 126 Ice Lake client,
 * 140 and 141 Tiger Lake). libdeflate's lib/x86/cpu_features.c refuses
 * them for the same reason; in an MTA the parser runs in short bursts
 * beside other work, which is the case the slowdown hurts most (SIMD.md
 * section 10). The AVX-512 kernels stay selectable there by name. */
static int downclocks_on_512bit(const safeaddr__cpu_facts *f)
{
    /* "GenuineIntel" in EBX, EDX, ECX order. */
    const int intel = f->vendor_ebx == 0x756e6547u &&
                      f->vendor_edx == 0x49656e69u &&
                      f->vendor_ecx == 0x6c65746eu;
    const uint32_t family = (f->leaf1_eax >> 8) & 0xF;
    const uint32_t model = ((f->leaf1_eax >> 4) & 0xF) |
                           (((f->leaf1_eax >> 16) & 0xF) << 4);
    if (!intel || family != 6)
        return 0;
    switch (model) {
    case 85: case 106: case 108: case 126: case 140: case 141:
        return 1;
    default:
        return 0;
    }
}

unsigned safeaddr__kernels_for_cpu(const safeaddr__cpu_facts *f)
{
    unsigned supported = BIT(K_SCALAR), automatic = BIT(K_SCALAR);
    if (f->leaf1_edx & LEAF1_EDX_SSE2)
        supported |= BIT(K_SSE2);
    /* Without OSXSAVE, XGETBV faults and the OS saves no AVX state. */
    if (f->max_leaf >= 7 && (f->leaf1_ecx & LEAF1_ECX_OSXSAVE)) {
        const uint32_t avx2_leaf1 = LEAF1_ECX_AVX | LEAF1_ECX_POPCNT;
        const uint32_t avx2_leaf7 = LEAF7_EBX_AVX2 | LEAF7_EBX_BMI1;
        const int avx2 = (f->leaf1_ecx & avx2_leaf1) == avx2_leaf1 &&
                         (f->leaf7_ebx & avx2_leaf7) == avx2_leaf7 &&
                         (f->xcr0 & XCR0_YMM) == XCR0_YMM;
        /* clang's -mavx512f also enables FMA and F16C: every AVX-512 CPU
         * has them, but a hypervisor may hide bits, so they are checked. */
        const uint32_t avx512_leaf1 = LEAF1_ECX_FMA | LEAF1_ECX_F16C;
        const uint32_t avx512_leaf7 =
            LEAF7_EBX_AVX512F | LEAF7_EBX_AVX512BW | LEAF7_EBX_AVX512VL;
        const int avx512 = avx2 &&
                           (f->leaf1_ecx & avx512_leaf1) == avx512_leaf1 &&
                           (f->leaf7_ebx & avx512_leaf7) == avx512_leaf7 &&
                           (f->xcr0 & XCR0_ZMM) == XCR0_ZMM;
        if (avx2)
            supported |= BIT(K_AVX2);
        /* macOS gives threads the ZMM state lazily and had a kernel bug
         * that lost opmask registers (libdeflate cpu_features.c). */
#if !defined(__APPLE__)
        /* VBMI runs on the same ZMM and opmask state, so the same
         * checks plus its own CPUID bit. */
        const int avx512vbmi =
            avx512 && (f->leaf7_ecx & LEAF7_ECX_AVX512VBMI);
        if (avx512) {
            supported |= BIT(K_AVX512);
            if (avx512vbmi)
                supported |= BIT(K_AVX512VBMI);
            if (!downclocks_on_512bit(f))
                automatic |= supported & (BIT(K_AVX512) | BIT(K_AVX512VBMI));
        }
#else
        (void)avx512;
#endif
    }
    automatic |= supported & (BIT(K_SSE2) | BIT(K_AVX2));
    return supported | (automatic << 8);
}

static unsigned detect(void)
{
    safeaddr__cpu_facts f;
    uint32_t unused_a, unused_b, unused_d;
    memset(&f, 0, sizeof f);
    if (__get_cpuid(0, &f.max_leaf, &f.vendor_ebx, &f.vendor_ecx,
                    &f.vendor_edx) &&
        __get_cpuid(1, &f.leaf1_eax, &unused_b, &f.leaf1_ecx, &f.leaf1_edx)) {
        if (f.max_leaf >= 7)
            __cpuid_count(7, 0, unused_a, f.leaf7_ebx, f.leaf7_ecx, unused_d);
        if (f.leaf1_ecx & LEAF1_ECX_OSXSAVE)
            f.xcr0 = read_xcr0();
    }
    (void)unused_a, (void)unused_b, (void)unused_d;
    return safeaddr__kernels_for_cpu(&f);
}

#else /* not x86: the scalar kernel only */

static unsigned detect(void)
{
    return BIT(K_SCALAR) | (BIT(K_SCALAR) << 8);
}

#endif

/* ----------------------------------------------------------- selection */

/* detect() executes CPUID, which traps to the hypervisor in a virtual
 * machine (microseconds): its answer is kept, packed with a "known" bit.
 * Racing first calls store the same value. */
#define SETS_KNOWN 0x80000000u
static _Atomic unsigned cached_sets;

static kernel_sets cpu_kernels(void)
{
    unsigned packed = atomic_load_explicit(&cached_sets, memory_order_relaxed);
    if (!(packed & SETS_KNOWN)) {
        packed = SETS_KNOWN | detect();
        atomic_store_explicit(&cached_sets, packed, memory_order_relaxed);
    }
    const kernel_sets s = {packed & 0xFFu, (packed >> 8) & 0xFFu};
    return s;
}

static unsigned best_of(unsigned set)
{
    unsigned best = 0;
    for (unsigned i = 0; i < KERNEL_COUNT; i++)
        if (set & BIT(i))
            best = i;
    return best;
}

static int index_of(const char *name)
{
    for (unsigned i = 0; i < KERNEL_COUNT; i++)
        if (strcmp(kernels[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* The environment override, or NULL. Only where the C library can tell
 * whether this is a set-ID program; elsewhere it is not read at all. */
static const char *isa_override(void)
{
#if defined(__GLIBC__) || (defined(__linux__) && !defined(__ANDROID__))
    return secure_getenv("SAFEADDR_ISA");
#else
    return NULL;
#endif
}

/* The kernel in use, NULL until first use. Callers do not call through
 * this pointer per block: the lexer takes the function once per parse
 * (safeaddr__classifier) and calls it directly, so the check for NULL
 * costs one load per parse, and a resolver stub in the pointer (the
 * libdeflate form, which saves that check per call) would buy nothing. */
static _Atomic(const kernel *) active;

static const kernel *current(void)
{
    const kernel *k = atomic_load_explicit(&active, memory_order_relaxed);
    if (k)
        return k;
    const kernel_sets sets = cpu_kernels();
    unsigned chosen = best_of(sets.automatic);
    const char *forced = isa_override();
    if (forced) {
        const int i = index_of(forced);
        if (i >= 0 && (sets.supported & BIT(i)))
            chosen = (unsigned)i;
    }
    atomic_store_explicit(&active, &kernels[chosen], memory_order_relaxed);
    return &kernels[chosen];
}

safeaddr__classify_fn safeaddr__classifier(void)
{
    return current()->classify;
}

safeaddr__cache_fn safeaddr__cache_kernel(void)
{
    return current()->cache;
}

const char *safeaddr__classifier_name(void)
{
    return current()->name;
}

int safeaddr__select_kernel(const char *name)
{
    if (!name)
        return -1;
    const int i = index_of(name);
    if (i < 0 || !(cpu_kernels().supported & BIT(i)))
        return -1;
    atomic_store_explicit(&active, &kernels[i], memory_order_relaxed);
    return 0;
}

SAFEADDR_API const char *safeaddr_kernel_name(void)
{
    return safeaddr__classifier_name();
}

SAFEADDR_API size_t safeaddr_kernels(const char **names, size_t cap)
{
    const unsigned supported = cpu_kernels().supported;
    size_t n = 0;
    for (unsigned i = 0; i < KERNEL_COUNT; i++) {
        if (!(supported & BIT(i)))
            continue;
        if (names && n < cap)
            names[n] = kernels[i].name;
        n++;
    }
    return n;
}
