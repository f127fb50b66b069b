// Linked into the NativeAOT binary only (Nono.Action.csproj). Runs as an ELF constructor, before the .NET runtime
// starts: maps the runtime's dehydrated type data, ~2.3 MB of read-only data that StartupCodeHelpers.RehydrateData reads
// front to back at every start, with one madvise(MADV_POPULATE_READ) instead of ~35 read faults (fault-around maps
// 64 KiB per fault; each fault costs tens of microseconds on VMs with paravirtualised page tables). Only that range:
// populating all of the text and read-only data maps far more than a run touches (docs/notes/s6-launch.md).
//
// Advice only. The range comes from the runtime's own module header; if the header is not what this file expects, or
// the kernel predates MADV_POPULATE_READ (5.14), nothing is done and the pages fault in as before.
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

#define READY_TO_RUN_SIGNATURE 0x00525452u // "RTR": ModuleHeaders.Signature in dotnet/runtime
#define DEHYDRATED_DATA_SECTION 207         // ReadyToRunSectionType.DehydratedData
#define HAS_END_POINTER 0x1                 // ModuleInfoFlags.HasEndPointer
#define MAX_PREFETCH ((uintptr_t)64 * 1024 * 1024)

// The linker's bounds of the __modules section, which holds one pointer per module to its ReadyToRun header (this
// executable has one). Weak, so a link without the section still works: the loop then sees nothing.
extern const void *const __start___modules[] __attribute__((weak));
extern const void *const __stop___modules[] __attribute__((weak));

struct ready_to_run_header
{
    uint32_t signature;
    uint16_t major_version;
    uint16_t minor_version;
    uint32_t flags;
    uint16_t number_of_sections;
    uint8_t entry_size;
    uint8_t entry_type;
};

struct module_info_row
{
    int32_t section_id;
    int32_t flags;
    const void *start;
    const void *end;
};

__attribute__((constructor)) static void nono_prefetch_dehydrated_data(void)
{
    if (__start___modules == NULL || __stop___modules == NULL)
    {
        return;
    }

    for (const void *const *module = __start___modules; module < __stop___modules; module++)
    {
        // SAFETY: the loader has relocated __modules before constructors run; each entry points at a header the compiler
        // emitted into this executable, followed by number_of_sections rows of entry_size bytes.
        const struct ready_to_run_header *header = *module;
        if (header == NULL || header->signature != READY_TO_RUN_SIGNATURE || header->entry_size != sizeof(struct module_info_row))
        {
            continue;
        }

        const struct module_info_row *rows = (const struct module_info_row *)(header + 1);
        for (uint16_t i = 0; i < header->number_of_sections; i++)
        {
            if (rows[i].section_id != DEHYDRATED_DATA_SECTION || (rows[i].flags & HAS_END_POINTER) == 0)
            {
                continue;
            }

            uintptr_t page = (uintptr_t)getpagesize();
            uintptr_t start = (uintptr_t)rows[i].start & ~(page - 1);
            uintptr_t end = (uintptr_t)rows[i].end;
            if (end > start && end - start <= MAX_PREFETCH)
            {
                // SAFETY: advice on a read-only range of this executable's own image; an error (old kernel, a range
                // not mapped) changes nothing, so it is ignored.
                (void)madvise((void *)start, end - start, MADV_POPULATE_READ);
            }
        }
    }
}
