/*
 * shim_preload.c - put the safe crackaddr() into a running sendmail
 *
 * sendmail's crackaddr() is compiled into the executable and called with
 * direct call instructions, so a preloaded definition is never used
 * (reference CRACKADDR.md section 6a). This constructor instead patches
 * the function's entry with a jump to shim_crackaddr(), before main runs:
 *
 *   1. The main program is identified: by its GNU build-id in the table of
 *      known builds (shim_builds.c), else, when the executable's name
 *      starts with "sendmail", through its .symtab. Any other program:
 *      the constructor returns at once and touches nothing.
 *   2. Everything is verified before a byte is written: the table entry's
 *      prologue bytes (or the .symtab symbols' types and sizes and the
 *      sendmail Version "8.17."), every address inside a loaded segment
 *      with the right permissions, text pages that may change protection
 *      (no memory-deny-write-execute).
 *   3. The entry's first 14 bytes become "jmp *0(%rip); .quad target"
 *      with the page writable but not executable, then read/execute again
 *      (never writable and executable at once).
 *
 * On any mismatch nothing is changed: the program runs with its own
 * crackaddr, and the reason is logged once (syslog, LOG_MAIL|LOG_WARNING;
 * also stderr when it is a terminal or SAFEADDR_CRACKADDR_STATUS is set).
 *
 * Environment, read here only (sendmail empties its environment later):
 *   SAFEADDR_CRACKADDR_STATUS=1   one status line on stderr
 *   SAFEADDR_CRACKADDR_MARK=FILE  marker mode (not in set-id programs)
 */
#define _GNU_SOURCE
#include "shim.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#if defined(__x86_64__) && defined(__linux__)

#define JUMP_LEN 14 /* ff 25 00 00 00 00 + 8-byte absolute target */

#ifndef PR_GET_MDWE
#define PR_GET_MDWE 66
#endif

typedef struct {
    uintptr_t base; /* load address (0 for a non-PIE executable) */
    const ElfW(Phdr) *phdr;
    size_t phnum;
} program;

/* What the constructor will patch, from the table or the symbol table. */
typedef struct {
    const char *how; /* "table: <name>" or ".symtab" */
    uint64_t crackaddr, must_quote_chars, colon_ok_in_addr;
    uint64_t crackaddr_size; /* 0 when unknown (table: prologue checked) */
    long envelope_id_offset;
    const unsigned char *prologue; /* NULL for .symtab */
} target;

static int first_object(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    program *p = data;
    p->base = info->dlpi_addr;
    p->phdr = info->dlpi_phdr;
    p->phnum = info->dlpi_phnum;
    return 1; /* the first object is the main program */
}

/* ------------------------------------------------------------- build-id */

static size_t align_up(size_t v, size_t a)
{
    return (v + (a - 1)) & ~(a - 1);
}

/* build_id_hex - the NT_GNU_BUILD_ID of the loaded program as lower-case
 * hex into hex[0..cap); 0 when it has none. Notes are walked within their
 * segment's size only. */
static int build_id_hex(const program *p, char *hex, size_t cap)
{
    for (size_t i = 0; i < p->phnum; i++) {
        const ElfW(Phdr) *ph = &p->phdr[i];
        if (ph->p_type != PT_NOTE)
            continue;
        const unsigned char *note = (const unsigned char *)(p->base + ph->p_vaddr);
        size_t size = ph->p_filesz;
        size_t align = ph->p_align == 8 ? 8 : 4;
        size_t off = 0;
        while (size - off >= 12) {
            uint32_t namesz, descsz, type;
            memcpy(&namesz, note + off, 4);
            memcpy(&descsz, note + off + 4, 4);
            memcpy(&type, note + off + 8, 4);
            size_t name_off = off + 12;
            if (namesz > size - name_off)
                break;
            size_t desc_off = align_up(name_off + namesz, align);
            if (desc_off > size || descsz > size - desc_off)
                break;
            if (type == NT_GNU_BUILD_ID && namesz == 4 &&
                memcmp(note + name_off, "GNU", 4) == 0 && descsz > 0 &&
                descsz * 2 < cap) {
                static const char digits[] = "0123456789abcdef";
                for (size_t k = 0; k < descsz; k++) {
                    hex[2 * k] = digits[note[desc_off + k] >> 4];
                    hex[2 * k + 1] = digits[note[desc_off + k] & 15];
                }
                hex[2 * descsz] = '\0';
                return 1;
            }
            off = align_up(desc_off + descsz, align);
        }
    }
    return 0;
}

