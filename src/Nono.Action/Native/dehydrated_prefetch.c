// Linked into the NativeAOT binary only (Nono.Action.csproj). Runs as an ELF constructor, before the .NET runtime
// starts: maps the runtime's dehydrated type data, ~2.3 MB of read-only data that StartupCodeHelpers.RehydrateData reads
// front to back at every start, with one madvise(MADV_POPULATE_READ) instead of ~35 read faults (fault-around maps
// 64 KiB per fault; each fault costs tens of microseconds on VMs with paravirtualised page tables). Only that range:
// populating all of the text and read-only data maps far more than a run touches (docs/notes/s6-launch.md).
//
// Advice only. The range comes from the runtime's own module header; if the header is not what this file expects, or
// the kernel predates MADV_POPULATE_READ (5.14), nothing is done and the pages fault in as before. Only a range inside one
// of the executable's read-only PT_LOAD segments is advised: never `.hydrated`, `.data` or bss.
#define _GNU_SOURCE
#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

#define READY_TO_RUN_SIGNATURE 0x00525452u // "RTR": ModuleHeaders.Signature in dotnet/runtime
#define READY_TO_RUN_MAJOR 16               // ModuleHeaders.CurrentMajorVersion of .NET 10's ILCompiler; the row layout may change with it
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

struct range
{
    uintptr_t start;
    uintptr_t end;
    int read_only;
};

// dl_iterate_phdr callback: is the range inside one PT_LOAD segment of the main executable that is not writable?
static int find_read_only_segment(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    struct range *range = data;
    if (info->dlpi_name != NULL && info->dlpi_name[0] != '\0')
    {
        return 0; // a shared library; the main executable comes first and has an empty name
    }

    for (int i = 0; i < info->dlpi_phnum; i++)
    {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[i];
        uintptr_t start = info->dlpi_addr + segment->p_vaddr;
        if (segment->p_type == PT_LOAD && (segment->p_flags & PF_W) == 0 && range->start >= start
            && range->end <= start + segment->p_filesz)
        {
            range->read_only = 1;
        }
    }

    return 1;
}

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
        if (header == NULL || header->signature != READY_TO_RUN_SIGNATURE || header->major_version != READY_TO_RUN_MAJOR
            || header->entry_size != sizeof(struct module_info_row))
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
            struct range range = { (uintptr_t)rows[i].start, (uintptr_t)rows[i].end, 0 };
            if (range.end <= range.start || range.end - range.start > MAX_PREFETCH)
            {
                continue;
            }

            (void)dl_iterate_phdr(find_read_only_segment, &range);
            uintptr_t start = range.start & ~(page - 1);
            uintptr_t end = range.end;
            if (range.read_only)
            {
                // SAFETY: advice on a read-only range of this executable's own image; an error (old kernel, a range
                // not mapped) changes nothing, so it is ignored.
                (void)madvise((void *)start, end - start, MADV_POPULATE_READ);
            }
        }
    }
}
