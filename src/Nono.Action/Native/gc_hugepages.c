// Linked into the NativeAOT binary only (Nono.Action.csproj wraps mmap, mmap64 and mprotect with `--wrap`). Puts the GC
// heap on transparent huge pages: on a VM whose page tables are paravirtualised every 4 KiB page fault costs 20-80 us,
// and a run of `nono run -- /bin/true` took ~320 of them filling fresh GC memory (docs/notes/s6-launch.md).
//
// Why mprotect too: the GC (gc/unix/gcenv.unix.cpp) reserves its regions range once (PROT_NONE) and commits it in
// 64 KiB steps with mprotect(PROT_READ | PROT_WRITE) + madvise(MADV_DODUMP). A huge page can only back a 2 MiB block
// that lies wholly inside one mapping with one set of flags, so madvise(MADV_HUGEPAGE) on the reservation alone changes
// nothing: each commit would be its own small mapping at the time the GC first writes to it. Inside that reservation,
// and only there, a commit is therefore widened to the whole 2 MiB blocks it touches (and the widened range is marked
// DODUMP like the rest, so the block stays one mapping). The extra pages are zero-filled memory the GC does not know
// is accessible: it never writes where it has not committed, its decommit (mmap MAP_FIXED PROT_NONE) still gives it
// fresh zero pages, and nothing relies on a fault there (the regions heap has no guard pages). Cost: a touched block is
// backed whole, so RSS grows by up to 2 MiB per partly used block (measured: +7 MB for a run). A decommit covers only
// what the GC committed, so the widened tail of a block stays mapped (zero pages the GC never wrote) until exit: real
// RSS can exceed the GC's hard limit by up to 2 MiB per region ever committed. Freeing that tail is not an option: with
// a GCRegionSize under 2 MiB one block would hold live objects of the next region.
//
// Everything else passes through unchanged: file mappings, fixed mappings outside the reservation, every other
// protection. `--wrap` only sees calls from objects in this link (the GC, the NativeAOT PAL, System.Native); glibc's own
// mappings (thread stacks, malloc arenas) never reach it. madvise is advice: where THP is off ("never") or a call fails, pages
// stay small; a widened mprotect that fails is retried exactly as the GC asked.
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

void *__real_mmap(void *address, size_t length, int protection, int flags, int fd, off_t offset);
void *__real_mmap64(void *address, size_t length, int protection, int flags, int fd, off_t offset);
int __real_mprotect(void *address, size_t length, int protection);

#define HUGE_PAGE_SIZE ((uintptr_t)2 * 1024 * 1024)

// The GC's regions range is the first anonymous PROT_NONE reservation of this size or more with exactly these flags; its
// size is min(256 GiB, 2 x RAM), or 5 x the heap hard limit in a memory-limited container. The PAL's own PAGE_NOACCESS
// reservations use the same flags but are smaller (4 MiB seen); the GC reserves during runtime init, before anything
// else of this size, and its bookkeeping is a separate reservation made after it. A regions range under 64 MiB (small
// GCHeapHardLimit or GCRegionRange) is never claimed, so nothing is widened there.
#define MIN_GC_RESERVATION ((size_t)64 * 1024 * 1024)
#define GC_RESERVATION_FLAGS (MAP_PRIVATE | MAP_ANONYMOUS)

// The whole 2 MiB blocks of the reservation; s_reserved_end is published last (release), so a reader that sees it
// non-zero also sees the start.
static _Atomic uintptr_t s_reserved_start;
static _Atomic uintptr_t s_reserved_end;
static atomic_flag s_reservation_claimed = ATOMIC_FLAG_INIT;

static int in_reservation(uintptr_t start, size_t length)
{
    uintptr_t end = atomic_load_explicit(&s_reserved_end, memory_order_acquire);
    uintptr_t reserved_start = atomic_load_explicit(&s_reserved_start, memory_order_relaxed);
    return end != 0 && start >= reserved_start && length <= end - start && start < end;
}

static void *advise_mapping(void *mapped, void *address, size_t length, int protection, int flags)
{
    if (mapped == MAP_FAILED || (flags & MAP_ANONYMOUS) == 0)
    {
        return mapped;
    }

    if (address == NULL && protection == PROT_NONE && flags == GC_RESERVATION_FLAGS && length >= MIN_GC_RESERVATION
        && !atomic_flag_test_and_set(&s_reservation_claimed))
    {
        uintptr_t start = ((uintptr_t)mapped + HUGE_PAGE_SIZE - 1) & ~(HUGE_PAGE_SIZE - 1);
        uintptr_t end = ((uintptr_t)mapped + length) & ~(HUGE_PAGE_SIZE - 1);
        // SAFETY: [start, end) lies inside the mapping just made; the advice only changes how it is backed.
        if (end > start && madvise((void *)start, end - start, MADV_HUGEPAGE) == 0)
        {
            atomic_store_explicit(&s_reserved_start, start, memory_order_relaxed);
            atomic_store_explicit(&s_reserved_end, end, memory_order_release);
        }
    }
    else if ((flags & MAP_FIXED) != 0 && in_reservation((uintptr_t)mapped, length))
    {
        // The GC's decommit maps fresh PROT_NONE pages over part of the reservation, which drops the advice there.
        // SAFETY: the range was just mapped by this call.
        (void)madvise(mapped, length, MADV_HUGEPAGE);
    }

    return mapped;
}

void *__wrap_mmap(void *address, size_t length, int protection, int flags, int fd, off_t offset)
{
    return advise_mapping(__real_mmap(address, length, protection, flags, fd, offset), address, length, protection, flags);
}

void *__wrap_mmap64(void *address, size_t length, int protection, int flags, int fd, off_t offset)
{
    return advise_mapping(__real_mmap64(address, length, protection, flags, fd, offset), address, length, protection, flags);
}

int __wrap_mprotect(void *address, size_t length, int protection)
{
    if (protection == (PROT_READ | PROT_WRITE) && length != 0 && in_reservation((uintptr_t)address, length))
    {
        uintptr_t start = (uintptr_t)address & ~(HUGE_PAGE_SIZE - 1);
        uintptr_t end = ((uintptr_t)address + length + HUGE_PAGE_SIZE - 1) & ~(HUGE_PAGE_SIZE - 1);
        // SAFETY: the widened range stays inside the GC's reservation (whole blocks of it), which only the GC uses; it
        // gains read/write access to zero pages the GC has not committed yet (see the top of this file).
        if (__real_mprotect((void *)start, end - start, protection) == 0)
        {
            (void)madvise((void *)start, end - start, MADV_DODUMP);
            return 0;
        }
    }

    return __real_mprotect(address, length, protection);
}