/* ------------------------------------------------------------- segments */

/* in_segment - [vaddr, vaddr + len) lies in one PT_LOAD with at least
 * `flags`; within the file image too when `in_file` (code). Returns that
 * segment or NULL. */
static const ElfW(Phdr) *in_segment(const program *p, uint64_t vaddr,
                                    uint64_t len, unsigned flags, int in_file)
{
    for (size_t i = 0; i < p->phnum; i++) {
        const ElfW(Phdr) *ph = &p->phdr[i];
        if (ph->p_type != PT_LOAD || (ph->p_flags & flags) != flags)
            continue;
        uint64_t size = in_file ? ph->p_filesz : ph->p_memsz;
        if (vaddr >= ph->p_vaddr && vaddr - ph->p_vaddr <= size &&
            len <= size - (vaddr - ph->p_vaddr))
            return ph;
    }
    return NULL;
}

/* -------------------------------------------------------------- .symtab */

typedef struct {
    const char *name;
    unsigned type; /* STT_FUNC / STT_OBJECT */
    uint64_t value, size;
    int found;
} wanted_symbol;

/* built_by_clang - the .comment section names clang. clang -O2 lets a
 * caller in the same file use the address of crackaddr's static buffer
 * instead of the returned pointer (IPSCCP), and such a caller would read
 * the original buffer, not ours. GCC keeps the returned pointer (checked
 * in Debian's build: all three callers use %rax). */
static int built_by_clang(const unsigned char *f, size_t fsize,
                          const ElfW(Ehdr) *eh, const ElfW(Shdr) *sh)
{
    if (eh->e_shstrndx >= eh->e_shnum)
        return 0;
    const ElfW(Shdr) *names = &sh[eh->e_shstrndx];
    if (names->sh_offset > fsize || names->sh_size > fsize - names->sh_offset)
        return 0;
    static const char comment[] = ".comment";
    for (size_t s = 0; s < eh->e_shnum; s++) {
        if (sh[s].sh_name >= names->sh_size ||
            names->sh_size - sh[s].sh_name < sizeof comment ||
            memcmp(f + names->sh_offset + sh[s].sh_name, comment,
                   sizeof comment) != 0)
            continue;
        if (sh[s].sh_offset > fsize || sh[s].sh_size > fsize - sh[s].sh_offset)
            return 0;
        return memmem(f + sh[s].sh_offset, sh[s].sh_size, "clang", 5) != NULL;
    }
    return 0;
}

/* symtab_lookup - fill `want` from the executable's .symtab (the running
 * file, through /proc/self/exe) and say whether clang built it. Every
 * offset read from the file is checked against its size. Returns NULL or
 * why it could not. */
