// Linked into the NativeAOT binary only (Nono.Action.csproj). Runs as an ELF constructor, before the .NET runtime
// starts: asks for transparent huge pages on the executable's zero-initialised data, where the runtime writes its
// ~5 MB of rehydrated type data at every start. With 4 KiB pages that is ~1,300 page faults per run, most of
// `nono --version`'s CPU time (docs/benchmarks.md, "Sandbox start-up"); with huge pages, a few. It changes nothing
// else: madvise(MADV_HUGEPAGE) is advice, and where THP is off ("never") or the call fails the pages stay small.
#define _GNU_SOURCE
#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

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
