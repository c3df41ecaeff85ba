/*
 * shim_builds.c - sendmail builds the preload shim can patch without a
 * symbol table
 *
 * Distribution builds are stripped: crackaddr() is not in .dynsym (it is
 * called with direct call rel32 from /parse, eatheader() and remotename(),
 * never through the PLT), so it cannot be interposed and has to be found
 * by offset. Each entry is one exact build, identified by its
 * NT_GNU_BUILD_ID, and the shim also checks the first bytes of the
 * function before writing anything: a rebuilt or updated package has a
 * new build-id and is refused until an entry is added here.
 *
 * How an entry is made (README "Adding a build"): locate crackaddr through
 * its strings ("crackaddr(%s)" under tTd(33,1), and the LOG_ALERT text),
 * the globals through the instructions that load them there (the
 * strchr(MustQuoteChars, c) call and the ColonOkInAddr test), and e_id
 * through the sm_syslog(LOG_ALERT, e->e_id, ...) call of the punt path.
 */
#include "shim.h"

const shim_known_build shim_known_builds[] = {
    {
        /* Debian 12 bookworm, sendmail-bin 8.17.1.9-2+deb12u2 amd64,
         * usr/libexec/sendmail/sendmail (PIE, stripped, BIND_NOW).
         * Offsets from reference/CRACKADDR.md section 6, checked with
         * objdump: crackaddr at 0x3a5d0 loads &MustQuoteChars (0x11d198)
         * for strchr, &ColonOkInAddr (0x11d397), and on the punt path
         * passes *(e + 0x158) (e->e_id) to sm_syslog(LOG_ALERT, ...). */
        "Debian sendmail-bin 8.17.1.9-2+deb12u2 amd64",
        "25e854dcf78295f911b480a9d2a812040a1186ce",
        0x3a5d0,
        0x11d198,
        0x11d397,
        0x158,
        /* push r15; push r14; push r13; mov r13,rdi; push r12; push rbp;
         * push rbx; sub rsp,imm32 (first 3 bytes) */
        {0x41, 0x57, 0x41, 0x56, 0x41, 0x55, 0x49, 0x89, 0xfd, 0x41, 0x54,
         0x55, 0x53, 0x48, 0x81, 0xec},
    },
};

const size_t shim_known_build_count =
    sizeof shim_known_builds / sizeof shim_known_builds[0];