static const char *symtab_lookup(wanted_symbol *want, size_t nwant,
                                 int *by_clang)
{
    *by_clang = 0;
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return "cannot open /proc/self/exe";
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < (off_t)sizeof(ElfW(Ehdr))) {
        close(fd);
        return "cannot read the executable";
    }
    size_t fsize = (size_t)st.st_size;
    const unsigned char *f = mmap(NULL, fsize, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (f == MAP_FAILED)
        return "cannot map the executable";

    const char *why = NULL;
    const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)f;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
        eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_X86_64 ||
        eh->e_shentsize != sizeof(ElfW(Shdr)) || eh->e_shoff > fsize ||
        eh->e_shnum > (fsize - eh->e_shoff) / sizeof(ElfW(Shdr))) {
        why = "not an x86-64 ELF file with section headers";
        goto out;
    }
    const ElfW(Shdr) *sh = (const ElfW(Shdr) *)(f + eh->e_shoff);
    *by_clang = built_by_clang(f, fsize, eh, sh);
    int have_symtab = 0;
    for (size_t s = 0; s < eh->e_shnum; s++) {
        if (sh[s].sh_type != SHT_SYMTAB)
            continue;
        if (sh[s].sh_entsize != sizeof(ElfW(Sym)) || sh[s].sh_offset > fsize ||
            sh[s].sh_size > fsize - sh[s].sh_offset ||
            sh[s].sh_link >= eh->e_shnum)
            continue;
        const ElfW(Shdr) *str = &sh[sh[s].sh_link];
        if (str->sh_type != SHT_STRTAB || str->sh_offset > fsize ||
            str->sh_size > fsize - str->sh_offset)
            continue;
        have_symtab = 1;
        const ElfW(Sym) *sym = (const ElfW(Sym) *)(f + sh[s].sh_offset);
        size_t nsym = sh[s].sh_size / sizeof(ElfW(Sym));
        const char *strtab = (const char *)(f + str->sh_offset);
        for (size_t k = 0; k < nsym; k++) {
            if (sym[k].st_name >= str->sh_size || sym[k].st_shndx == SHN_UNDEF)
                continue;
            const char *name = strtab + sym[k].st_name;
            size_t room = str->sh_size - sym[k].st_name;
            for (size_t w = 0; w < nwant; w++) {
                size_t len = strlen(want[w].name);
                if (len < room && memcmp(name, want[w].name, len + 1) == 0 &&
                    ELF64_ST_TYPE(sym[k].st_info) == want[w].type) {
                    want[w].value = sym[k].st_value;
                    want[w].size = sym[k].st_size;
                    want[w].found++;
                }
            }
        }
    }
    if (!have_symtab)
        why = "no .symtab (stripped) and build-id not in the table";
out:
    munmap((void *)f, fsize);
    return why;
}

/* -------------------------------------------------------------- patching */

static int prot_of(const ElfW(Phdr) *ph)
{
    return ((ph->p_flags & PF_R) ? PROT_READ : 0) |
           ((ph->p_flags & PF_W) ? PROT_WRITE : 0) |
           ((ph->p_flags & PF_X) ? PROT_EXEC : 0);
}

/* patch_entry - write the jump at `entry`. Returns NULL or why not; on
 * failure the code is as it was. */
static const char *patch_entry(unsigned char *entry, const ElfW(Phdr) *text,
                               void *to)
{
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0 || (page & (page - 1)) != 0)
        return "unknown page size";
    uintptr_t start = (uintptr_t)entry & ~((uintptr_t)page - 1);
    uintptr_t end = ((uintptr_t)entry + JUMP_LEN + (uintptr_t)page - 1) &
                    ~((uintptr_t)page - 1);
    size_t len = end - start;
    int text_prot = prot_of(text);

    /* Memory-deny-write-execute (prctl PR_SET_MDWE): once the page loses
     * PROT_EXEC it could not get it back. */
    int mdwe = prctl(PR_GET_MDWE, 0L, 0L, 0L, 0L);
    if (mdwe > 0)
        return "memory-deny-write-execute is set for this process (W^X)";
    /* A seccomp W^X policy (systemd MemoryDenyWriteExecute=yes) refuses
     * any mprotect with PROT_EXEC: ask for the protection the page already
     * has, before changing anything. */
    if (mprotect((void *)start, len, text_prot) != 0)
        return errno == EACCES || errno == EPERM
                   ? "text pages may not change protection (W^X policy)"
                   : "mprotect of the text pages failed";
    if (mprotect((void *)start, len, PROT_READ | PROT_WRITE) != 0)
        return "text pages may not become writable (W^X policy)";

    unsigned char saved[JUMP_LEN];
    unsigned char code[JUMP_LEN] = {0xff, 0x25, 0, 0, 0, 0};
    uint64_t addr = (uint64_t)(uintptr_t)to;
    memcpy(code + 6, &addr, sizeof addr);
    memcpy(saved, entry, JUMP_LEN);
    memcpy(entry, code, JUMP_LEN);

    if (mprotect((void *)start, len, text_prot) != 0) {
        /* Put the original bytes back and try again; a text page left
         * without PROT_EXEC would crash the program later, so stop now
         * rather than run into that. */
        memcpy(entry, saved, JUMP_LEN);
        if (mprotect((void *)start, len, text_prot) != 0) {
            static const char msg[] = "safeaddr crackaddr: cannot restore "
                                      "the text page protection; stopping\n";
            ssize_t w = write(2, msg, sizeof msg - 1);
            (void)w;
            abort();
        }
        return "text pages may not become executable again (W^X policy)";
    }
    __builtin___clear_cache((char *)entry, (char *)entry + JUMP_LEN);
    return NULL;
}

