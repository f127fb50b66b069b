// Linked into the NativeAOT binary only (Nono.Action.csproj). Runs as an ELF constructor, before the .NET runtime
// starts: asks for transparent huge pages on the executable's zero-initialised data, where the runtime writes its
// ~5 MB of rehydrated type data at every start. With 4 KiB pages that is ~1,300 page faults per run, most of
// `nono --version`'s CPU time (docs/benchmarks.md, "Sandbox start-up"); with huge pages, a few. It changes nothing
// else: madvise(MADV_HUGEPAGE) is advice, and where THP is off ("never") or the call fails the pages stay small.
//
// Huge pages only back 2 MB-aligned blocks that lie wholly inside one mapping. Two things make all of `.hydrated` such
// blocks: the link passes `-z max-page-size=0x200000` (Nono.Action.csproj), so the kernel loads the executable at a
// 2 MB-aligned address, and the one-byte piece of `.hydrated` below raises the section's alignment to 2 MB (the linker
// places it after the runtime's piece, which also pads the section to a whole block; "R" keeps --gc-sections from
// dropping it). Without both, about 1.4 MB of the 5.4 MB stayed in small pages (~360 faults, ~5 ms here).
#define _GNU_SOURCE
#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

__asm__(".section .hydrated,\"awR\",%nobits\n.balign 0x200000\n.skip 1\n.previous\n");

#define HUGE_PAGE_SIZE ((uintptr_t)2 * 1024 * 1024)

// Should the linker ever place the runtime's piece last, the bss would end inside the last 2 MB block, which then could
// never be a huge page (on average 1 MB of the rehydrated data, ~250 small page faults). Extend the bss mapping with
// fresh anonymous pages up to the next 2 MB boundary: the kernel merges the two (same flags, both anonymous and
// untouched), and the block becomes eligible (with today's layout this only reserves untouched address space). Only where nothing is mapped there (MAP_FIXED_NOREPLACE) and
// the program break does not start inside the gap (malloc's heap grows from it). Returns the end of the bss mapping.
static uintptr_t extend_to_huge_boundary(uintptr_t end)
{
    uintptr_t huge_end = (end + HUGE_PAGE_SIZE - 1) & ~(HUGE_PAGE_SIZE - 1);
    uintptr_t program_break = (uintptr_t)sbrk(0);
    if (huge_end == end || (program_break >= end && program_break < huge_end))
    {
        return end;
    }

    // SAFETY: MAP_FIXED_NOREPLACE never replaces an existing mapping; a kernel older than 4.17 treats it as a hint and may
    // place the pages elsewhere, which is undone at once.
    void *gap = mmap((void *)end, huge_end - end, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (gap == MAP_FAILED)
    {
        return end;
    }

    if ((uintptr_t)gap != end)
    {
        (void)munmap(gap, huge_end - end);
        return end;
    }

    return huge_end;
}

static int advise_main_executable(struct dl_phdr_info *info, size_t size, void *unused)
{
    (void)size;
    (void)unused;
    if (info->dlpi_name != NULL && info->dlpi_name[0] != '\0')
    {
        return 0; // a shared library; the main executable comes first and has an empty name
    }

    for (int i = 0; i < info->dlpi_phnum; i++)
    {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        if (segment->p_type == PT_LOAD && (segment->p_flags & PF_W) != 0 && segment->p_memsz > segment->p_filesz)
        {
            // SAFETY: the range is this executable's own bss (memsz beyond filesz), mapped by the loader; whole pages only
            // (the page size is 4, 16 or 64 KiB depending on the kernel).
            uintptr_t page = (uintptr_t)getpagesize();
            uintptr_t start = (info->dlpi_addr + segment->p_vaddr + segment->p_filesz + page - 1) & ~(page - 1);
            uintptr_t end = (info->dlpi_addr + segment->p_vaddr + segment->p_memsz + page - 1) & ~(page - 1);
            if (end > start)
            {
                end = extend_to_huge_boundary(end);
                (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
            }
        }
    }

    return 1;
}

__attribute__((constructor)) static void nono_hugepage_startup(void)
{
    (void)dl_iterate_phdr(advise_main_executable, NULL);
}