/* ---------------------------------------------------------- verification */

static const char *from_table(const program *p, const shim_known_build *b,
                              target *t)
{
    t->how = b->name; /* "table entry <name>" in the status */
    t->crackaddr = b->crackaddr;
    t->crackaddr_size = 0;
    t->must_quote_chars = b->must_quote_chars;
    t->colon_ok_in_addr = b->colon_ok_in_addr;
    t->envelope_id_offset = b->envelope_id_offset;
    t->prologue = b->prologue;
    (void)p;
    return NULL;
}

static const char *from_symtab(const program *p, target *t)
{
    wanted_symbol want[] = {
        {"crackaddr", STT_FUNC, 0, 0, 0},
        {"MustQuoteChars", STT_OBJECT, 0, 0, 0},
        {"ColonOkInAddr", STT_OBJECT, 0, 0, 0},
        {"Version", STT_OBJECT, 0, 0, 0},
    };
    int by_clang;
    const char *why = symtab_lookup(want, sizeof want / sizeof want[0],
                                    &by_clang);
    if (why != NULL)
        return why;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (want[i].found != 1)
            return want[i].found == 0 ? "a sendmail symbol is missing from .symtab"
                                      : "a sendmail symbol is defined twice";
    if (want[0].size < JUMP_LEN)
        return "crackaddr is shorter than the jump";
    if (want[1].size != sizeof(char *))
        return "MustQuoteChars is not a pointer";
    if (want[2].size != 1 && want[2].size != sizeof(int))
        return "ColonOkInAddr is not a bool";
    /* The replacement is 8.17's behaviour: other versions are refused. */
    if (want[3].size < 6 || !in_segment(p, want[3].value, 6, PF_R, 0))
        return "sendmail Version string not found";
    const char *version = (const char *)(p->base + want[3].value);
    if (memcmp(version, "8.17.", 5) != 0)
        return "sendmail version is not 8.17";
    if (by_clang)
        return "built by clang, whose interprocedural constant propagation "
               "lets callers use the original result buffer (README)";
    t->how = ".symtab";
    t->crackaddr = want[0].value;
    t->crackaddr_size = want[0].size;
    t->must_quote_chars = want[1].value;
    t->colon_ok_in_addr = want[2].value;
    t->envelope_id_offset = -1; /* ENVELOPE layout unknown without debug info */
    t->prologue = NULL;
    return NULL;
}

static const char *apply(const program *p, const target *t,
                         const ElfW(Phdr) **text)
{
    *text = in_segment(p, t->crackaddr, 16, PF_R | PF_X, 1);
    if (*text == NULL)
        return "crackaddr is not inside the program's code";
    if (in_segment(p, t->must_quote_chars, sizeof(char *), PF_R | PF_W, 0) == NULL ||
        in_segment(p, t->colon_ok_in_addr, 1, PF_R | PF_W, 0) == NULL)
        return "MustQuoteChars or ColonOkInAddr is not inside the program's data";
    unsigned char *entry = (unsigned char *)(p->base + t->crackaddr);
    if (t->prologue != NULL && memcmp(entry, t->prologue, 16) != 0)
        return "crackaddr does not start with the expected bytes";
    if (entry[0] == 0xff && entry[1] == 0x25)
        return "crackaddr is already patched";
    return NULL;
}

/* ------------------------------------------------------------ reporting */

static int executable_name_is_sendmail(void)
{
    char path[4096];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    const char *name = NULL;
    if (n > 0) {
        path[n] = '\0';
        name = path;
    } else {
        name = (const char *)getauxval(AT_EXECFN);
    }
    if (name == NULL)
        return 0;
    const char *slash = strrchr(name, '/');
    const char *base = slash != NULL ? slash + 1 : name;
    return strncmp(base, "sendmail", 8) == 0;
}

/* report - say what happened (the status is already set): refusals go to
 * syslog once, and to stderr when asked or when it is a terminal. */
static void report(int refused, int to_stderr)
{
    const char *text = safeaddr_shim_status();
    if (to_stderr)
        fprintf(stderr, "%s\n", text);
    if (refused) {
        /* Closed again at once: sendmail closes descriptors it does not
         * know, and glibc would otherwise keep writing to a reused one. */
        openlog("safeaddr-crackaddr", LOG_PID, LOG_MAIL);
        syslog(LOG_WARNING, "%s", text);
        closelog();
    }
}

__attribute__((constructor)) static void shim_init(void)
{
    program p = {0, NULL, 0};
    dl_iterate_phdr(first_object, &p);
    if (p.phdr == NULL)
        return;

    char id[129] = "";
    const shim_known_build *known = NULL;
    if (build_id_hex(&p, id, sizeof id))
        for (size_t i = 0; i < shim_known_build_count; i++)
            if (strcmp(id, shim_known_builds[i].build_id) == 0)
                known = &shim_known_builds[i];
    /* Not a sendmail: nothing at all, not even reading the environment. */
    if (known == NULL && !executable_name_is_sendmail())
        return;

    const char *status = getenv("SAFEADDR_CRACKADDR_STATUS");
    int asked = status != NULL && status[0] != '\0' && strcmp(status, "0") != 0;
    int to_stderr = isatty(2);
    const char *mark = getenv("SAFEADDR_CRACKADDR_MARK");

    target t;
    const char *why = known != NULL ? from_table(&p, known, &t)
                                    : from_symtab(&p, &t);
    const ElfW(Phdr) *text = NULL;
    if (why == NULL)
        why = apply(&p, &t, &text);
    if (why == NULL) {
        /* Settings first: once the jump is in, calls arrive here. */
        shim_source.colon_ok_in_addr =
            (const volatile unsigned char *)(p.base + t.colon_ok_in_addr);
        shim_source.must_quote_chars =
            (char *const volatile *)(p.base + t.must_quote_chars);
        shim_source.envelope_id_offset = t.envelope_id_offset;
        if (mark != NULL && mark[0] != '\0' && getauxval(AT_SECURE) == 0)
            shim_mark_path = strdup(mark);
        why = patch_entry((unsigned char *)(p.base + t.crackaddr), text,
                          (void *)shim_crackaddr);
        if (why != NULL) {
            shim_source.colon_ok_in_addr = NULL;
            shim_source.must_quote_chars = NULL;
            shim_source.envelope_id_offset = -1;
        }
    }
    if (why != NULL) {
        shim_set_status("safeaddr crackaddr: NOT active, sendmail left "
                        "unchanged: %s (build-id %s)",
                        why, id[0] != '\0' ? id : "none");
        report(1, to_stderr || asked);
        return;
    }
    shim_set_status("safeaddr crackaddr: active, crackaddr at offset 0x%llx "
                    "replaced (found by %s; build-id %s)",
                    (unsigned long long)t.crackaddr, t.how,
                    id[0] != '\0' ? id : "none");
    report(0, asked);
}

#endif /* __x86_64__ && __linux__ */
